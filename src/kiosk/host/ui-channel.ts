/**
 * Serves the UI contract (src/shared/ui-contract.ts) over any message transport: Node IPC when the Electron shell
 * runs the service as a child process, a WebSocket in the browser host. Every incoming message is validated; a bad
 * one gets an `invalid_request` result, never a crash. Runs in Node.
 */
import { KioskError } from '../../shared/kiosk-errors.js';
import { err, ok, type Result } from '../../shared/result.js';
import {
  eventForRole,
  OPEN_TECH_COMMANDS,
  ROLE_COMMANDS,
  UiCommand,
  UiRequestMessage,
  type UiMessage,
  type UiRole,
} from '../../shared/ui-contract.js';
import type { ScreenInput } from '../input/screen-input.js';
import type { KioskService } from '../kiosk-service.js';
import type { Logger } from '../../common/logger.js';
import type { TechnicianService } from '../technician.js';

/** A bidirectional message pipe. */
export interface MessageTransport {
  send(message: UiMessage): void;
  /** Registers the receiver; returns a function that unregisters it. */
  onMessage(receive: (raw: unknown) => void): () => void;
}

export function serveUiChannel(
  transport: MessageTransport,
  service: KioskService,
  screen: ScreenInput,
  log: Logger,
  role: UiRole = 'citizen',
  tech?: TechnicianService,
): () => void {
  let unlocked = false;
  let endKeyTest: (() => void) | undefined;
  const detach = role === 'citizen' ? screen.attach() : () => undefined;
  const unsubscribe = service.subscribe((event) => {
    const told = eventForRole(event, role);
    if (told) transport.send({ type: 'event', event: told });
  });
  const stop = transport.onMessage((raw) => {
    const framed = UiRequestMessage.safeParse(raw);
    if (!framed.success) {
      log.warn({ issue: framed.error.issues[0]?.message }, 'dropped a malformed UI message');
      return;
    }
    const { id } = framed.data;
    void run(framed.data.command).then((result) => transport.send({ type: 'result', id, result }));
  });

  async function run(raw: unknown): Promise<Result<unknown>> {
    const parsed = UiCommand.safeParse(raw);
    if (!parsed.success) {
      return err({ code: 'invalid_request', message: parsed.error.issues[0]?.message ?? 'malformed command' });
    }
    const command = parsed.data;
    if (!ROLE_COMMANDS[role].includes(command.name)) {
      return err({ code: 'forbidden', message: `the ${role} screen may not ${command.name}` });
    }
    if (role === 'technician' && !unlocked && !OPEN_TECH_COMMANDS.includes(command.name)) {
      return err({ code: 'tech_locked', message: 'enter the admin PIN first' });
    }
    try {
      switch (command.name) {
        case 'status':
          return ok(service.status());
        case 'view':
          return ok(service.screenView());
        case 'press':
          return ok(await screen.press(command.level, command.source));
        case 'followUp':
          return ok(service.invitations.followUp(command.request));
        case 'login':
          return ok(await service.shifts.login(command.request));
        case 'logout':
          return ok(service.shifts.logout());
        case 'pause':
          return ok(service.shifts.pause(command.request.reason));
        case 'resume':
          return ok(service.shifts.resume());
        case 'invite':
          return ok(service.invitations.open(command.request));
        case 'cancelInvitation':
          service.invitations.cancel(command.id);
          return ok(null);
        default:
          // awaited here, so a refusal is answered like any other and never escapes as an unhandled rejection
          return await runTech(command);
      }
    } catch (error) {
      if (error instanceof KioskError) return err({ code: error.code, message: error.message, details: error.details });
      log.error({ err: error, command: command.name }, 'UI command failed');
      return err({ code: 'internal', message: 'the kiosk service failed; see its log' });
    }
  }

  async function runTech(command: UiCommand): Promise<Result<unknown>> {
    if (!tech) return err({ code: 'not_available', message: 'technician mode is not available on this host' });
    switch (command.name) {
      case 'techStatus':
        return ok({ ...tech.status(), unlocked });
      case 'setAdminPin':
        await tech.setAdminPin(command.pin);
        unlocked = true;
        return ok(null);
      case 'unlock':
        unlocked = await tech.unlock(command.pin);
        return ok(null);
      case 'listPorts':
        return ok(await tech.listPorts());
      case 'setInput':
        return ok(await tech.setInput(command.input, command.keyMap));
      case 'keyTest':
        endKeyTest?.();
        endKeyTest = command.on ? service.startKeyTest() : undefined;
        return ok(null);
      case 'enroll':
        return ok(await tech.enroll(command.centralUrl, command.code));
      case 'provision':
        return ok(await tech.provision(command.config));
      case 'checkCentral':
        return ok(await tech.checkCentral(command.centralUrl));
      case 'diagnostics':
        return ok(tech.diagnostics());
      case 'retryQuarantined': {
        const requeued = service.context.outbox.retryQuarantined();
        service.syncAgent?.nudge();
        return ok({ requeued });
      }
      case 'exitKiosk':
        return ok({ exited: tech.requestExit() });
      default:
        return err({ code: 'forbidden', message: `unknown command ${command.name}` });
    }
  }

  return () => {
    endKeyTest?.();
    detach();
    unsubscribe();
    stop();
  };
}

/** The transport to a parent process that forked this one with an IPC channel. */
export function parentProcessTransport(): MessageTransport | undefined {
  const send = process.send?.bind(process);
  if (!send) return undefined;
  return {
    send: (message) => {
      if (process.connected) send(message);
    },
    onMessage: (receive) => {
      process.on('message', receive);
      return () => process.off('message', receive);
    },
  };
}
