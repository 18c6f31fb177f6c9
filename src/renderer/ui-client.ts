/**
 * The page's one door to the kiosk service: send a command, get a Result; be told events. It runs over whichever
 * transport the host provides — the Electron preload's bridge (`window.hcp`), or a WebSocket to the browser host —
 * and nothing else in the renderer knows which. Runs in the browser.
 */
import type { KioskEvent } from '../shared/kiosk-events.js';
import type { Result } from '../shared/result.js';
import type { UiCommand, UiMessage, UiRole } from '../shared/ui-contract.js';

export interface UiClient {
  send<T>(command: UiCommand): Promise<Result<T>>;
  onEvent(listener: (event: KioskEvent) => void): () => void;
  /** Connection state, for the status line. */
  onConnection(listener: (connected: boolean) => void): () => void;
}

/** What the Electron preload exposes (src/preload): messages in and out, nothing more. */
export interface HcpBridge {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): () => void;
}

declare global {
  interface Window {
    hcp?: HcpBridge;
  }
}

export function connectUi(role: UiRole): UiClient {
  return window.hcp ? bridgeClient(window.hcp) : websocketClient(role);
}

function createClient(post: (message: unknown) => boolean) {
  let nextId = 1;
  const waiting = new Map<number, (result: Result<unknown>) => void>();
  const eventListeners = new Set<(event: KioskEvent) => void>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  return {
    receive(message: UiMessage) {
      if (message.type === 'result') {
        waiting.get(message.id)?.(message.result);
        waiting.delete(message.id);
      } else if (message.type === 'event') {
        for (const l of eventListeners) l(message.event);
      }
    },
    connection(connected: boolean) {
      if (!connected) {
        for (const resolve of waiting.values())
          resolve({ ok: false, error: { code: 'disconnected', message: 'lost the kiosk service' } });
        waiting.clear();
      }
      for (const l of connectionListeners) l(connected);
    },
    client: {
      send: <T>(command: UiCommand) =>
        new Promise<Result<T>>((resolve) => {
          const id = nextId++;
          waiting.set(id, resolve as (r: Result<unknown>) => void);
          if (!post({ type: 'command', id, command })) {
            waiting.delete(id);
            resolve({ ok: false, error: { code: 'disconnected', message: 'not connected to the kiosk service' } });
          }
        }),
      onEvent: (listener: (event: KioskEvent) => void) => {
        eventListeners.add(listener);
        return () => eventListeners.delete(listener);
      },
      onConnection: (listener: (connected: boolean) => void) => {
        connectionListeners.add(listener);
        return () => connectionListeners.delete(listener);
      },
    } satisfies UiClient,
  };
}

function bridgeClient(bridge: HcpBridge): UiClient {
  const c = createClient((message) => {
    bridge.send(message);
    return true;
  });
  bridge.onMessage((message) => c.receive(message as UiMessage));
  queueMicrotask(() => c.connection(true));
  return c.client;
}

/** A WebSocket to the browser host, reconnecting every second while the service is away. */
function websocketClient(role: UiRole): UiClient {
  let socket: WebSocket | null = null;
  const c = createClient((message) => {
    if (socket?.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  });
  const open = () => {
    const url = new URL(`/ui?role=${role}`, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url);
    ws.onopen = () => c.connection(true);
    ws.onmessage = (e) => c.receive(JSON.parse(String(e.data)) as UiMessage);
    ws.onclose = () => {
      c.connection(false);
      setTimeout(open, 1000);
    };
    socket = ws;
  };
  open();
  return c.client;
}
