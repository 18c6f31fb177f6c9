/**
 * Queue growth: the durable rating write (rating + outbox row in one transaction, fsynced) with 0, 100,000 and
 * 1,000,000 records waiting in the outbox. The write must not grow with the queue (target: p99 flat within ±20 %).
 * The waiting records are written straight into the outbox in one transaction (their content does not matter to
 * the cost of the next write; their number and the indexes over them do).
 *
 *   npm run bench -- queue     (or: npx tsx bench/queue-growth.ts)
 */
import { tempDir } from '../src/common/test-support/temp-dir.js';
import { uuidv7 } from '../src/common/ids.js';
import { PIN_1001, provisioned } from '../src/kiosk/test-support/fixtures.js';
import { recordDay } from '../src/shared/wire-records.js';
import { ms, summarize, table, type Summary } from './stats.js';

export interface QueueRow {
  pending: number;
  write: Summary;
}

async function measure(pending: number, writes: number): Promise<QueueRow> {
  const dir = tempDir('hcp-bench-queue-');
  const service = await provisioned(dir.path);
  try {
    await service.shifts.login({ staffNo: '1001', pin: PIN_1001 });
    const db = service.context.db;
    const insert = db.prepare('INSERT INTO outbox (record_id, kind, day, payload, created_at) VALUES (?, ?, ?, ?, ?)');
    db.transaction(() => {
      for (let i = 0; i < pending; i++) {
        const id = uuidv7();
        insert.run(
          id,
          'stray_press',
          recordDay(id),
          `{"kind":"stray_press","id":"${id}","satisfaction":3}`,
          Date.now(),
        );
      }
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    // Let the operating system finish writing back the fill (hundreds of MB for a million rows) before measuring.
    await new Promise((r) => setTimeout(r, 5000));
    const samples: number[] = [];
    for (let i = 0; i < writes + 50; i++) {
      service.invitations.open({});
      const t0 = performance.now();
      service.press({ level: 4, source: 'serial', key: 2 });
      const t = performance.now() - t0;
      if (i >= 50) samples.push(t);
    }
    const waiting = service.context.outbox.status().pending;
    if (waiting < pending) throw new Error(`expected ${pending} waiting, found ${waiting}`);
    return { pending, write: summarize(samples) };
  } finally {
    await service.close();
    dir.remove();
  }
}

export async function benchQueueGrowth(sizes = [0, 100_000, 1_000_000], writes = 1000): Promise<QueueRow[]> {
  const rows: QueueRow[] = [];
  for (const size of sizes) rows.push(await measure(size, writes));
  return rows;
}

export function formatQueueGrowth(rows: QueueRow[]): string {
  const base = rows[0]!.write;
  return table(
    ['durable rating write vs queue size', 'waiting', 'p50', 'p99', 'p99 vs empty (target ±20 %)'],
    rows.map((r) => [
      'rating + outbox row, fsynced',
      String(r.pending),
      ms(r.write.p50),
      ms(r.write.p99),
      `${(((r.write.p99 - base.p99) / base.p99) * 100).toFixed(0)} %`,
    ]),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatQueueGrowth(await benchQueueGrowth()));
}
