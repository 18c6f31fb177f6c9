/**
 * The Electron shell's security settings and logic, proven with the `electron` module replaced by a fake (no
 * Electron binary runs here): window options, CSP, navigation and permission guards, IPC validation, the updater's
 * policy, the key store, the preload's bridge, and what the main process does at start.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { APP_ORIGIN, screenUrl } from './app-origin.js';
import { APP_SCHEME_PRIVILEGES, appProtocolHandler, resolveAppPath } from './app-protocol.js';
import { UI_CHANNEL, UiRelay, type PortLike } from './ipc-relay.js';
import { KeyStoreUnavailableError, loadDataKey, loadDeviceKey, unwrapSecret, wrapSecret } from './key-store.js';
import { CONTENT_SECURITY_POLICY, hardenContents, hardenSession, isAppUrl } from './security.js';
import { DATA_KEY_FILE, DEVICE_KEY_FILE, WRAPPED_SUFFIX } from '../shared/kiosk-files.js';
import { checkForUpdates, feedRefusal, updatesEnabled } from './updater.js';
import { placeWindows, windowOptions } from './window-options.js';

const APP = '/opt/hcp/resources/app/dist';

describe('window options', () => {
  it('sandbox every screen with context isolation and no Node', () => {
    for (const role of ['citizen', 'staff'] as const) {
      const o = windowOptions({ role, bounds: { x: 0, y: 0, width: 800, height: 480 }, preload: '/p.cjs' });
      expect(o.webPreferences).toMatchObject({
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        webSecurity: true,
        webviewTag: false,
        devTools: false,
        preload: '/p.cjs',
        disableBlinkFeatures: 'Auxclick',
      });
    }
  });

  it('make the citizen screen a full-screen kiosk and the staff panel a normal window', () => {
    const bounds = { x: 0, y: 0, width: 1920, height: 1080 };
    expect(windowOptions({ role: 'citizen', bounds, preload: '' })).toMatchObject({
      kiosk: true,
      fullscreen: true,
      frame: false,
      webPreferences: { autoplayPolicy: 'no-user-gesture-required' }, // it speaks its prompts unprompted
    });
    expect(windowOptions({ role: 'staff', bounds, preload: '' })).toMatchObject({
      kiosk: false,
      fullscreen: false,
      webPreferences: { autoplayPolicy: 'document-user-activation-required' },
    });
  });

  it('put the citizen screen on its configured display and the staff panel on another', () => {
    const a = { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } };
    const b = { id: 2, bounds: { x: 1920, y: 0, width: 800, height: 480 } };
    expect(placeWindows([a, b], 1, 1)).toEqual({ citizen: b.bounds, staff: a.bounds });
    expect(placeWindows([a, b], 1)).toEqual({ citizen: a.bounds, staff: b.bounds });
    const single = placeWindows([a], 1);
    expect(single.citizen).toEqual(a.bounds);
    expect(single.staff).toEqual({ x: 0, y: 0, width: 1024, height: 720 });
  });
});

class FakeContents extends EventEmitter {
  openHandler: (() => { action: string }) | undefined;
  setWindowOpenHandler(handler: () => { action: string }) {
    this.openHandler = handler;
  }
}

describe('guards', () => {
  it('set a strict CSP on every response and refuse every permission', () => {
    let headers: ((d: { responseHeaders: Record<string, string[]> }, cb: (r: unknown) => void) => void) | undefined;
    let permission: ((c: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
    let check: (() => boolean) | undefined;
    const session = {
      webRequest: { onHeadersReceived: (fn: typeof headers) => (headers = fn) },
      setPermissionRequestHandler: (fn: typeof permission) => (permission = fn),
      setPermissionCheckHandler: (fn: typeof check) => (check = fn),
    };
    hardenSession(session as never);
    let answer: unknown;
    headers!({ responseHeaders: { 'x-a': ['1'] } }, (r) => (answer = r));
    expect(answer).toEqual({ responseHeaders: { 'x-a': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal']) {
      let granted: boolean | undefined;
      permission!({}, p, (ok) => (granted = ok));
      expect(granted, p).toBe(false);
    }
    expect(check!()).toBe(false);
  });

  it('keep every window on the app: no navigation away, no new windows, no webviews', () => {
    const contents = new FakeContents();
    hardenContents(contents as never);
    const attempt = (event: string, url?: string) => {
      const e = { preventDefault: vi.fn() };
      contents.emit(event, e, url);
      return e.preventDefault.mock.calls.length > 0;
    };
    expect(attempt('will-navigate', 'https://evil.example/')).toBe(true);
    expect(attempt('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(attempt('will-navigate', `${APP_ORIGIN}/index.html#/staff`)).toBe(false);
    expect(attempt('will-redirect', 'http://127.0.0.1:8710/')).toBe(true);
    expect(attempt('will-attach-webview')).toBe(true);
    expect(contents.openHandler!()).toEqual({ action: 'deny' });
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('refuse navigation to the app’s own files over file://: only the app:// origin is the app', () => {
    const contents = new FakeContents();
    hardenContents(contents as never);
    const refused = (url: string) => {
      const e = { preventDefault: vi.fn() };
      contents.emit('will-navigate', e, url);
      return e.preventDefault.mock.calls.length > 0;
    };
    expect(refused(`file://${APP}/renderer/index.html`)).toBe(true);
    expect(refused('app://other/index.html')).toBe(true);
    expect(refused('app://hcp:8080/index.html')).toBe(true);
    expect(refused('app://user@hcp/index.html')).toBe(true);
    expect(refused(screenUrl('/tech'))).toBe(false);
  });
});

describe('IPC relay', () => {
  const port = (): PortLike & { posted: unknown[]; emit(data: unknown): void } => {
    const emitter = new EventEmitter();
    const posted: unknown[] = [];
    return {
      posted,
      postMessage: (m: unknown) => posted.push(m),
      on: (e: 'message', l: (ev: { data: unknown }) => void) => emitter.on(e, l),
      start: () => undefined,
      emit: (data: unknown) => emitter.emit('message', { data }),
    };
  };

  it('forwards only well-formed messages from its own windows showing its own pages, on that window’s port', () => {
    const relay = new UiRelay(isAppUrl);
    const citizenPort = port();
    const staffPort = port();
    const toCitizen: unknown[] = [];
    relay.add({ role: 'citizen', contentsId: 1, send: (c, m) => toCitizen.push([c, m]), port: citizenPort });
    relay.add({ role: 'staff', contentsId: 2, send: () => undefined, port: staffPort });
    const page = { url: screenUrl('/staff') };
    const good = { type: 'command', id: 1, command: { name: 'status' } };

    expect(relay.fromRenderer({ sender: { id: 1 }, senderFrame: page }, good)).toBe(true);
    expect(citizenPort.posted).toEqual([good]);
    expect(staffPort.posted).toEqual([]);
    expect(relay.fromRenderer({ sender: { id: 9 }, senderFrame: page }, good)).toBe(false); // not our window
    expect(relay.fromRenderer({ sender: { id: 1 }, senderFrame: { url: 'https://evil.example/' } }, good)).toBe(false);
    expect(relay.fromRenderer({ sender: { id: 1 }, senderFrame: null }, good)).toBe(false);
    for (const bad of [null, 'x', { type: 'command' }, { ...good, extra: 1 }, { ...good, id: -1 }]) {
      expect(relay.fromRenderer({ sender: { id: 1 }, senderFrame: page }, bad)).toBe(false);
    }
    expect(citizenPort.posted).toHaveLength(1);

    citizenPort.emit({ type: 'event', event: { type: 'config.changed' } });
    expect(toCitizen).toEqual([[UI_CHANNEL, { type: 'event', event: { type: 'config.changed' } }]]);
    relay.remove(1);
    expect(relay.fromRenderer({ sender: { id: 1 }, senderFrame: page }, good)).toBe(false);
  });

  it('refuses a sender showing a file:// page or a page of another origin, even in its own window', () => {
    const relay = new UiRelay(isAppUrl);
    const citizenPort = port();
    relay.add({ role: 'citizen', contentsId: 1, send: () => undefined, port: citizenPort });
    const good = { type: 'command', id: 1, command: { name: 'status' } };
    for (const url of [
      `file://${APP}/renderer/index.html`,
      'app://other/index.html',
      'app://hcp.evil.example/index.html',
      'http://127.0.0.1:8710/ui',
      'null',
    ]) {
      expect(relay.fromRenderer({ sender: { id: 1 }, senderFrame: { url } }, good), url).toBe(false);
    }
    expect(citizenPort.posted).toEqual([]);
    expect(relay.fromRenderer({ sender: { id: 1 }, senderFrame: { url: screenUrl('') } }, good)).toBe(true);
  });
});

describe('app:// protocol', () => {
  const root = mkdtempSync(join(tmpdir(), 'hcp-renderer-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<script type="module" crossorigin src="./assets/index-1.js"></script>');
  writeFileSync(join(root, 'assets', 'index-1.js'), 'export {};');
  writeFileSync(join(root, 'assets', 'index-1.css'), 'body{}');
  const handle = appProtocolHandler(root);
  const get = (url: string, method = 'GET') => handle({ url, method });

  it('is registered as a standard, secure scheme with fetch, and nothing it does not need', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({
      scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true },
    });
  });

  it('serves index.html and the assets with their content types and the CSP', async () => {
    const page = await get(`${APP_ORIGIN}/index.html`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('type="module"');
    expect((await get(`${APP_ORIGIN}/`)).status).toBe(200); // the folder's index
    const script = await get(`${APP_ORIGIN}/assets/index-1.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('export {};');
    expect((await get(`${APP_ORIGIN}/assets/index-1.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await get(`${APP_ORIGIN}/assets/index-1.js`, 'HEAD')).status).toBe(200);
  });

  it('refuses path traversal, plain or encoded, other hosts, unknown files and other methods', async () => {
    writeFileSync(join(root, '..', 'hcp-secret.txt'), 'secret');
    for (const url of [
      'app://hcp/../../etc/passwd',
      'app://hcp/%2e%2e/%2e%2e/etc/passwd',
      'app://hcp/..%2f..%2fetc%2fpasswd',
      'app://hcp/assets/..%2f..%2fhcp-secret.txt',
      'app://hcp/%2E%2E%2Fhcp-secret.txt',
      'app://hcp/..%5chcp-secret.txt',
      'app://hcp/index.html%00.js',
      'app://hcp/%E0%A4%A',
      'app://hcp/missing.js',
      'app://hcp/assets',
      'app://other/index.html',
      'file:///etc/passwd',
    ]) {
      const answer = await get(url);
      expect(answer.status, url).toBe(404);
      expect(await answer.text(), url).not.toContain('secret');
    }
    expect(resolveAppPath(root, 'app://hcp/..%2fhcp-secret.txt')).toBeNull();
    expect(resolveAppPath(root, 'app://hcp/assets/index-1.js')).toBe(join(root, 'assets', 'index-1.js'));
    expect((await get(`${APP_ORIGIN}/index.html`, 'POST')).status).toBe(405);
    rmSync(join(root, '..', 'hcp-secret.txt'), { force: true });
  });
});

describe('updater policy', () => {
  const ALLOWED = ['https://updates.example'];

  it('is off unless packaged with a feed URL from the central configuration', () => {
    expect(updatesEnabled(false, 'https://updates.example/hcp', ALLOWED)).toBe(false);
    expect(updatesEnabled(true, undefined, ALLOWED)).toBe(false);
    expect(updatesEnabled(true, 'ftp://x', ALLOWED)).toBe(false);
    expect(updatesEnabled(true, 'https://updates.example/hcp', ALLOWED)).toBe(true);
  });

  it('takes only an https feed on an origin allowed at installation, never plain http, not even on loopback', () => {
    expect(feedRefusal('http://updates.example/hcp', ALLOWED)).toBe('not https');
    expect(feedRefusal('http://127.0.0.1:8080/hcp', ['http://127.0.0.1:8080'])).toBe('not https');
    expect(feedRefusal('https://evil.example/hcp', ALLOWED)).toMatch(/not among the update origins allowed/);
    expect(feedRefusal('https://updates.example:8443/hcp', ALLOWED)).toMatch(/not among/); // another origin
    expect(feedRefusal('https://updates.example.evil.example/', ALLOWED)).toMatch(/not among/);
    expect(updatesEnabled(true, 'https://updates.example/hcp')).toBe(false); // nothing allowed: no updates
  });

  it('logs a refused feed and never points the updater at it', async () => {
    const updater = {
      setFeedURL: vi.fn(),
      autoDownload: false,
      autoInstallOnAppQuit: false,
      checkForUpdates: vi.fn(async () => null),
    };
    const logged: string[] = [];
    expect(await checkForUpdates(updater, true, 'https://evil.example/hcp', ALLOWED, (l) => logged.push(l))).toBe(
      false,
    );
    expect(updater.setFeedURL).not.toHaveBeenCalled();
    expect(logged).toEqual([expect.stringMatching(/evil\.example.*refused/)]);
  });

  it('sets a generic feed, installs on quit, and checks once', async () => {
    const updater = {
      setFeedURL: vi.fn(),
      autoDownload: false,
      autoInstallOnAppQuit: false,
      checkForUpdates: vi.fn(async () => null),
    };
    expect(await checkForUpdates(updater, false, 'https://u.example', ['https://u.example'])).toBe(false);
    expect(updater.checkForUpdates).not.toHaveBeenCalled();
    expect(await checkForUpdates(updater, true, 'https://u.example', ['https://u.example'])).toBe(true);
    expect(updater.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: 'https://u.example' });
    expect(updater).toMatchObject({ autoDownload: true, autoInstallOnAppQuit: true });
  });
});

describe('key store', () => {
  const storage = (available: boolean, rotate = false) => ({
    isAsyncEncryptionAvailable: async () => available,
    encryptStringAsync: async (s: string) => Buffer.from(`os:${s}`),
    decryptStringAsync: async (b: Buffer) => ({ result: b.toString().slice(3), shouldReEncrypt: rotate }),
  });

  it('wraps a secret with the OS key store, and refuses when there is none', async () => {
    expect((await wrapSecret(storage(true), 'k')).toString()).toBe('os:k');
    await expect(wrapSecret(storage(false), 'k')).rejects.toBeInstanceOf(KeyStoreUnavailableError);
  });

  it('unwraps, and re-wraps when the OS rotated its key', async () => {
    expect(await unwrapSecret(storage(true), Buffer.from('os:k'))).toEqual({ secret: 'k', rewrap: null });
    expect((await unwrapSecret(storage(true, true), Buffer.from('os:k'))).rewrap?.toString()).toBe('os:k');
  });
});

describe('device key in the OS key store', () => {
  const storage = (available = true, rotate = false) => ({
    isAsyncEncryptionAvailable: async () => available,
    encryptStringAsync: async (text: string) => Buffer.from(`os:${text}`),
    decryptStringAsync: async (b: Buffer) => ({ result: b.toString().slice(3), shouldReEncrypt: rotate }),
  });
  const memoryFiles = (initial: Record<string, string>) => {
    const files = new Map<string, Buffer>(Object.entries(initial).map(([k, v]) => [k, Buffer.from(v)]));
    return {
      files,
      io: {
        read: (p: string) => files.get(p) ?? null,
        write: (p: string, d: Buffer) => void files.set(p, d),
        remove: (p: string) => void files.delete(p),
      },
    };
  };

  it('wraps a plain key as enrolment left it, and removes the plain file', async () => {
    const { files, io } = memoryFiles({ '/d/device-key.pem': 'PEM' });
    expect(await loadDeviceKey('/d', storage(), io)).toEqual({ pem: 'PEM', wrapped: true });
    expect([...files.keys()]).toEqual(['/d/device-key.pem.os']);
    expect(files.get('/d/device-key.pem.os')!.toString()).toBe('os:PEM');
  });

  it('opens a wrapped key, re-wrapping it when the OS rotated its key', async () => {
    const { files, io } = memoryFiles({ '/d/device-key.pem.os': 'os:PEM' });
    expect(await loadDeviceKey('/d', storage(true, true), io)).toEqual({ pem: 'PEM', wrapped: true });
    expect(files.get('/d/device-key.pem.os')!.toString()).toBe('os:PEM');
  });

  it('leaves a plain key alone without an OS key store, and has nothing for a kiosk not enrolled', async () => {
    const { files, io } = memoryFiles({ '/d/device-key.pem': 'PEM' });
    expect(await loadDeviceKey('/d', storage(false), io)).toEqual({ pem: null, wrapped: false });
    expect([...files.keys()]).toEqual(['/d/device-key.pem']);
    expect(await loadDeviceKey('/e', storage(), memoryFiles({}).io)).toEqual({ pem: null, wrapped: false });
  });
});

describe('data key in the OS key store', () => {
  const storage = (available = true) => ({
    isAsyncEncryptionAvailable: async () => available,
    encryptStringAsync: async (text: string) => Buffer.from(`os:${text}`),
    decryptStringAsync: async (b: Buffer) => ({ result: b.toString().slice(3), shouldReEncrypt: false }),
  });
  /** In-memory files that record every write and removal, in order; `failWrite` makes writes throw. */
  const journal = (initial: Record<string, string>, failWrite = false) => {
    const files = new Map<string, Buffer>(Object.entries(initial).map(([k, v]) => [k, Buffer.from(v)]));
    const ops: string[] = [];
    return {
      files,
      ops,
      io: {
        read: (p: string) => files.get(p) ?? null,
        write: (p: string, d: Buffer) => {
          if (failWrite) throw new Error('disk full');
          ops.push(`write ${p}`);
          files.set(p, d);
        },
        remove: (p: string) => {
          ops.push(`remove ${p}`);
          files.delete(p);
        },
      },
    };
  };
  const make = () => 'NEWKEY';

  it('wraps a data key left in the clear: the wrapped file is written first, then the clear one removed', async () => {
    const { files, ops, io } = journal({ '/d/data.key': 'KEY\n' });
    expect(await loadDataKey('/d', storage(), io, make)).toEqual({ key: 'KEY', source: 'wrapped-now' });
    expect(ops).toEqual(['write /d/data.key.os', 'remove /d/data.key']);
    expect([...files.keys()]).toEqual(['/d/data.key.os']);
    expect(files.get('/d/data.key.os')!.toString()).toBe('os:KEY');
  });

  it('never loses the key: a failed write leaves the clear file, and a start cut short after wrapping finishes the job', async () => {
    const failing = journal({ '/d/data.key': 'KEY' }, true);
    await expect(loadDataKey('/d', storage(), failing.io, make)).rejects.toThrow('disk full');
    expect(failing.files.get('/d/data.key')!.toString()).toBe('KEY');
    const halfway = journal({ '/d/data.key': 'KEY', '/d/data.key.os': 'os:KEY' });
    expect(await loadDataKey('/d', storage(), halfway.io, make)).toEqual({ key: 'KEY', source: 'wrapped' });
    expect([...halfway.files.keys()]).toEqual(['/d/data.key.os']);
  });

  it('keeps both when they disagree, and uses the wrapped one', async () => {
    const both = journal({ '/d/data.key': 'OTHER', '/d/data.key.os': 'os:KEY' });
    expect(await loadDataKey('/d', storage(), both.io, make)).toEqual({ key: 'KEY', source: 'wrapped' });
    expect(both.ops).toEqual([]);
  });

  it('wraps the very files the service reads and writes: one set of names, in src/shared/kiosk-files.ts', async () => {
    const { files, io } = journal({ [`/d/${DATA_KEY_FILE}`]: 'KEY' });
    expect(await loadDataKey('/d', storage(), io, make)).toEqual({ key: 'KEY', source: 'wrapped-now' });
    expect([...files.keys()]).toEqual([`/d/${DATA_KEY_FILE}${WRAPPED_SUFFIX}`]);
    const device = journal({ [`/d/${DEVICE_KEY_FILE}`]: 'PEM' });
    expect(await loadDeviceKey('/d', storage(), device.io)).toEqual({ pem: 'PEM', wrapped: true });
    expect([...device.files.keys()]).toEqual([`/d/${DEVICE_KEY_FILE}${WRAPPED_SUFFIX}`]);
    expect([DATA_KEY_FILE, DEVICE_KEY_FILE, WRAPPED_SUFFIX]).toEqual(['data.key', 'device-key.pem', '.os']);
  });

  it('makes a new key wrapped from the start on a new installation, and leaves everything alone without a key store', async () => {
    const fresh = journal({});
    expect(await loadDataKey('/d', storage(), fresh.io, make)).toEqual({ key: 'NEWKEY', source: 'created' });
    expect([...fresh.files.keys()]).toEqual(['/d/data.key.os']);
    const none = journal({ '/d/data.key': 'KEY' });
    expect(await loadDataKey('/d', storage(false), none.io, make)).toEqual({ key: null, source: 'clear' });
    expect(none.ops).toEqual([]);
  });
});

