/**
 * Row 5, the fleet at the size of a city's halls (issue 15): 20,000 kiosks heartbeating every 30 s (≈ 667 a second,
 * spread evenly) while records arrive at 10,000 a second in batches, against the real `hcp central` process on one
 * PostgreSQL (the embedded server's binaries, in a throwaway cluster, so that its CPU can be read). Meanwhile the
 * 设备 page's API is read with each filter the page offers; it is read again once the load has stopped.
 *
 * The kiosks are written straight into the database with real Ed25519 keys (fleet-load.ts seedFleet): enrolling
 * 20,000 through the API is an enrolment code and an audited enrolment each, minutes of set-up that measure
 * nothing of this row; every request is then signed and checked exactly as a real kiosk's. The load is open-loop
 * (fleet-load.ts offerLoad): a warm-up in which every kiosk heartbeats once, then a measured window, then it stops
 * by itself. The generator runs on the same two cores as the centre and its database: its own cost per request and
 * its CPU are reported, and the rates it offered beside those the centre achieved. At the end the centre must hold
 * every record accepted, exactly once.
 *
 *   npm run bench -- fleet
 *   npx tsx bench/fleet-ingest.ts [kiosks] [measureSeconds] [recordsPerSecond] [batch] [warmupSeconds]
 */
import { join } from 'node:path';
import { freePort } from '../src/common/test-support/fault-proxy.js';
import { tempDir } from '../src/common/test-support/temp-dir.js';
import { openPostgres } from '../src/central/db/database.js';
import { startCentralProcess, type CentralProcess } from '../src/central/test-support/central-process.js';
import { createTestDatabase, startPgCluster } from '../src/central/test-support/pg-cluster.js';
import type { DevicePage } from '../src/shared/fleet-api.js';
import { generatorCost, HEARTBEAT_EVERY_MS, HttpClient, offerLoad, seedFleet, type LoadResult } from './fleet-load.js';
import { cpuMeter, memoryOf, processAndChildren, type Memory } from './proc-stats.js';
import { count, mb, ms, seconds, summarize, table, type Summary } from './stats.js';
import { NONE, type SummaryLine } from './summary.js';

export interface FleetOptions {
  kiosks: number;
  /** The measured window, after a warm-up of one heartbeat period. */
  measureSeconds: number;
  recordsPerSecond: number;
  /** Ratings per batch. */
  batch: number;
  /** Before the window: one heartbeat period by default, so that every kiosk has reported once. */
  warmupSeconds?: number;
}

/** The 设备 page's filters, as the page sends them. */
const PAGE_QUERIES: [string, string][] = [
  ['no filter', ''],
  ['status=offline', '?status=offline'],
  ['minQueue=1', '?minQueue=1'],
  ['a department (D07)', '?departmentCode=D07'],
  ['a search (q=W1234)', '?q=W1234'],
];

export interface FleetResult extends FleetOptions {
  departments: number;
  seedMs: number;
  generator: { heartbeatUs: number; batchUs: number };
  load: LoadResult;
  heartbeatLatency: Summary;
  batchLatency: Summary;
  /** Per page query: under the load, and once it has stopped. */
  page: { name: string; loaded: Summary; idle: Summary; items: number }[];
  /** CPU over the measured window, in % of one core: the central process, the PostgreSQL server, this process. */
  cpu: { central: number; postgres: number; generator: number };
  central: Memory;
  held: number;
}

const DEPARTMENTS = 20;

async function seedHall(central: CentralProcess): Promise<void> {
  for (let d = 1; d <= DEPARTMENTS; d++) {
    const code = `D${String(d).padStart(2, '0')}`;
    for (const [path, body] of [
      ['/departments', { code, name: `部门 ${code}` }],
      ['/staff', { staffNo: `S${code}`, name: `工作人员 ${code}`, departmentCode: code, pin: '246810' }],
      ['/service-items', { code: `I${code}`, name: `事项 ${code}`, departmentCode: code }],
    ] as const) {
      const res = await central.admin('POST', path, body);
      if (res.status !== 201) throw new Error(`seeding ${path} answered ${res.status}`);
    }
  }
}

