#!/usr/bin/env node
// Runs before `npm test`: makes sure the Debian packages the tests use are installed. As root with apt-get it
// installs what is missing; otherwise it names exactly what to install and stops.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const hasCommand = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const hasPostgresServer = () =>
  existsSync('/usr/lib/postgresql') &&
  readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));

/** What the tests use, how to tell it is there, and the Debian package that provides it. */
const NEEDED = [
  { pkg: 'socat', present: () => hasCommand('socat'), why: 'pseudo-terminal pairs for the serial evaluator tests' },
  {
    pkg: 'postgresql',
    present: hasPostgresServer,
    why: 'Debian’s PostgreSQL server, which the central suite runs on once more (npm run test:debian-pg)',
  },
  { pkg: 'chromium', present: () => existsSync('/usr/bin/chromium'), why: 'the browser the UI tests drive' },
  {
    pkg: 'fonts-noto-cjk',
    present: () => existsSync('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc'),
    why: 'Chinese text in the UI screenshots',
  },
];

const missing = NEEDED.filter((n) => !n.present());
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
