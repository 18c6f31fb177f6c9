/**
 * The simulated fleet of row 5: a city's halls of kiosks, seeded into the centre's database with real Ed25519 keys,
 * and the open-loop load they offer: a heartbeat from every kiosk every 30 s, spread evenly, and record batches at a
 * fixed rate of records a second, each from a kiosk with none in flight. Requests are signed as a kiosk signs them
 * (DeviceIdentity) and sent over keep-alive HTTP; each one's latency is from the moment it was handed to the socket
 * to the end of its answer. The load is offered on a schedule, whatever the centre answers: what could not be offered
 * (the generator behind its schedule, or every kiosk already waiting for an answer) is counted, never hidden.
 */
import { generateKeyPairSync } from 'node:crypto';
import { Agent, request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DeviceIdentity } from '../src/common/device-identity.js';
import { uuidv7 } from '../src/common/ids.js';
import type { CentralDb } from '../src/central/db/database.js';
import { APP_VERSION } from '../src/kiosk/version.js';
import type { RecordResult, WireEvaluation } from '../src/shared/wire-records.js';
import { heartbeatBody, offerHeartbeats } from './fleet-heartbeats.js';
import { ratingRecord } from './rating-record.js';

export const HEARTBEAT_EVERY_MS = 30_000;

export interface SimulatedKiosk {
  id: string;
  /** Its private key (PKCS#8 PEM), for the heartbeat worker to sign with. */
  pem: string;
  identity: DeviceIdentity;
  windowCode: string;
  departmentCode: string;
  /** Never heartbeats nor delivers: the page's offline kiosks. */
  silent: boolean;
  /** What its heartbeat reports waiting (a tenth of the fleet has a queue). */
  queueDepth: number;
  busy: boolean;
}

export const departmentOf = (i: number, departments: number) => `D${String((i % departments) + 1).padStart(2, '0')}`;
export const windowOf = (i: number) => `W${String(i + 1).padStart(5, '0')}`;

/**
 * The hall's windows and `count` kiosks, one per window, written straight into the centre's database (the hall's
 * departments, staff and items come through the admin API before). One kiosk in twenty is silent.
 */
export async function seedFleet(db: CentralDb, count: number, departments: number): Promise<SimulatedKiosk[]> {
  const kiosks: SimulatedKiosk[] = [];
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const pair = generateKeyPairSync('ed25519');
    const pem = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    keys.push(pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'));
    kiosks.push({
      id: uuidv7(),
      pem,
      identity: DeviceIdentity.fromPem(pem),
      windowCode: windowOf(i),
      departmentCode: departmentOf(i, departments),
      silent: i % 20 === 19,
      queueDepth: i % 10 === 3 ? (i % 50) + 1 : 0,
      busy: false,
    });
  }
  await db.query(
    `INSERT INTO windows (code, name, department_code)
     SELECT code, '窗口 ' || code, department FROM unnest($1::text[], $2::text[]) AS w (code, department)`,
    [kiosks.map((k) => k.windowCode), kiosks.map((k) => k.departmentCode)],
  );
  await db.query(
    `INSERT INTO devices (id, public_key, mode, window_code, name, info, version)
     SELECT id, key, 'window', window_code, '窗口 ' || window_code, jsonb_build_object('version', $4::text), $4
       FROM unnest($1::uuid[], $2::text[], $3::text[]) AS d (id, key, window_code)`,
    [kiosks.map((k) => k.id), keys, kiosks.map((k) => k.windowCode), APP_VERSION],
  );
  return kiosks;
}

/**
 * The level of the fleet's `n`-th rating: one in a hundred a 差评 (each then makes a case and its alert, issue 16),
 * the rest 非常满意, 满意 or 基本满意, about what halls see. bench/case-ingest.ts measures a tenth of 差评.
 */
export const fleetLevel = (n: number): WireEvaluation['satisfaction'] =>
  n % 100 === 0 ? 2 : ((5 - (n % 3)) as 3 | 4 | 5);

