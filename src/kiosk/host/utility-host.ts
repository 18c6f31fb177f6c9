/**
 * When the Electron shell runs the kiosk service as a utility process, each window gets its own MessagePort to it:
 * the shell posts `{ type: 'connect', role }` with the port, and the service serves the UI contract on that port
 * for that role. Nothing here imports Electron: the shapes below are all it relies on. Runs in Node.
 */
import type { UiRole } from '../../shared/ui-contract.js';
import { UI_ROLES } from '../../shared/ui-contract.js';
import type { MessageTransport } from './ui-channel.js';

/** The part of a MessagePortMain (Electron) used here. */
export interface PortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  off(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  start(): void;
}

export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown; ports: PortLike[] }) => void): unknown;
  postMessage(message: unknown): void;
}

/** Asks the Electron shell to leave kiosk mode (technician mode's exit). */
export function requestShellExit(): void {
  electronParentPort()?.postMessage({ type: 'exit' });
}

/** `process.parentPort` in an Electron utility process, undefined elsewhere. */
export function electronParentPort(): ParentPortLike | undefined {
  return (process as unknown as { parentPort?: ParentPortLike }).parentPort;
}

export function portTransport(port: PortLike): MessageTransport {
  port.start();
  return {
    send: (message) => port.postMessage(message),
    onMessage: (receive) => {
      const listener = (event: { data: unknown }) => receive(event.data);
      port.on('message', listener);
      return () => port.off('message', listener);
    },
  };
}

/** Calls `serve` for every window the shell connects; `serve` returns the function that stops serving it. */
export function acceptWindows(
  parent: ParentPortLike,
  serve: (transport: MessageTransport, role: UiRole) => () => void,
): void {
  parent.on('message', (event) => {
    const message = event.data as { type?: unknown; role?: unknown };
    const port = event.ports[0];
    const role = UI_ROLES.find((r) => r === message.role);
    if (message.type !== 'connect' || !port || !role) return;
    const stop = serve(portTransport(port), role);
    port.on('close', stop);
  });
}
