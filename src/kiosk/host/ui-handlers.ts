/**
 * One handler map per role, implementing exactly the commands `UI_COMMANDS` declares for it
 * (src/shared/ui-contract.ts): a handler missing or extra fails to compile. Each handler gets the command's parsed
 * fields and calls the service's methods; none reaches into its repositories. Runs in Node.
 */
import { KioskError } from '../../shared/kiosk-errors.js';
import type { UiCommandArgs, UiCommandName, UiResultOf, UiRole } from '../../shared/ui-contract.js';
import type { ScreenInput } from '../input/screen-input.js';
import type { KioskService } from '../kiosk-service.js';
import type { ScreenPairings } from '../screen-pairing.js';
import type { TechnicianService } from '../technician.js';

/** What a channel serves with: the service, the touchscreen input, and what only some hosts have. */
export interface UiHost {
  service: KioskService;
  screen: ScreenInput;
  /** Technician mode; absent where the host has none. */
  tech?: TechnicianService;
  /** The browser host's screen pairings; absent under the Electron shell, whose windows need none. */
  pairing?: ScreenPairings;
}

/** The state of one screen's session. */
export interface UiSession {
  /** Technician mode: unlocked with the admin PIN on this screen. */
  unlocked: boolean;
  /** Ends this screen's key test, if one is on. */
  endKeyTest?: (reason?: 'technician' | 'closed') => void;
}

type Handler<R extends UiRole, N extends UiCommandName<R>> = (
  args: UiCommandArgs<R, N>,
) => UiResultOf<R, N> | Promise<UiResultOf<R, N>>;

/** A handler for every command of role R, and nothing else. */
export type RoleHandlers<R extends UiRole> = { [N in UiCommandName<R>]: Handler<R, N> };

export function citizenHandlers({ service, screen }: UiHost): RoleHandlers<'citizen'> {
  return {
    status: () => service.status(),
    // Only the rater's own screen shows the QR code: whoever holds its link can rate the service.
    view: () => service.screenView({ qrCode: true }),
    press: ({ level, source }) => screen.press(level, source),
    followUp: ({ request }) => service.invitations.followUp(request),
  };
}

export function staffHandlers({ service }: UiHost): RoleHandlers<'staff'> {
  return {
    status: () => service.status(),
    view: () => service.screenView(),
    login: ({ request }) => service.shifts.login(request),
    logout: () => service.shifts.logout(),
    pause: ({ request }) => service.shifts.pause(request.reason),
    resume: () => service.shifts.resume(),
    invite: ({ request }) => service.invitations.open(request),
    cancelInvitation: ({ id }) => {
      service.invitations.cancel(id);
      return null;
    },
  };
}

export function technicianHandlers(host: UiHost, session: UiSession): RoleHandlers<'technician'> {
  const { service } = host;
  const tech = () => {
    if (!host.tech) throw new KioskError('not_found', 'technician mode is not available on this host');
    return host.tech;
  };
  const pairing = () => {
    if (!host.pairing) throw new KioskError('not_found', 'this kiosk serves no browser-host screens to pair');
    return host.pairing;
  };
  return {
    status: () => service.status(),
    view: () => service.screenView(),
    techStatus: () => ({ ...tech().status(), unlocked: session.unlocked, screenPairing: host.pairing !== undefined }),
    setAdminPin: async ({ pin }) => {
      await tech().setAdminPin(pin);
      session.unlocked = true;
      return null;
    },
    unlock: async ({ pin }) => {
      session.unlocked = await tech().unlock(pin);
      return null;
    },
    listPorts: () => tech().listPorts(),
    setInput: ({ input, keyMap }) => tech().setInput(input, keyMap),
    keyTest: ({ on }) => {
      session.endKeyTest?.('technician');
      session.endKeyTest = undefined;
      // May be refused (a shift or an invitation is open): then the test is simply off.
      if (!on) return null;
      const end = service.startKeyTest();
      session.endKeyTest = end;
      return { id: end.id, endsAt: new Date(end.endsAt).toISOString() };
    },
    enroll: ({ centralUrl, code }) => tech().enroll(centralUrl, code),
    provision: ({ config }) => tech().provision(config),
    checkCentral: ({ centralUrl }) => tech().checkCentral(centralUrl),
    diagnostics: () => tech().diagnostics(),
    retryQuarantined: () => service.retryQuarantined(),
    exitKiosk: () => ({ exited: tech().requestExit() }),
    pairScreen: ({ role, label }) => pairing().issue(role, label),
    listScreens: () => pairing().list(),
    revokeScreen: ({ id }) => {
      pairing().revoke(id);
      return null;
    },
  };
}
