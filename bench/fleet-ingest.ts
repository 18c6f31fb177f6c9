/**
 * Row 5, fleet ingest: 200 simulated kiosks delivering to one central system on PostgreSQL at once. The central
 * system is the real `hcp central` process on a throwaway PostgreSQL cluster. Each simulated kiosk is enrolled as a
 * real one is (an enrolment code from the admin API, its own Ed25519 key) and talks through the kiosk's own
 * CentralClient, signing every request; in turn it sends a heartbeat and a batch of ratings, `rounds` times, one
 * request in flight per kiosk, as fast as the centre answers. Nothing else is measured while they run: records/s over
 * the whole run, each request's latency, the CPU used by the central process, by the PostgreSQL server and by this
 * process (the 200 kiosks), and the central process's resident memory. At the end the centre must hold every rating
 * sent, exactly once.
 *
 *   npm run bench -- fleet     (or: npx tsx bench/fleet-ingest.ts [kiosks] [rounds] [batch])
 */
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { DeviceIdentity } from '../src/common/device-identity.js';
import { freePort } from '../src/common/test-support/fault-proxy.js';
import { tempDir } from '../src/common/test-support/temp-dir.js';
import {
  heldRatings,
  seedHall,
  startCentralProcess,
  type CentralProcess,
} from '../src/central/test-support/central-process.js';
import { createTestDatabase, startPgCluster } from '../src/central/test-support/pg-cluster.js';
import { CentralClient } from '../src/kiosk/sync/central-client.js';
import { APP_VERSION } from '../src/kiosk/version.js';
import type { EnrollResponse, HeartbeatRequest } from '../src/shared/central-api.js';
import type { RecordResult } from '../src/shared/wire-records.js';
import { cpuMeter, memoryOf, processAndChildren, type Memory } from './proc-stats.js';
import { ratingRecord } from './rating-record.js';
import { count, mb, ms, seconds, summarize, table, type Summary } from './stats.js';
import { NONE, type SummaryLine } from './summary.js';

export interface FleetOptions {
  kiosks: number;
  /** Heartbeat + batch pairs each kiosk sends. */
  rounds: number;
  /** Ratings per batch. */
  batch: number;
}

export interface FleetResult extends FleetOptions {
  records: number;
  wallMs: number;
  /** Latency of each record batch request, and of each heartbeat. */
  batchLatency: Summary;
  heartbeatLatency: Summary;
  /** CPU used during the run, in % of one core: the central process, the PostgreSQL server, this process. */
  cpu: { central: number; postgres: number; kiosks: number };
  central: Memory;
}

interface SimulatedKiosk {
  client: CentralClient;
  deviceId: string;
}

/** Enrols one kiosk as `hcp kiosk enroll` does, with a key of its own kept in memory. */
async function enrol(central: CentralProcess, i: number): Promise<SimulatedKiosk> {
  const created = await central.admin('POST', '/enrollments', { mode: 'window', windowCode: 'W01', name: `k${i}` });
  const { code } = created.body as { code: string };
  const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const identity = DeviceIdentity.fromPem(pem);
  const res = await fetch(new URL('/api/v1/devices/enroll', central.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, publicKey: identity.publicKey(), info: { version: APP_VERSION } }),
  });
  if (res.status !== 201) throw new Error(`enrolment ${i} answered ${res.status}`);
  const { deviceId } = (await res.json()) as EnrollResponse;
  return { deviceId, client: new CentralClient({ baseUrl: central.url, deviceId, identity }) };
}

/** One kiosk's run: heartbeat, batch, `rounds` times. Pushes each request's latency. */
async function run(
  kiosk: SimulatedKiosk,
  { rounds, batch }: FleetOptions,
  latency: { heartbeat: number[]; records: number[] },
): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const heartbeat: HeartbeatRequest = {
      version: APP_VERSION,
      queueDepth: (rounds - round) * batch,
      oldestPendingAt: new Date().toISOString(),
      evaluator: { state: 'connected', kind: 'serial' },
    };
    let t0 = performance.now();
    const beat = await kiosk.client.request('POST', '/api/v1/device/heartbeat', heartbeat);
    latency.heartbeat.push(performance.now() - t0);
    if (beat.status !== 200) throw new Error(`heartbeat answered ${beat.status}`);
    const records = Array.from({ length: batch }, (_, i) => ratingRecord(round * batch + i));
    t0 = performance.now();
    const sent = await kiosk.client.request<{ results: RecordResult[] }>('POST', '/api/v1/device/records', {
      sentAt: new Date().toISOString(),
      clockOffsetMs: 0,
      records,
    });
    latency.records.push(performance.now() - t0);
    if (sent.status !== 200 || sent.body.results.some((r) => r.status !== 'accepted')) {
      throw new Error(`a batch was not accepted whole: ${sent.status} ${JSON.stringify(sent.body).slice(0, 200)}`);
    }
  }
}

