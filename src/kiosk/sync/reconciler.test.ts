/**
 * Reconciliation and pruning on a real kiosk database, with the centre's tally answered by a stand-in that holds
 * what the test says it holds (the real centre is in src/cli/sync*.integration.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tallyOf } from '../../common/tally.js';
import { recordDay } from '../../shared/wire-records.js';
import type { KioskContext } from '../context.js';
import type { KioskService } from '../kiosk-service.js';
import { RetentionRepo } from '../store/retention-repo.js';
import { PIN_1001, provisioned, tempDir, windowConfig } from '../test-support/fixtures.js';
import type { CentralClient } from './central-client.js';
import { Reconciler } from './reconciler.js';

const DAY = 24 * 3600_000;
/**
 * "Now" for each test: far enough ahead that every record dated 45 days before it is still later than any id this
 * process made before (uuidv7 never goes back in time within a process), so record days follow the test's clock.
 */
let NOW = Date.now() + 60 * DAY;
/** A follow-up's comment, to look for in the database file's bytes. */
const COMMENT = '窗口人员态度-独一无二的评论';

let dir: ReturnType<typeof tempDir>;
let service: KioskService;
let ctx: KioskContext;
let clock = NOW;
/** The record ids the centre holds; `tally` answers from it. */
let centre: Set<string>;
let tallyStatus = 200;

const client = {
  request: async (_method: string, path: string) => {
    const day = new URL(path, 'http://c').searchParams.get('day')!;
    const ids = [...centre].filter((id) => recordDay(id) === day);
    return { status: tallyStatus, body: tallyOf(day, ids), headers: new Headers() };
  },
} as unknown as CentralClient;

const reconciler = (options: { pruneChunk?: number; scanChunk?: number } = {}) =>
  new Reconciler({ ctx, client, reconcileDays: 7, requeued: () => undefined, ...options });

