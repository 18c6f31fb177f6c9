#!/usr/bin/env node
// After `npm ci`: when an Electron binary is present, rebuild the native modules (better-sqlite3, serialport) for
// Electron's ABI so the packaged app can load them. Without one (CI, the browser host, these build machines) the
// Node builds are what is needed, and nothing is done.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const electronBinary = ['node_modules/electron/dist/electron', 'node_modules/electron/dist/electron.exe'].some((p) =>
  existsSync(p),
);
if (!electronBinary) {
  console.log('postinstall: no Electron binary here; native modules stay built for Node (browser host and tests).');
  process.exit(0);
}
const result = spawnSync('npx', ['electron-builder', 'install-app-deps'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
