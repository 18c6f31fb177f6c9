/**
 * Row 8, the 差评 closed loop at ingest (issue 16): the throughput of record batches through the real signed device
 * API of a real `hcp central` process on PostgreSQL (a throwaway cluster of the embedded server's binaries), with
 * no 差评 and with 10 % 差评 — each of which makes its case, its created event and its `case_created` alert in the
 * ingest transaction. The issue's target: with 10 % within 10 % of without.
 *
 * The kiosks are written straight into the database with real Ed25519 keys (fleet-load.ts seedFleet), and every
 * batch is signed and checked as a kiosk's. Closed loop: `concurrency` batches in flight, each from a kiosk with
 * none other in flight; a round sends `recordsPerRound` records of one mix, and the two mixes take turns round by
 * round (so that the tables' growth and the machine's drift fall on both alike). The batches of a round are built
 * and signed before it is timed. The centre's alert relay (src/central/alerts/) runs as it does in service: its
 * work on the outbox is part of what a 差评 costs. At the end the centre must hold exactly one case and one
 * `case_created` alert per 差评 accepted.
 *
 *   npm run bench -- cases
 *   npx tsx bench/case-ingest.ts [rounds] [recordsPerRound] [batch] [concurrency]
 */
import { join } from 'node:path';
import { freePort } from '../src/common/test-support/fault-proxy.js';
import { tempDir } from '../src/common/test-support/temp-dir.js';
import { openPostgres } from '../src/central/db/database.js';
import { startCentralProcess, type CentralProcess } from '../src/central/test-support/central-process.js';
import { createTestDatabase, startPgCluster } from '../src/central/test-support/pg-cluster.js';
import type { RecordResult, WireEvaluation } from '../src/shared/wire-records.js';
import { HttpClient, seedFleet, type SignedPost, type SimulatedKiosk } from './fleet-load.js';
import { cpuMeter, processAndChildren } from './proc-stats.js';
import { ratingRecord } from './rating-record.js';
import { count, median, ms, summarize, table, type Summary } from './stats.js';
import { NONE, type SummaryLine } from './summary.js';

export interface CaseIngestOptions {
  rounds: number;
  recordsPerRound: number;
  batch: number;
  concurrency: number;
}

/** The two mixes: the share of records rated 1 or 2. */
const MIXES = [0, 0.1] as const;
type Mix = (typeof MIXES)[number];

interface MixResult {
  mix: Mix;
  /** Records a second, per round. */
  rates: number[];
  latency: Summary;
  /** CPU per 1,000 records, in ms: the central process, the PostgreSQL server. */
  centralCpuPerK: number;
  postgresCpuPerK: number;
  bad: number;
}

export interface CaseIngestResult extends CaseIngestOptions {
  mixes: MixResult[];
  cases: number;
  alerts: number;
}

const DEPARTMENTS = 10;
const KIOSKS = 200;

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

/** The `n`-th record of a mix: one in ten a 差评 (1 or 2) in the 10 % mix; otherwise 3, 4 or 5. */
function levelOf(n: number, mix: Mix): WireEvaluation['satisfaction'] {
  if (mix > 0 && n % 10 === 0) return n % 20 === 0 ? 1 : 2;
  return (3 + (n % 3)) as WireEvaluation['satisfaction'];
}

function signedMixBatch(kiosk: SimulatedKiosk, size: number, first: number, mix: Mix): SignedPost {
  const path = '/api/v1/device/records';
  const now = Date.now();
  const records = Array.from({ length: size }, (_, i) => ({
    ...ratingRecord(
      first + i,
      {
        staffNo: `S${kiosk.departmentCode}`,
        windowCode: kiosk.windowCode,
        departmentCode: kiosk.departmentCode,
        serviceItemCode: `I${kiosk.departmentCode}`,
      },
      now,
    ),
    satisfaction: levelOf(first + i, mix),
  }));
  const body = Buffer.from(JSON.stringify({ sentAt: new Date(now).toISOString(), clockOffsetMs: 0, records }));
  return { path, body, headers: kiosk.identity.sign(kiosk.id, 'POST', path, body) };
}

