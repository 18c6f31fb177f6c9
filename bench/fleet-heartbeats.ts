/**
 * The fleet's heartbeats (row 5), offered from a worker thread of the load generator: a kiosk heartbeats from a
 * machine of its own, so its heartbeat must not wait in the generator behind the record batches it builds, signs
 * and reads (the batches' loop runs in the main thread). The worker signs each heartbeat as the kiosk would
 * (DeviceIdentity), offers them on an open-loop schedule spread evenly over the heartbeat period, counts only those
 * sent within the measured window, and stops by itself at the end of it. Runs in Node (the bench).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { DeviceIdentity } from '../src/common/device-identity.js';
import { APP_VERSION } from '../src/kiosk/version.js';
import type { HeartbeatRequest } from '../src/shared/central-api.js';

/** Heartbeats in flight at once, each on a connection of its own. */
const HEARTBEAT_SOCKETS = 4096;

export interface HeartbeatKiosk {
  id: string;
  pem: string;
  queueDepth: number;
}

export interface HeartbeatPlan {
  baseUrl: string;
  kiosks: HeartbeatKiosk[];
  heartbeatEveryMs: number;
  warmupMs: number;
  measureMs: number;
}

export interface HeartbeatResult {
  sent: number;
  answered: number;
  latency: number[];
  failed: number;
  firstError: string | null;
  /** The worker's own event-loop delay, p99 ms. */
  lagP99: number;
}

export const heartbeatBody = (queueDepth: number): HeartbeatRequest => ({
  version: APP_VERSION,
  queueDepth,
  oldestPendingAt: queueDepth > 0 ? new Date(Date.now() - 600_000).toISOString() : null,
  evaluator: { state: 'connected', kind: 'serial', model: 'HCP-EV1', firmware: '1.2.0' },
});

/**
 * Starts the heartbeats' worker and resolves once it is ready (its kiosks' keys loaded, which takes seconds for a
 * city's fleet): then `begin(startedAt)` starts its schedule and resolves when the window is over and every answer
 * is in. Had the schedule started before the worker was ready, its first turn would send the seconds it missed at
 * once, a burst no fleet makes.
 */
export function offerHeartbeats(plan: HeartbeatPlan): Promise<(startedAt: number) => Promise<HeartbeatResult>> {
  return new Promise((ready, reject) => {
    // The bench runs under tsx, whose loader a worker does not inherit: the worker registers it, then loads this file.
    const entry = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
    const worker = new Worker(entry, { eval: true, workerData: plan });
    const result = new Promise<HeartbeatResult>((resolve, fail) => {
      worker.on('message', (message: HeartbeatResult | 'ready') => {
        if (message === 'ready') {
          ready((startedAt) => {
            worker.postMessage(startedAt);
            return result;
          });
        } else resolve(message);
      });
      worker.once('error', (error) => {
        reject(error);
        fail(error);
      });
      worker.once('exit', (code) => {
        if (code === 0) return;
        const error = new Error(`the heartbeat worker exited with ${code}`);
        reject(error);
        fail(error);
      });
    });
    result.catch(() => undefined);
  });
}

async function run(plan: HeartbeatPlan, began: Promise<number>): Promise<HeartbeatResult> {
  // The HTTP client of the main thread's generator, imported here so that both send alike, with more
  // connections: a fleet's heartbeats come from many machines, so they should not queue in one client behind each
  // other (kept-alive connections are reused: this opens as many as are in flight at once, up to the cap, which
  // keeps the process within its limit of open files).
  const { HttpClient } = await import('./fleet-load.js');
  const client = new HttpClient(new URL(plan.baseUrl), HEARTBEAT_SOCKETS);
  const kiosks = plan.kiosks.map((k) => ({ ...k, identity: DeviceIdentity.fromPem(k.pem) }));
  parentPort!.postMessage('ready');
  const startedAt = await began;
  const r: HeartbeatResult = { sent: 0, answered: 0, latency: [], failed: 0, firstError: null, lagP99: 0 };
  const rate = kiosks.length / plan.heartbeatEveryMs; // per ms
  const lag = monitorEventLoopDelay({ resolution: 10 });
  const inFlight = new Set<Promise<void>>();
  const path = '/api/v1/device/heartbeat';
  let due = 0;
  let measuring = false;
  for (;;) {
    const elapsed = Date.now() - startedAt;
    if (elapsed >= plan.warmupMs + plan.measureMs) break;
    const counted = elapsed >= plan.warmupMs;
    if (counted && !measuring) {
      measuring = true;
      lag.enable();
    }
    for (const by = Math.floor(elapsed * rate); due < by; due++) {
      const kiosk = kiosks[due % kiosks.length]!;
      const body = Buffer.from(JSON.stringify(heartbeatBody(kiosk.queueDepth)));
      if (counted) r.sent += 1;
      const sent = client
        .post({ path, body, headers: kiosk.identity.sign(kiosk.id, 'POST', path, body) })
        .then(
          (a) => {
            if (a.status !== 200) r.firstError ??= `heartbeat answered ${a.status}: ${a.body.slice(0, 200)}`;
            if (!counted) return;
            if (a.status === 200) {
              r.answered += 1;
              r.latency.push(a.ms);
            } else r.failed += 1;
          },
          (error: Error) => {
            r.firstError ??= `heartbeat: ${error.message}`;
            if (counted) r.failed += 1;
          },
        )
        .finally(() => inFlight.delete(sent));
      inFlight.add(sent);
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  lag.disable();
  await Promise.all([...inFlight]);
  client.close();
  r.lagP99 = lag.percentile(99) / 1e6;
  return r;
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const began = new Promise<number>((resolve) => port.once('message', resolve));
  void run(workerData as HeartbeatPlan, began).then((result) => port.postMessage(result));
}
