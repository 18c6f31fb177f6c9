/**
 * Serves the UI contract (src/shared/ui-contract.ts) over any message transport: Node IPC when a parent process
 * forked the service, a MessagePort per window under the Electron shell, a WebSocket in the browser host. Every
 * incoming message is validated; a bad one gets an `invalid_request` result, never a crash. A command of another
 * role is refused (`forbidden`) and logged. Dispatch is the role's handler map (ui-handlers.ts). Runs in Node.
 */
import { KioskError } from '../../shared/kiosk-errors.js';
import { err, ok, type Result } from '../../shared/result.js';
import {
  commandSpec,
  eventForRole,
  UI_ROLES,
  UiRequestMessage,
  type UiMessage,
  type UiRole,
} from '../../shared/ui-contract.js';
import type { Logger } from '../../common/logger.js';
import { citizenHandlers, staffHandlers, technicianHandlers, type UiHost, type UiSession } from './ui-handlers.js';

export type { UiHost } from './ui-handlers.js';

/** A bidirectional message pipe. */
export interface MessageTransport {
  send(message: UiMessage): void;
  /** Registers the receiver; returns a function that unregisters it. */
  onMessage(receive: (raw: unknown) => void): () => void;
}

type AnyHandler = (args: unknown) => unknown;

/** Serves one screen of `role` on `transport`; returns the function that stops serving it. */
export function serveUiChannel(transport: MessageTransport, host: UiHost, role: UiRole, log: Logger): () => void {
  const { service, screen } = host;
  const session: UiSession = { unlocked: false };
  const handlers: Record<string, AnyHandler> = (role === 'citizen'
    ? citizenHandlers(host)
    : role === 'staff'
      ? staffHandlers(host)
      : technicianHandlers(host, session)) as unknown as Record<string, AnyHandler>;
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
    if (typeof raw !== 'object' || raw === null || typeof (raw as { name?: unknown }).name !== 'string') {
      return err({ code: 'invalid_request', message: 'a command is an object with a name' });
    }
    const { name, ...fields } = raw as { name: string };
    const spec = commandSpec(role, name);
    if (!spec) {
      if (UI_ROLES.some((other) => commandSpec(other, name))) {
        log.warn({ role, command: name }, 'refused a command of another role');
        return err({ code: 'forbidden', message: `the ${role} screen may not ${name}` });
      }
      return err({ code: 'invalid_request', message: `unknown command ${name.slice(0, 40)}` });
    }
    const parsed = spec.args.safeParse(fields);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      return err({ code: 'invalid_request', message: `${where}${issue?.message ?? 'malformed command'}` });
    }
    if (role === 'technician' && !spec.open && !session.unlocked) {
      return err({ code: 'tech_locked', message: 'enter the admin PIN first' });
    }
    try {
      // awaited here, so a refusal is answered like any other and never escapes as an unhandled rejection
      return ok(await handlers[name]!(parsed.data));
    } catch (error) {
      if (error instanceof KioskError) return err({ code: error.code, message: error.message, details: error.details });
      log.error({ err: error, command: name }, 'UI command failed');
      return err({ code: 'internal', message: 'the kiosk service failed; see its log' });
    }
  }

  return () => {
    session.endKeyTest?.('closed');
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