const count = (table: string) => (ctx.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

/** Delivers everything pending (as the centre acknowledging it), and the centre then holds it. */
function deliverAll(): void {
  const pending = ctx.outbox.pending(100_000);
  ctx.outbox.markDelivered(
    pending.map((e) => e.seq),
    clock,
  );
  for (const e of pending) centre.add(e.recordId);
}

/** A shift at `at` with a 非常满意, a 差评 with its follow-up, a stray press, then the logout. */
async function aShift(at: number): Promise<{ rated: string; bad: string }> {
  clock = at;
  await service.shifts.login({ staffNo: '1001', pin: PIN_1001 });
  service.invitations.open({ serviceItemCode: 'SC-0001' });
  const rated = service.press({ level: 5, source: 'touch' });
  service.invitations.open({ serviceItemCode: 'SC-0001' });
  const bad = service.press({ level: 1, source: 'touch' });
  if (rated.kind !== 'rated' || bad.kind !== 'rated') throw new Error('not rated');
  service.invitations.followUp({
    invitationId: bad.invitationId,
    reasonTags: ['item_management'],
    comment: COMMENT,
  });
  service.press({ level: 3, source: 'touch' }); // stray
  service.shifts.logout();
  return { rated: rated.invitationId, bad: bad.invitationId };
}

beforeEach(async () => {
  dir = tempDir();
  NOW += 200 * DAY;
  clock = NOW;
  centre = new Set();
  tallyStatus = 200;
  service = await provisioned(dir.path);
  ctx = service.context;
  ctx.now = () => clock;
});

afterEach(async () => {
  await service.close();
  dir.remove();
});

describe('pruning', () => {
  it('forgets a delivered day reconciled after its delivery once older than the retention: invitations, follow-up, stray press, shift', async () => {
    await aShift(NOW - 40 * DAY);
    deliverAll();
    clock = NOW - 39 * DAY;
    await reconciler().reconcile(); // the old day is compared: it was delivered since it last matched (never)
    clock = NOW;
    const report = await reconciler().prune();
    expect(report).toMatchObject({ records: 6, invitations: 2, followups: 1, strayPresses: 1, shifts: 1 });
    for (const table of ['outbox', 'invitations', 'followups', 'stray_presses', 'shifts', 'shift_pauses']) {
      expect(count(table), table).toBe(0);
    }
    expect(ctx.db.pragma('secure_delete', { simple: true })).toBe(0); // on only while pruning
    // Nothing of it is left in the file's free pages either (once the WAL is checkpointed into it).
    ctx.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(join(dir.path, 'kiosk.db')).includes(Buffer.from(COMMENT))).toBe(false);
  });

  it('keeps a day not yet reconciled, a day younger than the retention, and a day delivered again after it matched', async () => {
    await aShift(NOW - 40 * DAY);
    deliverAll(); // delivered, but never reconciled
    expect((await reconciler().prune()).records).toBe(0);
    await aShift(NOW - 10 * DAY);
    deliverAll();
    await reconciler().reconcile();
    // A record of the old day is sent again (a re-queue) after the match: the day is not reconciled any more.
    const first = ctx.db.prepare('SELECT seq FROM outbox ORDER BY seq LIMIT 1').get() as { seq: number };
    ctx.outbox.requeue([first.seq]);
    clock = NOW + 1;
    ctx.outbox.markDelivered([first.seq], clock);
    expect((await reconciler().prune()).records).toBe(0);
    expect(count('invitations')).toBe(4);
    // Reconciled again after that delivery: the old day goes, the 10-day-old one stays.
    clock = NOW + 2;
    await reconciler().reconcile();
    expect((await reconciler().prune()).invitations).toBe(2);
    expect(count('invitations')).toBe(2);
  });

  it('never forgets a pending or quarantined record, the open invitation or the open shift', async () => {
    await aShift(NOW - 40 * DAY);
    const [a, b, ...rest] = ctx.outbox.pending(100);
    ctx.outbox.markDelivered(
      rest.map((e) => e.seq),
      clock,
    );
    for (const e of rest) centre.add(e.recordId);
    ctx.outbox.quarantine(a!.seq, 'invalid_record: test', clock);
    // b stays pending. Five days later an invitation is open in an open shift, both older than the retention too.
    clock = NOW - 35 * DAY;
    await service.shifts.login({ staffNo: '1001', pin: PIN_1001 });
    const open = service.invitations.open({ serviceItemCode: 'SC-0001' });
    const login = ctx.outbox.pending(100).filter((e) => e.seq !== b!.seq);
    ctx.outbox.markDelivered(
      login.map((e) => e.seq),
      clock,
    );
    for (const e of login) centre.add(e.recordId);
    await reconciler().reconcile();
    clock = NOW;
    await reconciler().prune();
    expect(count('invitations')).toBe(3); // the day of b has a record waiting: not reconciled, nothing of it goes
    expect(ctx.outbox.find(b!.recordId)).toBeDefined();
    ctx.outbox.markDelivered([b!.seq], NOW - 34 * DAY); // now delivered, and the centre has it
    centre.add(b!.recordId);
    clock = NOW - 33 * DAY;
    await reconciler().reconcile();
    clock = NOW;
    const report = await reconciler().prune();
    // The day of a still holds it in quarantine: kept whole; the later day (the login) goes, the open shift stays.
    expect(report.days).not.toContain(recordDay(a!.recordId));
    expect(ctx.outbox.quarantined().map((q) => q.recordId)).toEqual([a!.recordId]);
    expect(service.invitations.get(open.id).state).toBe('open');
    expect(count('invitations')).toBe(3);
    expect(service.shifts.current()).toBeDefined();
  });

  it('keeps a day whole while a record of it is quarantined, and prunes it only once reconciled after that record is delivered', async () => {
    await aShift(NOW - 40 * DAY);
    const [held, ...rest] = ctx.outbox.pending(100);
    ctx.outbox.markDelivered(
      rest.map((e) => e.seq),
      clock,
    );
    for (const e of rest) centre.add(e.recordId);
    ctx.outbox.quarantine(held!.seq, 'scope_window: test', clock);
    const day = recordDay(held!.recordId);
    clock = NOW - 39 * DAY;
    await reconciler().reconcile(); // matches: the centre has all that was delivered
    expect(new RetentionRepo(ctx.db).reconciledDays().get(day)?.matchedAt).toBe(NOW - 39 * DAY);
    clock = NOW;
    expect((await reconciler().prune()).records).toBe(0); // not pruned in part, not marked pruned
    expect(new RetentionRepo(ctx.db).reconciledDays().get(day)?.prunedAt).toBeNull();
    expect(count('outbox')).toBe(6);

    // The technician retries the quarantine; the record is delivered after the day last matched.
    ctx.outbox.retryQuarantined();
    clock = NOW + 1;
    ctx.outbox.markDelivered([held!.seq], clock);
    centre.add(held!.recordId);
    expect((await reconciler().prune()).records).toBe(0); // delivered, but not reconciled since
    expect(ctx.outbox.find(held!.recordId)).toBeDefined();
    clock = NOW + 2;
    const compared = await reconciler().reconcile();
    expect(compared.find((d) => d.day === day)).toMatchObject({ local: 6, central: 6, requeued: 0 });
    const report = await reconciler().prune();
    expect(report).toMatchObject({ days: [day], records: 6 });
    expect(count('outbox')).toBe(0);
  });

  it('never prunes a record delivered after its day was pruned without a reconciliation (an older version’s state)', async () => {
    await aShift(NOW - 40 * DAY);
    deliverAll();
    clock = NOW - 39 * DAY;
    await reconciler().reconcile();
    const late = ctx.db.prepare('SELECT seq, record_id AS recordId FROM outbox ORDER BY seq LIMIT 1').get() as {
      seq: number;
      recordId: string;
    };
    ctx.db.prepare('UPDATE outbox SET delivered_at = NULL, quarantined_at = 1 WHERE seq = ?').run(late.seq);
    // As 4a3417c left it: the day pruned while a record of it sat in quarantine.
    new RetentionRepo(ctx.db).markPruned(recordDay(late.recordId), NOW - 38 * DAY);
    ctx.outbox.retryQuarantined();
    clock = NOW;
    ctx.outbox.markDelivered([late.seq], clock);
    await reconciler().prune();
    expect(ctx.outbox.find(late.recordId)).toBeDefined();
  });

  it('follows the retention the centre sets', async () => {
    await service.provision(windowConfig({ retentionDays: 60 }));
    await aShift(NOW - 40 * DAY);
    deliverAll();
    await reconciler().reconcile();
    clock = NOW;
    expect((await reconciler().prune()).records).toBe(0);
    await service.provision(windowConfig({ retentionDays: 7 }));
    expect((await reconciler().prune()).records).toBe(6);
  });

  it('prunes in bounded chunks, letting a press in between them', async () => {
    for (let d = 45; d > 40; d--) await aShift(NOW - d * DAY);
    deliverAll();
    clock = NOW - 40 * DAY;
    await reconciler().reconcile();
    clock = NOW;
    const chunk = vi.spyOn(RetentionRepo.prototype, 'pruneChunk');
    let pressedWhilePruning = false;
    const pruning = reconciler({ pruneChunk: 2 }).prune();
    setImmediate(() => {
      service.press({ level: 4, source: 'touch' });
      pressedWhilePruning = chunk.mock.calls.length > 0;
    });
    const report = await pruning;
    expect(report.records).toBe(30);
    expect(chunk.mock.results.every((r) => (r.value as { records: number }).records <= 2)).toBe(true);
    expect(pressedWhilePruning).toBe(true);
    chunk.mockRestore();
  });
});

describe('reconciliation', () => {
  it('re-queues a day the centre lacks records of, and never marks it reconciled', async () => {
    const { rated } = await aShift(NOW - 2 * DAY);
    deliverAll();
    centre.delete(rated);
    clock = NOW;
    const report = await reconciler().reconcile();
    expect(report.find((d) => d.day === recordDay(rated))).toMatchObject({ local: 6, central: 5, requeued: 6 });
    expect(new RetentionRepo(ctx.db).reconciledDays().has(recordDay(rated))).toBe(false);
  });

  it('fails, and marks nothing, when the centre does not answer its tally', async () => {
    await aShift(NOW - 2 * DAY);
    deliverAll();
    tallyStatus = 503;
    await expect(reconciler().reconcile()).rejects.toMatchObject({ code: 'reconcile_failed' });
    expect(new RetentionRepo(ctx.db).reconciledDays().size).toBe(0);
  });
});
