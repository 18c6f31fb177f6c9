/**
 * Runs the real `hcp kiosk` program as a child process with an IPC channel, as the Electron shell does, so tests
 * can press keys through the UI channel, call the local API, and kill the process for real.
 */
import { execFile, fork, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { waitForListening } from '../../common/test-support/listening.js';
import { KIOSK_NODE_FLAGS } from '../../shared/kiosk-runtime.js';
import type { Result } from '../../shared/result.js';
import type { UiCommand, UiMessage } from '../../shared/ui-contract.js';

export const HCP_BIN = fileURLToPath(new URL('../../../bin/hcp.js', import.meta.url));

export interface KioskProcess {
  child: ChildProcess;
  url: string;
  /** Sends a UI command and waits for its result. Rejects if the process dies first. */
  command<T>(command: UiCommand): Promise<Result<T>>;
  /** Calls the local API. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface KioskProcessOptions {
  /** Connect the UI channel over IPC, as the Electron shell does (default true). Without it `command` rejects. */
  ipc?: boolean;
}

export async function startKioskProcess(
  dataDir: string,
  extraArgs: string[] = [],
  options: KioskProcessOptions = {},
): Promise<KioskProcess> {
  // The flags the kiosk runs with everywhere, and HCP_KIOSK_NODE_ARGS for more (--cpu-prof when profiling a bench).
  const nodeArgs = [...KIOSK_NODE_FLAGS, ...(process.env.HCP_KIOSK_NODE_ARGS?.split(' ').filter(Boolean) ?? [])];
  const args = [...nodeArgs, HCP_BIN, 'kiosk', '--data', dataDir, '--port', '0', ...extraArgs];
  const env = { ...process.env, HCP_LOG_LEVEL: 'warn' };
  const child =
    options.ipc === false
      ? spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env })
      : fork(HCP_BIN, args.slice(nodeArgs.length + 1), {
          stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
          env,
          execArgv: nodeArgs,
        });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await waitForListening(child, 'kiosk');

  let nextId = 1;
  const waiting = new Map<number, { resolve(r: Result<unknown>): void; reject(e: Error): void }>();
  child.on('message', (m: UiMessage) => {
    if (m.type !== 'result') return;
    waiting.get(m.id)?.resolve(m.result);
    waiting.delete(m.id);
  });
  void exited.then(() => {
    for (const w of waiting.values()) w.reject(new Error('kiosk process exited'));
    waiting.clear();
  });

  return {
    child,
    url,
    command: <T>(command: UiCommand) =>
      new Promise<Result<T>>((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve: resolve as (r: Result<unknown>) => void, reject });
        if (!child.connected) return reject(new Error('kiosk process exited'));
        child.send({ type: 'command', id, command }, (error) => error && reject(error));
      }),
    api: async (method, path, body) => {
      const res = await fetch(`${url}/api/v1${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: res.status === 204 ? null : await res.json() };
    },
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/**
 * Runs `hcp kiosk enroll` for real and returns what it printed. Asynchronous, never execFileSync: a fault proxy
 * between the kiosk and the centre often lives in the caller's process and must keep forwarding meanwhile.
 */
export async function enrollKioskProcess(
  dataDir: string,
  centralUrl: string,
  code: string,
): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [
    HCP_BIN,
    'kiosk',
    'enroll',
    '--data',
    dataDir,
    '--central',
    centralUrl,
    '--code',
    code,
  ]);
}