describe('preload bridge', () => {
  beforeEach(() => vi.resetModules());

  it('exposes exactly send and onMessage, over the hcp:ui channel', async () => {
    const exposed: Record<string, unknown> = {};
    const ipc = new EventEmitter() as EventEmitter & { send: ReturnType<typeof vi.fn> };
    ipc.send = vi.fn();
    vi.doMock('electron', () => ({
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
      ipcRenderer: ipc,
    }));
    await import('../preload/preload.js');
    const api = exposed.hcp as { send(m: unknown): void; onMessage(l: (m: unknown) => void): () => void };
    expect(Object.keys(exposed)).toEqual(['hcp']);
    expect(Object.keys(api).sort()).toEqual(['onMessage', 'send']);
    api.send({ type: 'command', id: 1, command: { name: 'status' } });
    expect(ipc.send).toHaveBeenCalledWith('hcp:ui', { type: 'command', id: 1, command: { name: 'status' } });
    const got: unknown[] = [];
    const off = api.onMessage((m) => got.push(m));
    ipc.emit('hcp:ui', { sender: 'leaks?' }, { type: 'event' });
    off();
    ipc.emit('hcp:ui', {}, { type: 'late' });
    expect(got).toEqual([{ type: 'event' }]); // the IPC event object never reaches the page
  });
});

