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
  roleForAddress,
  type PairResponse,
  type ScreenHello,
} from '../shared/screen-pairing.js';
import { UI_ROLES, type UiCommandOf, type UiMessage, type UiReply, type UiRole } from '../shared/ui-contract.js';

export interface UiClient<R extends UiRole = UiRole> {
  /** Sends a command this screen's role may send; the result is typed by the command. */
  send<C extends UiCommandOf<R>>(command: C): Promise<Result<UiReply<R, C['name']>>>;
  onEvent(listener: (event: KioskEvent) => void): () => void;
  /** Connection state, for the status line. */
  onConnection(listener: (connected: boolean) => void): () => void;
}

/** Whether this screen holds a token, and the one role it is bound to. */
export type PairingState = { paired: false } | { paired: true; role: UiRole };

/** The browser host's pairing of this screen. */
export interface ScreenPairing {
  /** Told the state while this screen holds a token (and its role, as the kiosk confirms it), or has none. */
  onChange(listener: (state: PairingState) => void): () => void;
  /** Redeems a one-time pairing code from the technician, for the role this page's address names. */
  pair(code: string): Promise<Result<{ label: string; role: UiRole }>>;
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

/**
 * Connects this page's screen. Under the Electron shell each window's own channel carries its role, its address
 * names it (roleOfPage), and there is no pairing. In the browser host the role is the one of this browser
 * profile's token, whatever the address says: the kiosk answers that role's commands only, and the page shows that
 * role's screen (`pairing`'s state).
 */
export function connectUi(): { client: UiClient; pairing: ScreenPairing | null } {
  if (window.hcp) return { client: bridgeClient(window.hcp), pairing: null };
  return websocketClient();
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
    receive(message: UiMessage | ScreenHello) {
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

function bridgeClient(bridge: HcpBridge): UiClient {
  const c = createClient<UiRole>((message) => {
    bridge.send(message);
    return true;
  });
  bridge.onMessage((message) => c.receive(message as UiMessage));
  queueMicrotask(() => c.connection(true));
  return c.client;
}

/**
 * Where this browser profile keeps its one screen token and the role it pairs. One key, not one per role: a
 * profile holding a citizen token besides a staff one would let the staff window open `/` and rate.
 */
export const SCREEN_STORAGE_KEY = 'hcp.screen';
/** Round one kept a token per role under these keys: never used again, and cleared (see storedScreen). */
const LEGACY_KEY = /^hcp\.screen-token\./;

interface StoredScreen {
  token: string;
  role: UiRole;
}

/**
 * This profile's screen token, if any. Tokens stored per role by an earlier version are removed; when there was
 * exactly one, it is kept as the profile's token (a screen paired once need not be paired again), else the
 * profile pairs anew.
 */
function storedScreen(): StoredScreen | null {
  const legacy: StoredScreen[] = [];
  for (const key of Object.keys(localStorage).filter((k) => LEGACY_KEY.test(k))) {
    const role = key.replace(LEGACY_KEY, '') as UiRole;
    const token = localStorage.getItem(key);
    localStorage.removeItem(key);
    if (token && UI_ROLES.includes(role)) legacy.push({ token, role });
  }
  if (legacy.length === 1 && localStorage.getItem(SCREEN_STORAGE_KEY) === null) keepScreen(legacy[0]!);
  try {
    const stored = JSON.parse(localStorage.getItem(SCREEN_STORAGE_KEY) ?? 'null') as Partial<StoredScreen> | null;
    if (typeof stored?.token === 'string' && UI_ROLES.includes(stored.role as UiRole)) return stored as StoredScreen;
  } catch {
    // unreadable: as if none
  }
  localStorage.removeItem(SCREEN_STORAGE_KEY);
  return null;
}

const keepScreen = (screen: StoredScreen) => localStorage.setItem(SCREEN_STORAGE_KEY, JSON.stringify(screen));

/** The role whose screen this page's address names (the role a pairing code is redeemed for). */
export const roleOfPage = (): UiRole => roleForAddress(location.pathname, location.hash);

/** A pairing code handed over in the URL's fragment (`…/staff#pair=12345678`): never sent to the server as such. */
function codeFromFragment(): string | null {
  const match = /^#pair=(\d{8})$/.exec(location.hash);
  if (!match) return null;
  history.replaceState(null, '', location.pathname + location.search); // out of the address bar and history
  return match[1]!;
}

/**
 * A WebSocket to the browser host, presenting this profile's token, reconnecting every second while the service is
 * away. The kiosk's first message names the token's role (ScreenHello), which the page shows. Closed as unpaired
 * (no token, an unknown or a revoked one), it forgets the token and waits for a new code; a new code redeemed
 * replaces the token, whatever role it had.
 */
function websocketClient(): { client: UiClient; pairing: ScreenPairing } {
  let socket: WebSocket | null = null;
  let screen = storedScreen();
  const pairedListeners = new Set<(state: PairingState) => void>();
  const handedOver = codeFromFragment();
  // Unknown (null) while a code handed over in the URL is being redeemed: no pairing screen flashes meanwhile.
  let state: PairingState | null = handedOver ? null : screen ? { paired: true, role: screen.role } : { paired: false };
  const tell = (now: PairingState) => {
    state = now;
    for (const l of pairedListeners) l(now);
  };
  const c = createClient<UiRole>((message) => {
    if (socket?.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  });
  const open = () => {
    if (socket) {
      const old = socket;
      socket = null; // its close is not a loss to reconnect from
      old.close();
      c.connection(false);
    }
    if (!screen) return tell({ paired: false });
    const url = new URL(UI_SOCKET_PATH, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const offered = screen;
    const ws = new WebSocket(url, [UI_WS_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${offered.token}`]);
    ws.onopen = () => c.connection(true);
    ws.onmessage = (e) => {
      const message = JSON.parse(String(e.data)) as UiMessage | ScreenHello;
      if (message.type !== 'screen') return c.receive(message);
      // The kiosk's word on the role wins over what this profile remembered.
      if (screen === offered && message.role !== offered.role) {
        screen = { token: offered.token, role: message.role };
        keepScreen(screen);
      }
      tell({ paired: true, role: message.role });
    };
    ws.onclose = (e) => {
      if (socket !== ws) return; // replaced by a newer socket (a new token)
      socket = null;
      c.connection(false);
      if (e.code === SCREEN_UNPAIRED_CLOSE) {
        localStorage.removeItem(SCREEN_STORAGE_KEY);
        screen = null;
        tell({ paired: false });
        return;
      }
      setTimeout(() => socket === null && open(), 1000);
    };
    socket = ws;
  };
  const pairing: ScreenPairing = {
    onChange: (listener) => {
      pairedListeners.add(listener);
      queueMicrotask(() => state !== null && listener(state));
      return () => pairedListeners.delete(listener);
    },
    pair: async (code) => {
      let res: Response;
      try {
        res = await fetch(PAIR_PATH, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code, role: roleOfPage() }),
        });
      } catch {
        return { ok: false, error: { code: 'disconnected', message: 'not connected to the kiosk service' } };
      }
      const body = (await res.json().catch(() => ({}))) as Partial<PairResponse> & { error?: string; message?: string };
      if (!res.ok || typeof body.token !== 'string' || !UI_ROLES.includes(body.role as UiRole)) {
        return {
          ok: false,
          error: { code: body.error ?? 'internal', message: body.message ?? `answered ${res.status}` },
        };
      }
      screen = { token: body.token, role: body.role! };
      keepScreen(screen); // replaces whatever token this profile held
      tell({ paired: true, role: screen.role });
      open();
      return { ok: true, value: { label: body.label ?? '', role: screen.role } };
    },
  };
  if (handedOver) void pairing.pair(handedOver).then((r) => r.ok || open());
  else open();
  return { client: c.client, pairing };
}