/** Enrols `count` kiosks, ten at a time (setting up, not measured). */
async function enrolFleet(central: CentralProcess, count: number): Promise<SimulatedKiosk[]> {
  const kiosks: SimulatedKiosk[] = [];
  for (let i = 0; i < count; i += 10) {
    const group = Array.from({ length: Math.min(10, count - i) }, (_, j) => enrol(central, i + j));
    kiosks.push(...(await Promise.all(group)));
  }
  return kiosks;
}

/** Runs the whole fleet at once and watches the central process and the PostgreSQL server meanwhile. */
async function drive(
  kiosks: SimulatedKiosk[],
  options: FleetOptions,
  centralPid: number,
  postmaster: number,
): Promise<FleetResult> {
  const centralCpu = cpuMeter(() => [centralPid]);
  const postgresCpu = cpuMeter(() => processAndChildren(postmaster));
  const ownCpu = process.cpuUsage();
  const latency = { heartbeat: [] as number[], records: [] as number[] };
  const t0 = performance.now();
  await Promise.all(kiosks.map((kiosk) => run(kiosk, options, latency)));
  const wallMs = performance.now() - t0;
  const own = process.cpuUsage(ownCpu);
  const percent = (cpuMs: number) => (cpuMs / wallMs) * 100;
  return {
    ...options,
    records: kiosks.length * options.rounds * options.batch,
    wallMs,
    batchLatency: summarize(latency.records),
    heartbeatLatency: summarize(latency.heartbeat),
    cpu: {
      central: percent(centralCpu()),
      postgres: percent(postgresCpu()),
      kiosks: percent((own.user + own.system) / 1000),
    },
    central: memoryOf(centralPid),
  };
}

export async function benchFleetIngest(
  options: FleetOptions = { kiosks: 200, rounds: 5, batch: 100 },
): Promise<FleetResult> {
  const cluster = await startPgCluster();
  const dir = tempDir('hcp-bench-fleet-');
  try {
    const central = await startCentralProcess({
      dataDir: join(dir.path, 'central'),
      port: await freePort(),
      databaseUrl: await createTestDatabase(cluster.url, 'bench_fleet'),
      // The whole fleet enrols from this one address at once.
      enrollPerMinute: options.kiosks + 10,
    });
    try {
      await seedHall((method, path, body) => central.admin(method, path, body));
      const kiosks = await enrolFleet(central, options.kiosks);
      const result = await drive(kiosks, options, central.child.pid!, cluster.pid);
      const held = await heldRatings(central);
      if (held !== result.records) throw new Error(`the centre holds ${held} ratings, not the ${result.records} sent`);
      return result;
    } finally {
      await central.kill('SIGTERM');
    }
  } finally {
    await cluster.stop();
    dir.remove();
  }
}

export function formatFleetIngest(r: FleetResult): string {
  const run = `${r.kiosks} kiosks × ${r.rounds} × (heartbeat + ${r.batch} ratings)`;
  return table(
    ['fleet ingest, central on PostgreSQL', 'n', 'p50', 'p99', 'figure'],
    [
      [run, count(r.records), '', '', `${seconds(r.wallMs)} · ${count(r.records / (r.wallMs / 1000))} records/s`],
      ['record batch request', count(r.batchLatency.n), ms(r.batchLatency.p50), ms(r.batchLatency.p99), ''],
      ['heartbeat request', count(r.heartbeatLatency.n), ms(r.heartbeatLatency.p50), ms(r.heartbeatLatency.p99), ''],
      ['central process CPU (100 % = one core)', '', '', '', `${r.cpu.central.toFixed(0)} %`],
      ['PostgreSQL server CPU', '', '', '', `${r.cpu.postgres.toFixed(0)} %`],
      [`the ${r.kiosks} simulated kiosks (this process) CPU`, '', '', '', `${r.cpu.kiosks.toFixed(0)} %`],
      [
        'central process memory: resident at the end · peak',
        '',
        '',
        '',
        `${mb(r.central.rss)} · ${mb(r.central.peak)}`,
      ],
    ],
  );
}

export function fleetIngestSummary(r: FleetResult): SummaryLine[] {
  return [
    {
      measure: `5 fleet ingest: ${r.kiosks} kiosks → one centre on PostgreSQL`,
      hcp:
        `${count(r.records / (r.wallMs / 1000))} records/s · batch p99 ${seconds(r.batchLatency.p99)} · ` +
        `central ${r.cpu.central.toFixed(0)} % CPU, ${mb(r.central.peak)} peak`,
      peer: NONE,
      floor: NONE,
      vsFloor: NONE,
      vsPeer: NONE,
      target: NONE,
      met: null,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [kiosks = 200, rounds = 5, batch = 100] = process.argv.slice(2).map(Number);
  console.log(formatFleetIngest(await benchFleetIngest({ kiosks, rounds, batch })));
}
