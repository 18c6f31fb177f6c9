import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../common/ids.js';
import type { SyncRecord } from '../../shared/records.js';
import { tempDir } from '../test-support/fixtures.js';
import { openDatabase, type Database } from './database.js';
import { OutboxRepo } from './outbox-repo.js';

let dir: ReturnType<typeof tempDir>;
let db: Database;
let outbox: OutboxRepo;
beforeEach(() => {
  dir = tempDir();
  db = openDatabase(join(dir.path, 'k.db'));
  outbox = new OutboxRepo(db);
});
afterEach(() => {
  db.close();
  dir.remove();
});

const DAY = 24 * 3600_000;
const T0 = Date.parse('2026-11-20T12:00:00Z');

/** Appends a record dated `at` and returns its id and seq. */
function append(at: number): { id: string; seq: number } {
  const id = uuidv7(at);
  outbox.append({ kind: 'evaluation', id } as SyncRecord, at);
  return { id, seq: outbox.find(id)!.seq };
}

describe('the outbox', () => {
  it('indexes only what a rating must write: the pending queue (quarantine and follow-ups are all but empty)', () => {
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' ORDER BY name")
      .all() as { name: string }[];
    expect(indexes.map((i) => i.name)).toEqual(['outbox_pending', 'outbox_pending_followups', 'outbox_quarantined']);
  });

  it('gives reconciliation every record of the days asked, across chunks, in seq order, none quarantined', () => {
    const old = append(T0 - 3 * DAY);
    // Ids are time-ordered (uuidv7 never goes back), so the days come in order: four on the 19th, three on the 20th.
    const rows = Array.from({ length: 7 }, (_, i) => append(T0 - DAY + Math.floor(i / 4) * DAY));
    outbox.markDelivered([rows[0]!.seq, rows[1]!.seq, rows[2]!.seq], T0);
    outbox.quarantine(rows[6]!.seq, 'invalid_record: test', T0);

    const chunks = [...outbox.recordsSince('2026-11-19', 3)];
    expect(chunks.length).toBe(3); // 7 rows not quarantined, 3 at a time
    const seen = chunks.flat();
    expect(seen.map((r) => r.seq)).toEqual(rows.slice(0, 6).map((r) => r.seq));
    expect(seen.map((r) => r.recordId)).not.toContain(old.id);
    expect(seen.map((r) => r.day)).toEqual([
      '2026-11-19',
      '2026-11-19',
      '2026-11-19',
      '2026-11-19',
      '2026-11-20',
      '2026-11-20',
    ]);
    expect(seen.filter((r) => r.delivered).map((r) => r.seq)).toEqual([rows[0]!.seq, rows[1]!.seq, rows[2]!.seq]);
  });

  it('re-queues only delivered records, and only those named', () => {
    const [a, b, c] = [append(T0), append(T0), append(T0)];
    outbox.markDelivered([a.seq, b.seq], T0);
    expect(outbox.requeue([a.seq, c.seq])).toBe(1); // c was still waiting
    expect(outbox.pending(10).map((e) => e.seq)).toEqual([a.seq, c.seq]);
    expect(outbox.requeue([])).toBe(0);
  });

  // Last: uuidv7 never goes back, so ids made here would move the days of the tests above.
  it('counts, for the counter, a follow-up within its evaluation, and keeps the whole queue for the centre', () => {
    const evaluation = append(T0);
    outbox.append(
      {
        kind: 'followup',
        id: uuidv7(T0 + 1),
        evaluationId: evaluation.id,
        reasonTags: ['attitude'],
        callbackPhone: null,
        comment: null,
        at: new Date(T0 + 1).toISOString(),
      },
      T0 + 1,
    );
    expect(outbox.status().pending).toBe(2);
    expect(outbox.counterStatus()).toMatchObject({ pending: 1, oldestPendingAt: new Date(T0).toISOString() });
    // The evaluation went out, its follow-up not yet: the counter sees an empty queue, not a follow-up waiting.
    outbox.markDelivered([evaluation.seq], T0 + 2);
    expect(outbox.status().pending).toBe(1);
    expect(outbox.counterStatus()).toEqual({ pending: 0, quarantined: 0, oldestPendingAt: null });
    // Quarantined, it is not listed at the counter either; a retry sends it again with the rest.
    outbox.quarantine(outbox.pending(10)[0]!.seq, 'invalid_record: test', T0 + 3);
    expect(outbox.status().quarantined).toBe(1);
    expect(outbox.counterStatus().quarantined).toBe(0);
    expect(outbox.quarantined()).toEqual([]);
    expect(outbox.retryQuarantined()).toBe(1);
  });
});
