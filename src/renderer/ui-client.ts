/**
 * The page's one door to the kiosk service: send a command, get a Result; be told events. It runs over whichever
 * transport the host provides — the Electron preload's bridge (`window.hcp`), or a WebSocket to the browser host —
 * and nothing else in the renderer knows which. Commands and their results are typed by the screen's role
 * (src/shared/ui-contract.ts). In the browser host a screen proves its role with the token it got when the
 * technician paired it (src/shared/screen-pairing.ts), kept in this browser's storage; the Electron shell's
 * windows need none. Runs in the browser.
 */
import type { KioskEvent } from '../shared/kiosk-events.js';
import type { Result } from '../shared/result.js';
import {
  PAIR_PATH,
  SCREEN_UNPAIRED_CLOSE,
  TOKEN_PROTOCOL_PREFIX,
  UI_SOCKET_PATH,
  UI_WS_PROTOCOL,
  type PairResponse,
} from '../shared/screen-pairing.js';
import type { UiCommandOf, UiMessage, UiReply, UiRole } from '../shared/ui-contract.js';

export interface UiClient<R extends UiRole = UiRole> {
  /** Sends a command this screen's role may send; the result is typed by the command. */
  send<C extends UiCommandOf<R>>(command: C): Promise<Result<UiReply<R, C['name']>>>;
  onEvent(listener: (event: KioskEvent) => void): () => void;
  /** Connection state, for the status line. */
  onConnection(listener: (connected: boolean) => void): () => void;
}

/** The browser host's pairing of this screen. */
export interface ScreenPairing {
  /** Told `true` while this screen holds a token, `false` when it has none or the kiosk refused it. */
  onChange(listener: (paired: boolean) => void): () => void;
  /** Redeems a one-time pairing code from the technician. */
  pair(code: string): Promise<Result<{ label: string }>>;
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

/** Connects a screen of `role`; `pairing` is null under the Electron shell, whose windows need none. */
export function connectUi<R extends UiRole>(role: R): { client: UiClient<R>; pairing: ScreenPairing | null } {
  if (window.hcp) return { client: bridgeClient<R>(window.hcp), pairing: null };
  return websocketClient(role);
}

function createClient<R extends UiRole>(post: (message: unknown) => boolean) {
  let nextId = 1;
  const waiting = new Map<number, (result: Result<unknown>) => void>();
  const eventListeners = new Set<(event: KioskEvent) => void>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  const client: UiClient<R> = {
    send: <C extends UiCommandOf<R>>(command: C) =>
      new Promise<Result<UiReply<R, C['name']>>>((resolve) => {
        const id = nextId++;
        waiting.set(id, resolve as (r: Result<unknown>) => void);
        if (!post({ type: 'command', id, command })) {
          waiting.delete(id);
          resolve({ ok: false, error: { code: 'disconnected', message: 'not connected to the kiosk service' } });
        }
      }),
    onEvent: (listener) => {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onConnection: (listener) => {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
  };
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
    client,
  };
}

function bridgeClient<R extends UiRole>(bridge: HcpBridge): UiClient<R> {
  const c = createClient<R>((message) => {
    bridge.send(message);
    return true;
  });
  bridge.onMessage((message) => c.receive(message as UiMessage));
  queueMicrotask(() => c.connection(true));
  return c.client;
}

/** Where this browser keeps a screen's token: one per role, so a demo's windows in one profile do not collide. */
const tokenKey = (role: UiRole) => `hcp.screen-token.${role}`;

/** A pairing code handed over in the URL's fragment (`…/staff#pair=12345678`): never sent to the server as such. */
function codeFromFragment(): string | null {
  const match = /^#pair=(\d{8})$/.exec(location.hash);
  if (!match) return null;
  history.replaceState(null, '', location.pathname + location.search); // out of the address bar and history
  return match[1]!;
}

/**
 * A WebSocket to the browser host, presenting this screen's token, reconnecting every second while the service is
 * away. Closed as unpaired (no token, an unknown or a revoked one), it forgets the token and waits for a new code.
 */
function websocketClient<R extends UiRole>(role: R): { client: UiClient<R>; pairing: ScreenPairing } {
  let socket: WebSocket | null = null;
  let token = localStorage.getItem(tokenKey(role));
  const pairedListeners = new Set<(paired: boolean) => void>();
  const handedOver = codeFromFragment();
  // Unknown (null) while a code handed over in the URL is being redeemed: no pairing screen flashes meanwhile.
  let paired: boolean | null = handedOver ? null : token !== null;
  const tellPaired = (now: boolean) => {
    paired = now;
    for (const l of pairedListeners) l(now);
  };
  const c = createClient<R>((message) => {
    if (socket?.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  });
  const open = () => {
    if (!token) return tellPaired(false);
    const url = new URL(UI_SOCKET_PATH, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url, [UI_WS_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`]);
    ws.onopen = () => c.connection(true);
    ws.onmessage = (e) => c.receive(JSON.parse(String(e.data)) as UiMessage);
    ws.onclose = (e) => {
      if (socket === ws) socket = null;
      c.connection(false);
      if (e.code === SCREEN_UNPAIRED_CLOSE) {
        localStorage.removeItem(tokenKey(role));
        token = null;
        tellPaired(false);
        return;
      }
      setTimeout(open, 1000);
    };
    socket = ws;
  };
  const pairing: ScreenPairing = {
    onChange: (listener) => {
      pairedListeners.add(listener);
      queueMicrotask(() => paired !== null && listener(paired));
      return () => pairedListeners.delete(listener);
    },
    pair: async (code) => {
      let res: Response;
      try {
        res = await fetch(PAIR_PATH, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code, role }),
        });
      } catch {
        return { ok: false, error: { code: 'disconnected', message: 'not connected to the kiosk service' } };
      }
      const body = (await res.json().catch(() => ({}))) as Partial<PairResponse> & { error?: string; message?: string };
      if (!res.ok || typeof body.token !== 'string') {
        return {
          ok: false,
          error: { code: body.error ?? 'internal', message: body.message ?? `answered ${res.status}` },
        };
      }
      token = body.token;
      localStorage.setItem(tokenKey(role), token);
      tellPaired(true);
      open();
      return { ok: true, value: { label: body.label ?? '' } };
    },
  };
  if (handedOver) void pairing.pair(handedOver).then((r) => r.ok || open());
  else open();
  return { client: c.client, pairing };
}
