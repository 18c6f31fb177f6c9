/**
 * Serves the UI contract (src/shared/ui-contract.ts) over any message transport: Node IPC when the Electron shell
 * runs the service as a child process, a WebSocket in the browser host. Every incoming message is validated; a bad
 * one gets an `invalid_request` result, never a crash. Runs in Node.
 */
import { KioskError } from '../../shared/kiosk-errors.js';
import { err, ok, type Result } from '../../shared/result.js';
import {
  eventForRole,
  ROLE_COMMANDS,
  UiCommand,
  UiRequestMessage,
  type UiMessage,
  type UiRole,
} from '../../shared/ui-contract.js';
import type { ScreenInput } from '../input/screen-input.js';
import type { KioskService } from '../kiosk-service.js';
import type { Logger } from '../../common/logger.js';

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
): () => void {
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
      }
    } catch (error) {
      if (error instanceof KioskError) return err({ code: error.code, message: error.message, details: error.details });
      log.error({ err: error, command: command.name }, 'UI command failed');
      return err({ code: 'internal', message: 'the kiosk service failed; see its log' });
    }
  }

  return () => {
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