export async function benchFleetIngest(
  options: FleetOptions = { kiosks: 20_000, measureSeconds: 60, recordsPerSecond: 10_000, batch: 100 },
): Promise<FleetResult> {
  const cluster = await startPgCluster();
  const dir = tempDir('hcp-bench-fleet-');
  try {
    const databaseUrl = await createTestDatabase(cluster.url, 'bench_fleet');
    const central = await startCentralProcess({
      dataDir: join(dir.path, 'central'),
      port: await freePort(),
      databaseUrl,
    });
    const db = await openPostgres(databaseUrl, { max: 2 });
    const client = new HttpClient(new URL(central.url));
    try {
      await seedHall(central);
      const t0 = performance.now();
      const kiosks = await seedFleet(db, options.kiosks, DEPARTMENTS);
      const seedMs = performance.now() - t0;
      const generator = generatorCost(kiosks, options.batch);
      const auth = { authorization: `Bearer ${central.adminToken}` };
      const readPage = async (query: string) => {
        const answer = await client.get(`/api/v1/admin/devices${query}`, auth);
        if (answer.status !== 200) throw new Error(`the devices page answered ${answer.status}: ${answer.body}`);
        return { ms: answer.ms, items: (JSON.parse(answer.body) as DevicePage).items.length };
      };
      // The page read under the load, one request at a time, each filter in turn, a few times a second.
      const loaded = PAGE_QUERIES.map(() => [] as number[]);
      let meters: { central: () => number; postgres: () => number; own: NodeJS.CpuUsage; at: number } | undefined;
      let stopped = false;
      let probing: Promise<void> = Promise.resolve();
      const measureMs = options.measureSeconds * 1000;
      const load = await offerLoad(
        client,
        kiosks,
        {
          heartbeatEveryMs: HEARTBEAT_EVERY_MS,
          recordsPerSecond: options.recordsPerSecond,
          batchSize: options.batch,
          warmupMs: (options.warmupSeconds ?? HEARTBEAT_EVERY_MS / 1000) * 1000,
          measureMs,
          maxBatchesInFlight: 200,
        },
        () => {
          meters = {
            central: cpuMeter(() => [central.child.pid!]),
            postgres: cpuMeter(() => processAndChildren(cluster.pid)),
            own: process.cpuUsage(),
            at: performance.now(),
          };
          probing = (async () => {
            for (let i = 0; !stopped; i++) {
              loaded[i % PAGE_QUERIES.length]!.push((await readPage(PAGE_QUERIES[i % PAGE_QUERIES.length]![1])).ms);
              await new Promise((resolve) => setTimeout(resolve, 200));
            }
          })();
          setTimeout(() => (stopped = true), measureMs).unref();
        },
      );
      stopped = true;
      await probing;
      const wall = performance.now() - meters!.at;
      const own = process.cpuUsage(meters!.own);
      const percent = (cpuMs: number) => (cpuMs / wall) * 100;
      const cpu = {
        central: percent(meters!.central()),
        postgres: percent(meters!.postgres()),
        generator: percent((own.user + own.system) / 1000),
      };
      const page: FleetResult['page'] = [];
      for (const [i, [name, query]] of PAGE_QUERIES.entries()) {
        const idle: number[] = [];
        let items = 0;
        for (let n = 0; n < 40; n++) {
          const read = await readPage(query);
          idle.push(read.ms);
          items = read.items;
        }
        page.push({ name, loaded: summarize(loaded[i]!), idle: summarize(idle), items });
      }
      const [{ held, ledger }] = (await db.query<{ held: number; ledger: number }>(
        'SELECT (SELECT count(*) FROM evaluations) AS held, (SELECT count(*) FROM records) AS ledger',
      )) as [{ held: number; ledger: number }];
      if (load.firstError) throw new Error(`the fleet was refused: ${load.firstError}`);
      if (held !== load.records.acceptedInRun || ledger !== held) {
        throw new Error(
          `the centre holds ${held} ratings (${ledger} in its ledger), not the ${load.records.acceptedInRun} accepted`,
        );
      }
      return {
        ...options,
        departments: DEPARTMENTS,
        seedMs,
        generator,
        load,
        heartbeatLatency: summarize(load.heartbeats.latency),
        batchLatency: summarize(load.batches.latency),
        page,
        cpu,
        central: memoryOf(central.child.pid!),
        held,
      };
    } finally {
      client.close();
      await db.close();
      await central.kill('SIGTERM');
    }
  } finally {
    await cluster.stop();
    dir.remove();
  }
}

const perSecond = (n: number, r: FleetResult) => `${count(n / r.measureSeconds)}/s`;

