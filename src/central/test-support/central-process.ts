/**
 * Runs the real `hcp central` program as a child process, for end-to-end and fault tests that kill it for real.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitForListening } from '../../common/test-support/listening.js';

const HCP_BIN = fileURLToPath(new URL('../../../bin/hcp.js', import.meta.url));

export interface CentralProcess {
  child: ChildProcess;
  url: string;
  adminToken: string;
  /** What the program has written to stderr so far (the first start's one-time admin password is printed there). */
  stderr(): string;
  admin: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: unknown }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startCentralProcess(options: {
  dataDir: string;
  port: number;
  databaseUrl?: string;
  adminToken?: string;
  /** Enrolments a minute per client IP (`--enroll-per-minute`): a benchmark enrolling a fleet needs more than 10. */
  enrollPerMinute?: number;
}): Promise<CentralProcess> {
  const adminToken = options.adminToken ?? 'central-admin-token-for-tests';
  // HCP_CENTRAL_NODE_ARGS: flags for the centre's Node (--cpu-prof when profiling a bench).
  const nodeArgs = process.env.HCP_CENTRAL_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      HCP_BIN,
      'central',
      '--data',
      options.dataDir,
      '--port',
      String(options.port),
      ...(options.enrollPerMinute ? ['--enroll-per-minute', String(options.enrollPerMinute)] : []),
    ],
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
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await waitForListening(child, 'central');
  return {
    child,
    url,
    adminToken,
    stderr: () => stderr,
    admin: adminClient(url, adminToken),
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** The hall most tests use: 市场监督管理局 with window W01, staff 1001 (PIN 246810) and item SC-0001. */
export async function seedHall(
  admin: (method: string, path: string, body?: unknown) => Promise<{ status: number }>,
): Promise<void> {
  for (const [path, body] of [
    ['/departments', { code: 'SCJG', name: '市场监督管理局' }],
    ['/windows', { code: 'W01', name: '1号窗口', departmentCode: 'SCJG' }],
    ['/staff', { staffNo: '1001', name: '王丽', departmentCode: 'SCJG', pin: '246810' }],
    ['/service-items', { code: 'SC-0001', name: '个体工商户设立登记', departmentCode: 'SCJG' }],
  ] as const) {
    const res = await admin('POST', path, body);
    if (res.status !== 201) throw new Error(`seeding ${path} answered ${res.status}`);
  }
}

/** Calls the admin API of the centre at `url` with its token. */
export function adminClient(url: string, adminToken: string): CentralProcess['admin'] {
  return async (method, path, body) => {
    const res = await fetch(`${url}/api/v1/admin${path}`, {
      method,
      headers: {
        authorization: `Bearer ${adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
}

/** How many ratings the centre holds, from its own statistics. */
export async function heldRatings(central: Pick<CentralProcess, 'admin'>): Promise<number> {
  const stats = (await central.admin('GET', '/stats?groupBy=staff')).body as { groups: { rated: number }[] };
  return stats.groups.reduce((sum, g) => sum + g.rated, 0);
}