export async function benchCaseIngest(
  options: CaseIngestOptions = { rounds: 9, recordsPerRound: 20_000, batch: 100, concurrency: 8 },
): Promise<CaseIngestResult> {
  const cluster = await startPgCluster();
  const dir = tempDir('hcp-bench-cases-');
  try {
    const databaseUrl = await createTestDatabase(cluster.url, 'bench_cases');
    const central = await startCentralProcess({
      dataDir: join(dir.path, 'central'),
      port: await freePort(),
      databaseUrl,
    });
    const db = await openPostgres(databaseUrl, { max: 2 });
    const client = new HttpClient(new URL(central.url));
    try {
      await seedHall(central);
      const kiosks = await seedFleet(db, KIOSKS, DEPARTMENTS);
      const acc = new Map<
        Mix,
        { rates: number[]; latency: number[]; central: number; postgres: number; records: number; bad: number }
      >(MIXES.map((m) => [m, { rates: [], latency: [], central: 0, postgres: 0, records: 0, bad: 0 }]));
      const batchesPerRound = Math.ceil(options.recordsPerRound / options.batch);
      let serial = 0;
      const round = async (mix: Mix) => {
        const posts = Array.from({ length: batchesPerRound }, (_, j) => {
          const post = signedMixBatch(kiosks[j % kiosks.length]!, options.batch, serial, mix);
          serial += options.batch;
          return post;
        });
        const bad = posts.length * options.batch * mix;
        const latency: number[] = [];
        let next = 0;
        let accepted = 0;
        const central0 = cpuMeter(() => [central.child.pid!]);
        const postgres0 = cpuMeter(() => processAndChildren(cluster.pid));
        const t0 = performance.now();
        await Promise.all(
          Array.from({ length: options.concurrency }, async () => {
            for (let j = next++; j < posts.length; j = next++) {
              const answer = await client.post(posts[j]!);
              if (answer.status !== 200) throw new Error(`a batch answered ${answer.status}: ${answer.body}`);
              const results = (JSON.parse(answer.body) as { results: RecordResult[] }).results;
              accepted += results.filter((r) => r.status === 'accepted').length;
              latency.push(answer.ms);
            }
          }),
        );
        const wall = performance.now() - t0;
        if (accepted !== posts.length * options.batch)
          throw new Error(`${accepted} records accepted of ${posts.length * options.batch}`);
        const a = acc.get(mix)!;
        a.rates.push((accepted / wall) * 1000);
        a.latency.push(...latency);
        a.central += central0();
        a.postgres += postgres0();
        a.records += accepted;
        a.bad += bad;
      };
      // A warm-up round of each, not counted: the JIT, the plans, the catalogue and calendar caches.
      for (const mix of MIXES) await round(mix);
      for (const m of acc.values()) Object.assign(m, { rates: [], latency: [], central: 0, postgres: 0, records: 0 });
      for (let r = 0; r < options.rounds; r++)
        for (const mix of r % 2 === 0 ? MIXES : [...MIXES].reverse()) await round(mix);

      const [{ cases, alerts, events }] = (await db.query<{ cases: number; alerts: number; events: number }>(
        `SELECT (SELECT count(*) FROM cases) AS cases,
                (SELECT count(*) FROM alert_outbox WHERE kind = 'case_created') AS alerts,
                (SELECT count(*) FROM case_events WHERE action = 'created') AS events`,
      )) as [{ cases: number; alerts: number; events: number }];
      const badSent = [...acc.values()].reduce((n, m) => n + m.bad, 0);
      if (cases !== badSent || alerts !== badSent || events !== badSent) {
        throw new Error(
          `${badSent} 差评 accepted, but ${cases} cases, ${alerts} case_created alerts, ${events} created events`,
        );
      }
      return {
        ...options,
        cases,
        alerts,
        mixes: MIXES.map((mix) => {
          const m = acc.get(mix)!;
          return {
            mix,
            rates: m.rates,
            latency: summarize(m.latency),
            centralCpuPerK: (m.central / m.records) * 1000,
            postgresCpuPerK: (m.postgres / m.records) * 1000,
            bad: m.bad,
          };
        }),
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

const share = (mix: Mix) => `${(mix * 100).toFixed(0)} % 差评`;
/** The central process's and PostgreSQL's CPU per record with 10 % 差评 over that without: what a loaded centre pays. */
const cpuRatio = ([none, some]: MixResult[]) =>
  (some!.centralCpuPerK + some!.postgresCpuPerK) / (none!.centralCpuPerK + none!.postgresCpuPerK);

export function formatCaseIngest(r: CaseIngestResult): string {
  const [none, some] = r.mixes as [MixResult, MixResult];
  const ratio = median(some.rates) / median(none.rates);
  return table(
    ['record batches through the device API', 'n', 'p50', 'p99', 'figure'],
    [
      ...r.mixes.map((m) => [
        `${r.batch} records a batch, ${r.concurrency} in flight, ${share(m.mix)}`,
        count(m.latency.n),
        ms(m.latency.p50),
        ms(m.latency.p99),
        `${count(median(m.rates))} records/s (median of ${m.rates.length} rounds: ${m.rates.map((x) => count(x)).join(' · ')}) · CPU per 1,000 records: central ${m.centralCpuPerK.toFixed(0)} ms, PostgreSQL ${m.postgresCpuPerK.toFixed(0)} ms`,
      ]),
      [
        `${share(0.1)} against ${share(0)}`,
        '',
        '',
        '',
        `${(ratio * 100).toFixed(1)} % of the throughput · CPU (central + PostgreSQL) per record ×${cpuRatio(r.mixes).toFixed(2)} · ${count(r.cases)} cases and ${count(r.alerts)} case_created alerts, one per 差评`,
      ],
    ],
  );
}

export function caseIngestSummary(r: CaseIngestResult): SummaryLine[] {
  const [none, some] = r.mixes as [MixResult, MixResult];
  const ratio = median(some.rates) / median(none.rates);
  return [
    {
      measure: '8 ingest with 10 % 差评 (a case and an alert each)',
      hcp:
        `${count(median(some.rates))} records/s against ${count(median(none.rates))} with none (${(ratio * 100).toFixed(1)} %); ` +
        `CPU per record ×${cpuRatio(r.mixes).toFixed(2)}`,
      peer: NONE,
      floor: NONE,
      vsFloor: NONE,
      vsPeer: NONE,
      target: 'within 10 % of ingest without 差评',
      met: ratio >= 0.9,
      limit:
        'the two cores are shared by the load generator, the central process (with its alert relay) and PostgreSQL',
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [rounds = 9, recordsPerRound = 20_000, batch = 100, concurrency = 8] = process.argv.slice(2).map(Number);
  console.log(formatCaseIngest(await benchCaseIngest({ rounds, recordsPerRound, batch, concurrency })));
}
