/**
 * Relays the UI contract between the screens and the kiosk service. Each window speaks on the `hcp:ui` channel; the
 * main process checks that the sender is one of its own windows showing one of its own pages, validates the
 * message's framing, and forwards it on that window's own port to the service (one port per role, so the service
 * knows which screen is asking). Anything else is dropped. Runs in Electron main.
 */
import { UiRequestMessage, type UiRole } from '../shared/ui-contract.js';

export const UI_CHANNEL = 'hcp:ui';

/** The part of a MessagePortMain the relay uses. */
export interface PortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  start(): void;
}

/** The part of an IpcMainEvent the relay checks. */
export interface SenderInfo {
  sender: { id: number };
  senderFrame: { url: string } | null;
}

export interface RelayWindow {
  role: UiRole;
  contentsId: number;
  /** Sends to the window's page. */
  send(channel: string, message: unknown): void;
  port: PortLike;
}

export class UiRelay {
  private readonly windows = new Map<number, RelayWindow>();

  constructor(private readonly isAppUrl: (url: string) => boolean) {}

  /** Registers a window; everything the service says on its port goes to that window only. */
  add(window: RelayWindow): void {
    this.windows.set(window.contentsId, window);
    window.port.on('message', (event) => window.send(UI_CHANNEL, event.data));
    window.port.start();
  }

  remove(contentsId: number): void {
    this.windows.delete(contentsId);
  }

  /** A message from a page. Returns whether it was forwarded. */
  fromRenderer(event: SenderInfo, message: unknown): boolean {
    const window = this.windows.get(event.sender.id);
    if (!window) return false;
    if (!event.senderFrame || !this.isAppUrl(event.senderFrame.url)) return false;
    const framed = UiRequestMessage.safeParse(message);
    if (!framed.success) return false;
    window.port.postMessage(framed.data);
    return true;
  }
}
