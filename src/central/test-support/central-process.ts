/**
 * Runs the real `hcp central` program as a child process, for end-to-end and fault tests that kill it for real.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HCP_BIN = fileURLToPath(new URL('../../../bin/hcp.js', import.meta.url));

export interface CentralProcess {
  child: ChildProcess;
  url: string;
  adminToken: string;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startCentralProcess(options: {
  dataDir: string;
  port: number;
  databaseUrl?: string;
  adminToken?: string;
}): Promise<CentralProcess> {
  const adminToken = options.adminToken ?? 'central-admin-token-for-tests';
  const child = spawn(
    process.execPath,
    [HCP_BIN, 'central', '--data', options.dataDir, '--port', String(options.port)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        HCP_LOG_LEVEL: 'warn',
        HCP_ADMIN_TOKEN: adminToken,
        ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      },
    },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    void exited.then(() => reject(new Error(`central exited before it was ready: ${stderr}`)));
  });
  return {
    child,
    url,
    adminToken,
    admin: async (method, path, body) => {
      const res = await fetch(`${url}/api/v1/admin${path}`, {
        method,
        headers: {
          authorization: `Bearer ${adminToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    },
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