describe('main process', () => {
  beforeEach(() => vi.resetModules());

  it('locks to one instance, guards sessions and windows, keeps the screen awake, starts the service and both screens', async () => {
    const windows: { options: Record<string, unknown>; loaded: unknown[] }[] = [];
    const appEvents = new EventEmitter();
    const forks: unknown[][] = [];
    const posted: unknown[] = [];
    const fake = {
      app: Object.assign(appEvents, {
        requestSingleInstanceLock: vi.fn(() => true),
        quit: vi.fn(),
        whenReady: () => Promise.resolve(),
        getPath: () => '/tmp/hcp-user',
        isPackaged: false,
      }),
      BrowserWindow: class extends EventEmitter {
        static getAllWindows = () => [];
        webContents = Object.assign(new EventEmitter(), { id: windows.length + 1, send: vi.fn(), reload: vi.fn() });
        constructor(options: Record<string, unknown>) {
          super();
          windows.push({ options, loaded: [] });
        }
        loadFile(file: string, options: unknown) {
          windows.at(-1)!.loaded.push([file, options]);
          return Promise.resolve();
        }
        loadURL(url: string) {
          windows.at(-1)!.loaded.push(url);
          return Promise.resolve();
        }
        show() {}
      },
      ipcMain: { on: vi.fn() },
      MessageChannelMain: class {
        port1 = { postMessage: vi.fn(), on: vi.fn(), start: vi.fn() };
        port2 = {};
      },
      powerSaveBlocker: { start: vi.fn() },
      screen: {
        getAllDisplays: () => [{ id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } }],
        getPrimaryDisplay: () => ({ id: 1 }),
      },
      session: {
        defaultSession: {
          webRequest: { onHeadersReceived: vi.fn() },
          setPermissionRequestHandler: vi.fn(),
          setPermissionCheckHandler: vi.fn(),
        },
      },
      utilityProcess: {
        fork: vi.fn(
          (...args: unknown[]) => (
            forks.push(args),
            Object.assign(new EventEmitter(), { postMessage: (m: unknown) => posted.push(m) })
          ),
        ),
      },
      globalShortcut: { register: vi.fn() },
      protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
      safeStorage: {
        isAsyncEncryptionAvailable: async () => true,
        encryptStringAsync: vi.fn(async (text: string) => Buffer.from(`os:${text}`)),
        decryptStringAsync: vi.fn(),
      },
    };
    const updater = {
      setFeedURL: vi.fn(),
      checkForUpdates: vi.fn(async () => null),
      autoDownload: false,
      autoInstallOnAppQuit: false,
    };
    vi.doMock('electron', () => fake);
    vi.doMock('electron-updater', () => ({ default: { autoUpdater: updater } }));
    const data = mkdtempSync(join(tmpdir(), 'hcp-shell-'));
    process.env.HCP_DATA = data;
    try {
      await import('./main.js');
      await vi.waitFor(() => expect(posted.length).toBeGreaterThanOrEqual(3));
    } finally {
      delete process.env.HCP_DATA;
    }
    // A new installation: the data key is made and written only wrapped by the OS key store, never in the clear.
    expect(readdirSync(data)).toEqual(['data.key.os']);
    const dataKey = (posted[0] as { dataKey: string }).dataKey;
    expect(Buffer.from(dataKey, 'base64')).toHaveLength(32);
    expect(readFileSync(join(data, 'data.key.os'), 'utf8')).toBe(`os:${dataKey}`);
    rmSync(data, { recursive: true, force: true });

    expect(fake.app.requestSingleInstanceLock).toHaveBeenCalled();
    expect(appEvents.listenerCount('web-contents-created')).toBe(1);
    expect(fake.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    expect(fake.powerSaveBlocker.start).toHaveBeenCalledWith('prevent-display-sleep');
    expect(String(forks[0]![0])).toMatch(/kiosk[/\\]service-entry\.js$/);
    expect(forks[0]![2]).toMatchObject({ execArgv: ['--max-semi-space-size=2'] });
    expect(fake.ipcMain.on).toHaveBeenCalledWith('hcp:ui', expect.any(Function));
    expect(windows).toHaveLength(2);
    expect(windows.map((w) => (w.options.webPreferences as { sandbox: boolean }).sandbox)).toEqual([true, true]);
    expect(windows[0]!.options.kiosk).toBe(true);
    // The service gets the device key first (none here: not enrolled), then a port per window.
    expect(posted).toEqual([
      { type: 'device-key', pem: null, dataKey },
      { type: 'connect', role: 'citizen' },
      { type: 'connect', role: 'staff' },
    ]);
    // The update feed named by the central configuration: looked at only by a packaged app.
    const service = fake.utilityProcess.fork.mock.results[0]!.value as EventEmitter;
    const feed = {
      type: 'update-feed',
      url: 'https://updates.example/hcp',
      allowedOrigins: ['https://updates.example'],
    };
    service.emit('message', feed);
    await new Promise((r) => setTimeout(r, 0));
    expect(updater.checkForUpdates).not.toHaveBeenCalled();
    fake.app.isPackaged = true;
    service.emit('message', { ...feed, allowedOrigins: [] }); // no origin pinned at installation: no updates
    await new Promise((r) => setTimeout(r, 0));
    expect(updater.setFeedURL).not.toHaveBeenCalled();
    service.emit('message', feed);
    await new Promise((r) => setTimeout(r, 0));
    expect(updater.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: 'https://updates.example/hcp' });
    service.emit('message', { type: 'exit' });
    expect(fake.app.quit).toHaveBeenCalled();
    expect(windows[1]!.loaded).toEqual(['app://hcp/index.html#/staff']);
    // Technician mode opens on its shortcut, with a technician port of its own.
    const [accelerator, openTech] = fake.globalShortcut.register.mock.calls[0] as [string, () => void];
    expect(accelerator).toBe('CommandOrControl+Alt+Shift+T');
    openTech();
    expect(posted.at(-1)).toEqual({ type: 'connect', role: 'technician' });
    expect(windows[2]!.loaded).toEqual(['app://hcp/index.html#/tech']);
  });

  it('serves the screens on the privileged app:// scheme, registered before ready, and loads every window from it', async () => {
    const order: string[] = [];
    const loaded: unknown[][] = [];
    let handler: ((r: { url: string; method: string }) => Promise<Response>) | undefined;
    const appEvents = new EventEmitter();
    vi.doMock('electron', () => ({
      app: Object.assign(appEvents, {
        requestSingleInstanceLock: () => true,
        quit: vi.fn(),
        whenReady: () => (order.push('whenReady'), Promise.resolve()),
        getPath: () => '/tmp/hcp-user',
        isPackaged: true,
      }),
      protocol: {
        registerSchemesAsPrivileged: (schemes: unknown) => order.push(`privileged ${JSON.stringify(schemes)}`),
        handle: (scheme: string, h: typeof handler) => (order.push(`handle ${scheme}`), (handler = h)),
      },
      BrowserWindow: class extends EventEmitter {
        static getAllWindows = () => [];
        webContents = Object.assign(new EventEmitter(), { id: loaded.length + 1, send: vi.fn(), reload: vi.fn() });
        constructor() {
          super();
          loaded.push([]);
        }
        loadFile(...args: unknown[]) {
          loaded.at(-1)!.push(['loadFile', ...args]);
          return Promise.resolve();
        }
        loadURL(url: string) {
          loaded.at(-1)!.push(url);
          return Promise.resolve();
        }
      },
      ipcMain: { on: vi.fn() },
      MessageChannelMain: class {
        port1 = { postMessage: vi.fn(), on: vi.fn(), start: vi.fn() };
        port2 = {};
      },
      powerSaveBlocker: { start: vi.fn() },
      screen: {
        getAllDisplays: () => [{ id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } }],
        getPrimaryDisplay: () => ({ id: 1 }),
      },
      session: {
        defaultSession: {
          webRequest: { onHeadersReceived: vi.fn() },
          setPermissionRequestHandler: vi.fn(),
          setPermissionCheckHandler: vi.fn(),
        },
      },
      utilityProcess: { fork: () => Object.assign(new EventEmitter(), { postMessage: vi.fn() }) },
      globalShortcut: { register: vi.fn() },
      safeStorage: { isAsyncEncryptionAvailable: async () => false },
    }));
    vi.doMock('electron-updater', () => ({ default: { autoUpdater: {} } }));
    const data = mkdtempSync(join(tmpdir(), 'hcp-shell-'));
    process.env.HCP_DATA = data;
    try {
      await import('./main.js');
      await vi.waitFor(() => expect(loaded).toHaveLength(2));
    } finally {
      delete process.env.HCP_DATA;
      rmSync(data, { recursive: true, force: true });
    }
    expect(order[0]).toBe(`privileged ${JSON.stringify([APP_SCHEME_PRIVILEGES])}`);
    expect(order.indexOf('handle app')).toBeGreaterThan(order.indexOf('whenReady'));
    expect(loaded).toEqual([['app://hcp/index.html'], ['app://hcp/index.html#/staff']]);
    // The handler is rooted at the renderer's build folder: its own page, nothing outside it.
    const page = await handler!({ url: 'app://hcp/index.html', method: 'GET' });
    expect(page.status).toBe(200); // under test, the renderer's source folder holds an index.html
    expect((await handler!({ url: 'app://hcp/..%2fmain%2fmain.js', method: 'GET' })).status).toBe(404);
    expect((await handler!({ url: 'app://hcp/../main/main.js', method: 'GET' })).status).toBe(404);
  });
});
