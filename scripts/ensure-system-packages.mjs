#!/usr/bin/env node
// Runs before `npm test`: makes sure the Debian packages the tests use are installed. As root with apt-get it
// installs what is missing; otherwise it names exactly what to install and stops.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** What the tests use: a command each, and the Debian package that provides it. */
const NEEDED = [{ command: 'socat', pkg: 'socat', why: 'pseudo-terminal pairs for the serial evaluator tests' }];

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const missing = NEEDED.filter((n) => !has(n.command));
if (missing.length === 0) process.exit(0);

const pkgs = missing.map((m) => m.pkg);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !existsSync('/usr/bin/apt-get')) {
  console.error(`The tests need these Debian packages: ${pkgs.join(' ')}`);
  for (const m of missing) console.error(`  ${m.pkg}: ${m.why}`);
  console.error(`Install them with: sudo apt-get install -y ${pkgs.join(' ')}`);
  process.exit(1);
}
console.log(`Installing Debian packages the tests use: ${pkgs.join(' ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env });