/** A rated evaluation from `kiosk`, by its department's staff member, as its sync agent sends one. */
const rating = (kiosk: SimulatedKiosk, n: number, now: number): WireEvaluation => ({
  ...ratingRecord(
    n,
    {
      staffNo: `S${kiosk.departmentCode}`,
      windowCode: kiosk.windowCode,
      departmentCode: kiosk.departmentCode,
      serviceItemCode: `I${kiosk.departmentCode}`,
    },
    now,
  ),
  satisfaction: fleetLevel(n),
});

export interface SignedPost {
  path: string;
  body: Buffer;
  headers: Record<string, string>;
}

export function signedHeartbeat(kiosk: SimulatedKiosk): SignedPost {
  const path = '/api/v1/device/heartbeat';
  const body = Buffer.from(JSON.stringify(heartbeatBody(kiosk.queueDepth)));
  return { path, body, headers: kiosk.identity.sign(kiosk.id, 'POST', path, body) };
}

export function signedBatch(kiosk: SimulatedKiosk, size: number, first: number): SignedPost {
  const path = '/api/v1/device/records';
  const now = Date.now();
  const records = Array.from({ length: size }, (_, i) => rating(kiosk, first + i, now));
  const body = Buffer.from(JSON.stringify({ sentAt: new Date(now).toISOString(), clockOffsetMs: 0, records }));
  return { path, body, headers: kiosk.identity.sign(kiosk.id, 'POST', path, body) };
}

/** What the generator itself costs per request (building, serializing, hashing, signing), measured before the run. */
export function generatorCost(kiosks: SimulatedKiosk[], batchSize: number): { heartbeatUs: number; batchUs: number } {
  const time = (n: number, make: (i: number) => unknown) => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) make(i);
    return ((performance.now() - t0) * 1000) / n;
  };
  return {
    heartbeatUs: time(2000, (i) => signedHeartbeat(kiosks[i % kiosks.length]!)),
    batchUs: time(50, (i) => signedBatch(kiosks[i % kiosks.length]!, batchSize, i * batchSize)),
  };
}

export interface Answer {
  status: number;
  ms: number;
  body: string;
}

/** How long the generator waits for an answer before it counts the request failed. */
const REQUEST_TIMEOUT_MS = 60_000;