export function formatFleetIngest(r: FleetResult): string {
  const { heartbeats, batches, records } = r.load;
  const offeredHeartbeats = (r.kiosks * 0.95 * 1000) / HEARTBEAT_EVERY_MS;
  return table(
    ['fleet at a city’s size, central on PostgreSQL', 'n', 'p50', 'p99', 'figure'],
    [
      [
        `${count(r.kiosks)} kiosks (${count(r.kiosks / 20)} silent), ${r.departments} departments, ${r.measureSeconds} s measured`,
        '',
        '',
        '',
        `seeded in ${seconds(r.seedMs)}`,
      ],
      [
        `heartbeat request (target ${count(offeredHeartbeats)}/s)`,
        count(heartbeats.answered),
        ms(r.heartbeatLatency.p50),
        ms(r.heartbeatLatency.p99),
        `offered ${perSecond(heartbeats.sent, r)} · answered ${perSecond(heartbeats.answered, r)} · failed ${heartbeats.failed}`,
      ],
      [
        `record batch request (${r.batch} ratings; target ${count(r.recordsPerSecond / r.batch)}/s)`,
        count(batches.answered),
        ms(r.batchLatency.p50),
        ms(r.batchLatency.p99),
        `offered ${perSecond(batches.sent, r)} · answered ${perSecond(batches.answered, r)} · not offered ${batches.notOffered} · failed ${batches.failed}`,
      ],
      [
        `records (target ${count(r.recordsPerSecond)}/s)`,
        count(records.accepted),
        '',
        '',
        `offered ${perSecond(records.sent, r)} · accepted ${perSecond(records.accepted, r)} · held exactly once ${count(r.held)}`,
      ],
      ...r.page.flatMap((p) => [
        [
          `设备 page API, ${p.name}, under the load (${p.items} items)`,
          count(p.loaded.n),
          ms(p.loaded.p50),
          ms(p.loaded.p99),
          '',
        ],
        [`设备 page API, ${p.name}, idle`, count(p.idle.n), ms(p.idle.p50), ms(p.idle.p99), ''],
      ]),
      ['central process CPU (100 % = one core)', '', '', '', `${r.cpu.central.toFixed(0)} %`],
      ['PostgreSQL server CPU', '', '', '', `${r.cpu.postgres.toFixed(0)} %`],
      [
        'the load generator (this process) CPU; its own cost per request',
        '',
        '',
        '',
        `${r.cpu.generator.toFixed(0)} % · heartbeat ${r.generator.heartbeatUs.toFixed(0)} µs · batch ${(r.generator.batchUs / 1000).toFixed(2)} ms`,
      ],
      [
        'the generator’s event-loop delay (p99): batches · heartbeats (their own thread)',
        '',
        '',
        '',
        `${ms(r.load.generatorLagP99.batches)} · ${ms(r.load.generatorLagP99.heartbeats)}`,
      ],
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
  const pageP99 = Math.max(...r.page.map((p) => p.loaded.p99));
  const accepted = r.load.records.accepted / r.measureSeconds;
  const met =
    r.heartbeatLatency.p99 < 100 && r.batchLatency.p99 < 1000 && pageP99 < 200 && accepted >= r.recordsPerSecond * 0.99;
  return [
    {
      measure: `5 fleet: ${count(r.kiosks)} kiosks heartbeating, ${count(r.recordsPerSecond)} records/s offered`,
      hcp:
        `heartbeat p99 ${ms(r.heartbeatLatency.p99)} · batch p99 ${ms(r.batchLatency.p99)} · ` +
        `${count(accepted)} records/s · 设备 page p99 ${ms(pageP99)}`,
      peer: NONE,
      floor: NONE,
      vsFloor: NONE,
      vsPeer: NONE,
      target: 'heartbeat p99 < 100 ms · batch p99 < 1 s · page < 200 ms',
      met,
      limit:
        'the two cores are shared by the load generator, the central process and PostgreSQL: see row 5’s CPU lines ' +
        'and what was offered against what was achieved',
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [kiosks = 20_000, measureSeconds = 60, recordsPerSecond = 10_000, batch = 100, warmupSeconds] = process.argv
    .slice(2)
    .map(Number);
  const options = { kiosks, measureSeconds, recordsPerSecond, batch, ...(warmupSeconds ? { warmupSeconds } : {}) };
  console.log(formatFleetIngest(await benchFleetIngest(options)));
}
