#!/usr/bin/env node
// Bundles the Electron shell (dist/main as ESM, dist/preload as CommonJS, which a sandboxed preload must be).
// `--if-electron` (before `npm start`): only where an Electron binary is installed, so the demo can open the shell.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const present = ['node_modules/electron/dist/electron', 'node_modules/electron/dist/electron.exe'].some((p) =>
  existsSync(p),
);
if (process.argv.includes('--if-electron') && !present) process.exit(0);
const run = (args) => spawnSync('npx', ['esbuild', ...args], { stdio: 'inherit' }).status ?? 1;
const common = ['--bundle', '--platform=node', '--external:electron'];
const failed =
  run(['src/main/main.ts', ...common, '--format=esm', '--external:electron-updater', '--outfile=dist/main/main.js']) ||
  run(['src/preload/preload.ts', ...common, '--format=cjs', '--outfile=dist/preload/preload.cjs']);
process.exit(failed);
