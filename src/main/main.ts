/**
 * The Electron shell, kept thin: it starts the kiosk service as a utility process, opens the citizen screen (kiosk
 * mode, on its display) and the staff panel (on another display), relays the UI contract between them, and guards
 * everything: sandboxed windows, strict CSP, no navigation, no new windows, no permissions, one instance, no
 * sleeping screen, a crashed screen reloaded. Runs in Electron main.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  globalShortcut,
  ipcMain,
  MessageChannelMain,
  powerSaveBlocker,
  protocol,
  safeStorage,
  screen,
  session,
  utilityProcess,
} from 'electron';
import electronUpdater from 'electron-updater';
import { KIOSK_NODE_FLAGS } from '../shared/kiosk-runtime.js';
import type { UiRole } from '../shared/ui-contract.js';
import { isAppUrl, screenUrl } from './app-origin.js';
import { APP_SCHEME_PRIVILEGES, appProtocolHandler } from './app-protocol.js';
import { UI_CHANNEL, UiRelay } from './ipc-relay.js';
import { loadDataKey, loadDeviceKey, type KeyFiles } from './key-store.js';
import { hardenApp, hardenSession } from './security.js';
import { checkForUpdates } from './updater.js';
import { placeWindows, windowOptions } from './window-options.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const appRoot = join(here, '..');
const rendererRoot = join(appRoot, 'renderer');
const preload = join(appRoot, 'preload', 'preload.cjs');

/** fsyncs a file or a folder (a folder's entry for a new or removed file is durable only once the folder is). */
function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } catch {
    // Windows cannot fsync a folder; NTFS journals the rename itself.
  } finally {
    closeSync(fd);
  }
}

/** Key files written and removed durably: a wrapped key is on disk before its clear file goes. */
const nodeKeyFiles: KeyFiles = {
  read: (path) => (existsSync(path) ? readFileSync(path) : null),
  write: (path, data) => {
    // Written aside and renamed into place: a write cut short never leaves a half key under the real name.
    const aside = `${path}.tmp`;
    const fd = openSync(aside, 'w', 0o600);
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(aside, path);
    fsyncPath(dirname(path));
  },
  remove: (path) => {
    rmSync(path, { force: true });
    fsyncPath(dirname(path));
  },
};

if (!app.requestSingleInstanceLock()) app.quit();

hardenApp(app);
// The screens' origin (app-origin.ts): registered before ready, as Electron requires.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

void app.whenReady().then(async () => {
  hardenSession(session.defaultSession);
  protocol.handle(APP_SCHEME_PRIVILEGES.scheme, appProtocolHandler(rendererRoot));
  powerSaveBlocker.start('prevent-display-sleep');

  const kioskData = process.env.HCP_DATA ?? join(app.getPath('userData'), 'kiosk');
  const service = utilityProcess.fork(join(appRoot, 'kiosk', 'service-entry.js'), [], {
    serviceName: 'hcp-kiosk',
    execArgv: [...KIOSK_NODE_FLAGS],
    env: { ...process.env, HCP_DATA: kioskData },
  });
  // Technician mode's exit: the service asks, the shell quits. The update feed comes from the central configuration.
  // Only an https feed on an origin pinned at installation is used (updater.ts); a refused one is logged.
  service.on('message', (message: { type?: string; url?: unknown; allowedOrigins?: unknown }) => {
    if (message.type === 'exit') app.quit();
    if (message.type === 'update-feed' && (typeof message.url === 'string' || message.url === null)) {
      const allowed = Array.isArray(message.allowedOrigins)
        ? message.allowedOrigins.filter((o): o is string => typeof o === 'string')
        : [];
      void checkForUpdates(electronUpdater.autoUpdater, app.isPackaged, message.url, allowed, (line) =>
        process.stderr.write(`hcp: ${line}\n`),
      ).catch(() => false);
    }
  });
  // The device key and the data key live wrapped by the OS key store; the service gets them unwrapped, over its
  // port. Without a key store (or if it fails) the service reads its files as it does without the shell.
  mkdirSync(kioskData, { recursive: true, mode: 0o700 });
  const deviceKey = await loadDeviceKey(kioskData, safeStorage, nodeKeyFiles).catch(() => ({
    pem: null,
    wrapped: false,
  }));
  const dataKey = await loadDataKey(kioskData, safeStorage, nodeKeyFiles, () =>
    randomBytes(32).toString('base64'),
  ).catch(() => ({ key: null, source: 'clear' as const }));
  service.postMessage({ type: 'device-key', pem: deviceKey.pem, dataKey: dataKey.key });
  const relay = new UiRelay(isAppUrl);
  ipcMain.on(UI_CHANNEL, (event, message) => relay.fromRenderer(event, message));

  const displays = screen.getAllDisplays().map((d) => ({ id: d.id, bounds: d.bounds }));
  const placed = placeWindows(
    displays,
    screen.getPrimaryDisplay().id,
    Number(process.env.HCP_CITIZEN_DISPLAY ?? NaN) || undefined,
  );

  const open = (role: UiRole) => {
    const bounds = role === 'citizen' ? placed.citizen : placed.staff;
    const win = new BrowserWindow(windowOptions({ role, bounds, preload }));
    const { port1, port2 } = new MessageChannelMain();
    service.postMessage({ type: 'connect', role }, [port2]);
    const contentsId = win.webContents.id;
    relay.add({ role, contentsId, send: (channel, message) => win.webContents.send(channel, message), port: port1 });
    win.webContents.on('render-process-gone', () => win.webContents.reload());
    win.on('closed', () => relay.remove(contentsId));
    win.once('ready-to-show', () => win.show());
    void win.loadURL(screenUrl(role === 'citizen' ? '' : `/${role === 'staff' ? 'staff' : 'tech'}`));
  };
  open('citizen');
  open('staff');
  // Technician mode: a window of its own, opened with Ctrl+Alt+Shift+T; it asks for the admin PIN.
  globalShortcut.register('CommandOrControl+Alt+Shift+T', () => open('technician'));
});

app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
app.on('window-all-closed', () => app.quit());
