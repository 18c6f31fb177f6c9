/**
 * Queue growth: the durable rating write (rating + outbox row in one transaction, fsynced) with 0, 100,000 and
 * 1,000,000 records waiting in the outbox, 5,000 writes each, timed in rounds across the sizes. The write must not
 * grow with the queue (target: p99 flat within ±20 %; 5,000 writes, so that the p99 is not decided by a handful of
 * fsyncs). The waiting records are written straight into the outbox in one transaction (their content does not
 * matter to the cost of the next write; their number and the indexes over them do).
 *
 * The peer: PouchDB's synced `put` (see pouchdb-peer.ts) with 0 and 100,000 documents not yet replicated (filled
 * with `bulkDocs`). Not with 1,000,000: filling that took PouchDB 66 s here, longer than the rest of this row.
 *
 *   npm run bench -- queue     (or: npx tsx bench/queue-growth.ts)
 */
import { join } from 'node:path';
import { tempDir } from '../src/common/test-support/temp-dir.js';
import { uuidv7 } from '../src/common/ids.js';
import { PIN_1001, provisioned } from '../src/kiosk/test-support/fixtures.js';
import { recordDay } from '../src/shared/wire-records.js';
import { flushDisk } from './flush-disk.js';
import { fillPouch, openPouch, timePuts, WARM_UP } from './pouchdb-peer.js';
import { timeRatingWrites } from './rating-write.js';
import { count, ms, ratio, summarize, table, type Summary } from './stats.js';
import { NONE, type SummaryLine } from './summary.js';

export interface QueueRow {
  pending: number;
  write: Summary;
  /** PouchDB's synced put with as many documents waiting; absent where it was not measured. */
  pouch?: Summary;
}

/** How much a row's p99 grew over the empty queue's, in %. */
function p99Growth(row: Summary, empty: Summary): number {
  return ((row.p99 - empty.p99) / empty.p99) * 100;
}

/**
 * The writes of each queue size are timed in rounds, a fifth of them per size in turn, so that a slow stretch of
 * the shared disk falls on every size alike instead of on whichever was being measured then: timed one size after
 * another, the first size's p99 came out 30 % above or below the others' depending on the run.
 */
const ROUNDS = 5;

interface Subject {
  /** Times `writes` durable writes and returns ms per write. */
  time(writes: number): Promise<number[]>;
  /** Checks that the waiting records are all still there, then closes and removes it. */
  close(): Promise<void>;
}

async function kioskWith(pending: number): Promise<Subject> {
  const dir = tempDir('hcp-bench-queue-');
  const service = await provisioned(dir.path);
  await service.shifts.login({ staffNo: '1001', pin: PIN_1001 });
  const db = service.context.db;
  const insert = db.prepare('INSERT INTO outbox (record_id, kind, day, payload, created_at) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < pending; i++) {
      const id = uuidv7();
      insert.run(id, 'stray_press', recordDay(id), `{"kind":"stray_press","id":"${id}","satisfaction":3}`, Date.now());
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  return {
    time: (writes) => timeRatingWrites(service, writes),
    close: async () => {
      const waiting = service.context.outbox.status().pending;
      await service.close();
      dir.remove();
      if (waiting < pending) throw new Error(`expected ${pending} waiting, found ${waiting}`);
    },
  };
}

async function pouchWith(pending: number): Promise<Subject> {
  const dir = tempDir('hcp-bench-queue-pouch-');
  const db = openPouch(join(dir.path, 'pouch'), { durable: true });
  await fillPouch(db, pending);
  let written = 0;
  return {
    time: async (writes) => {
      const samples = await timePuts(db, writes);
      written += WARM_UP + writes;
      return samples;
    },
    close: async () => {
      const held = (await db.info()).doc_count;
      await db.close();
      dir.remove();
      if (held < pending + written) throw new Error(`expected ${pending + written} documents, found ${held}`);
    },
  };
}

export async function benchQueueGrowth(
  sizes = [0, 100_000, 1_000_000],
  writes = 5000,
  peerSizes = [0, 100_000],
): Promise<QueueRow[]> {
  const subjects: { pending: number; peer: boolean; subject: Subject; samples: number[] }[] = [];
  try {
    for (const pending of sizes) {
      subjects.push({ pending, peer: false, subject: await kioskWith(pending), samples: [] });
      if (peerSizes.includes(pending)) {
        subjects.push({ pending, peer: true, subject: await pouchWith(pending), samples: [] });
      }
    }
    await flushDisk();
    for (let round = 0; round < ROUNDS; round++) {
      for (const s of subjects) s.samples.push(...(await s.subject.time(Math.ceil(writes / ROUNDS))));
    }
  } finally {
    for (const s of subjects) await s.subject.close();
  }
  return sizes.map((pending) => {
    const of = (peer: boolean) => subjects.find((s) => s.pending === pending && s.peer === peer);
    const pouch = of(true);
    return { pending, write: summarize(of(false)!.samples), pouch: pouch && summarize(pouch.samples) };
  });
}

export function formatQueueGrowth(rows: QueueRow[]): string {
  const hcpBase = rows[0]!.write;
  const pouchBase = rows[0]!.pouch;
  const growth = (row: Summary | undefined, base: Summary | undefined) =>
    row && base ? `${p99Growth(row, base).toFixed(0)} %` : NONE;
  return table(
    [
      'durable write vs queue size',
      'waiting',
      'HCP p50',
      'HCP p99',
      'HCP p99 vs empty (target ±20 %)',
      'PouchDB synced p50',
      'PouchDB p99',
      'PouchDB p99 vs empty',
    ],
    rows.map((r) => [
      'rating + outbox row / put, fsynced',
      count(r.pending),
      ms(r.write.p50),
      ms(r.write.p99),
      growth(r.write, hcpBase),
      r.pouch ? ms(r.pouch.p50) : NONE,
      r.pouch ? ms(r.pouch.p99) : NONE,
      growth(r.pouch, pouchBase),
    ]),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatQueueGrowth(await benchQueueGrowth()));
}

export function queueGrowthSummary(rows: QueueRow[]): SummaryLine[] {
  const empty = rows[0]!;
  const worst = Math.max(...rows.map((r) => Math.abs(p99Growth(r.write, empty.write))));
  const withPeer = rows.filter((r) => r.pouch);
  const lastPeer = withPeer.at(-1)!;
  return [
    {
      measure: `4 write p99 with ${rows.map((r) => count(r.pending)).join(' / ')} waiting`,
      hcp: `${rows.map((r) => r.write.p99.toFixed(2)).join(' / ')} ms`,
      peer: `${withPeer.map((r) => r.pouch!.p99.toFixed(2)).join(' / ')} ms (synced; ${withPeer.map((r) => count(r.pending)).join(' / ')})`,
      floor: NONE,
      vsFloor: NONE,
      vsPeer: `${ratio(lastPeer.write.p99, lastPeer.pouch!.p99)} at ${count(lastPeer.pending)}`,
      target: 'p99 flat within ±20 %',
      met: worst <= 20,
      limit:
        `p99 moved by up to ${worst.toFixed(0)} % while p50 stayed put; the p99 of ${count(empty.write.n)} writes is ` +
        'their few slowest, which other processes writing to the same disk can decide: compare on a quiet machine',
    },
  ];
}