export class HttpClient {
  private readonly agent: Agent;
  /** `maxSockets`: the connections open at once; beyond them a request waits in this client for a free one. */
  constructor(
    readonly base: URL,
    maxSockets = 256,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  post(post: SignedPost): Promise<Answer> {
    return this.send('POST', post.path, post.body, { ...post.headers, 'content-type': 'application/json' });
  }

  get(path: string, headers: Record<string, string>): Promise<Answer> {
    return this.send('GET', path, undefined, headers);
  }

  close(): void {
    this.agent.destroy();
  }

  private send(method: string, path: string, body: Buffer | undefined, headers: Record<string, string>) {
    return new Promise<Answer>((resolve, reject) => {
      const t0 = performance.now();
      const req = request(
        { host: this.base.hostname, port: this.base.port, method, path, agent: this.agent, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              ms: performance.now() - t0,
              body: Buffer.concat(chunks).toString(),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      // Bounded: a request unanswered this long fails (counted as failed), so that a run always ends by itself.
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS} ms`)));
      req.end(body);
    });
  }
}

export interface LoadOptions {
  heartbeatEveryMs: number;
  recordsPerSecond: number;
  batchSize: number;
  warmupMs: number;
  measureMs: number;
  /** Batches in flight at most: past it a scheduled batch is not offered (and counted). */
  maxBatchesInFlight: number;
}

export interface LoadResult {
  heartbeats: { sent: number; answered: number; latency: number[]; failed: number };
  batches: { sent: number; answered: number; latency: number[]; failed: number; notOffered: number };
  /** Records sent and accepted within the measured window; records accepted over the whole run. */
  records: { sent: number; accepted: number; acceptedInRun: number };
  /**
   * The generator's own event-loop delays, p99 ms: how late it may have been to send or to read an answer — the
   * batches' loop (main thread) and the heartbeats' (their worker).
   */
  generatorLagP99: { batches: number; heartbeats: number };
  firstError: string | null;
}

/**
 * Offers the load for `warmupMs + measureMs` and stops by itself (then waits for what is in flight). Only requests
 * sent within the measured window count in the figures; `onMeasuring` is called as it begins.
 */
export async function offerLoad(
  client: HttpClient,
  kiosks: SimulatedKiosk[],
  o: LoadOptions,
  onMeasuring: () => void,
): Promise<LoadResult> {
  const active = kiosks.filter((k) => !k.silent);
  const batchRate = o.recordsPerSecond / o.batchSize / 1000; // per ms
  const r: LoadResult = {
    heartbeats: { sent: 0, answered: 0, latency: [], failed: 0 },
    batches: { sent: 0, answered: 0, latency: [], failed: 0, notOffered: 0 },
    records: { sent: 0, accepted: 0, acceptedInRun: 0 },
    generatorLagP99: { batches: 0, heartbeats: 0 },
    firstError: null,
  };
  const fail = (what: string) => {
    r.firstError ??= what;
  };
  const inFlight = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  let batchesInFlight = 0;
  let nextKiosk = 0;
  let recordNo = 0;
  let batchesDue = 0;
  const lag = monitorEventLoopDelay({ resolution: 10 });
  const beginHeartbeats = await offerHeartbeats({
    baseUrl: client.base.href,
    kiosks: active.map((k) => ({ id: k.id, pem: k.pem, queueDepth: k.queueDepth })),
    heartbeatEveryMs: o.heartbeatEveryMs,
    warmupMs: o.warmupMs,
    measureMs: o.measureMs,
  });
  // The run's start, shared with the heartbeats' worker so that both windows are the same.
  const heartbeats = beginHeartbeats(Date.now());
  const start = performance.now();
  const end = start + o.warmupMs + o.measureMs;
  let measuring = false;

  const batch = (counted: boolean) => {
    let kiosk: SimulatedKiosk | undefined;
    for (let tries = 0; tries < active.length && !kiosk; tries++) {
      const candidate = active[nextKiosk++ % active.length]!;
      if (!candidate.busy) kiosk = candidate;
    }
    if (!kiosk || batchesInFlight >= o.maxBatchesInFlight) {
      if (counted) r.batches.notOffered += 1;
      return;
    }
    const chosen = kiosk;
    chosen.busy = true;
    batchesInFlight += 1;
    const post = signedBatch(chosen, o.batchSize, recordNo);
    recordNo += o.batchSize;
    if (counted) {
      r.batches.sent += 1;
      r.records.sent += o.batchSize;
    }
    track(
      client
        .post(post)
        .then(
          (a) => {
            const results = a.status === 200 ? (JSON.parse(a.body) as { results: RecordResult[] }).results : [];
            const accepted = results.filter((x) => x.status === 'accepted').length;
            r.records.acceptedInRun += accepted;
            if (a.status !== 200 || accepted !== o.batchSize) {
              fail(`a batch was not accepted whole: ${a.status} ${a.body.slice(0, 200)}`);
              if (counted) r.batches.failed += 1;
              return;
            }
            if (!counted) return;
            r.batches.answered += 1;
            r.batches.latency.push(a.ms);
            r.records.accepted += accepted;
          },
          (error: Error) => {
            fail(`batch: ${error.message}`);
            if (counted) r.batches.failed += 1;
          },
        )
        .finally(() => {
          chosen.busy = false;
          batchesInFlight -= 1;
        }),
    );
  };

  while (performance.now() < end) {
    const now = performance.now();
    const elapsed = now - start;
    const counted = elapsed >= o.warmupMs;
    if (counted && !measuring) {
      measuring = true;
      lag.enable();
      onMeasuring();
    }
    // Everything due by now, in order: the schedule, not the answers, sets the pace.
    const batchesBy = Math.floor(elapsed * batchRate);
    for (; batchesDue < batchesBy; batchesDue++) batch(counted);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  lag.disable();
  await Promise.all([...inFlight]);
  const beats = await heartbeats;
  r.heartbeats = { sent: beats.sent, answered: beats.answered, latency: beats.latency, failed: beats.failed };
  if (beats.firstError) fail(beats.firstError);
  r.generatorLagP99 = { batches: lag.percentile(99) / 1e6, heartbeats: beats.lagP99 };
  return r;
}
