/**
 * Integration (real PostgreSQL, the calendar seeded from chinese-days): the deadline sweep warns one working day
 * before a deadline, across the 2026 National Day holiday, and marks it overdue past it, each once per deadline with
 * its key; the overdue case gets an `overdue` event on its timeline; the daily digest is written once a day. The
 * centre's own queue is stopped first, so that only the sweeps of this test, at the times it gives, run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkCalendar } from '../../shared/work-calendar.js';
import { CalendarCache } from '../calendar/calendar.js';
import { startHarness, type Harness } from '../test-support/api-harness.js';
import { pruneAlerts, sweepDeadlines, writeDailyDigest } from './sweep.js';
import { insertCase, seedEvaluations, type TestCase } from './test-support/cases-fixture.js';

describe('the deadline sweep', () => {
  let h: Harness;
  let calendar: WorkCalendar;
  const outbox = async (caseId: string) =>
    h.db.query<{ key: string; kind: string; payload: Record<string, unknown> }>(
      'SELECT key, kind, payload FROM alert_outbox WHERE case_id = $1 ORDER BY created_at, key',
      [caseId],
    );

  let evaluations: string[];
  beforeAll(async () => {
    h = await startHarness();
    evaluations = await seedEvaluations(h, 3);
    // The centre's queue and its minute's sweep stop here; the database stays.
    await h.app.close();
    calendar = await new CalendarCache(h.db).get();
  });
  afterAll(() => h.close());

  // Due at the end of Thursday 8 October 2026 (Beijing), the first working day after the National Day holiday
  // (1–7 October off): the working day before it is Wednesday 30 September, so the warning is due at its end.
  const dueAt = new Date('2026-10-08T16:00:00Z');
  let c: TestCase;

  it('warns nobody before the working day ahead of the deadline, even with the holiday in between', async () => {
    c = await insertCase(h, {
      evaluationId: evaluations[0],
      dueAt,
      deadlineDay: '2026-10-08',
      createdAt: new Date('2026-09-29T02:00:00Z'),
    });
    expect(await sweepDeadlines(h.db, calendar, new Date('2026-09-30T15:59:00Z'))).toEqual({ warned: 0, overdue: 0 });
    expect(await outbox(c.id)).toEqual([]);
  });

  it('warns once from the start of the last working day before it (the end of 30 September)', async () => {
    expect(await sweepDeadlines(h.db, calendar, new Date('2026-09-30T16:01:00Z'))).toEqual({ warned: 1, overdue: 0 });
    expect(await sweepDeadlines(h.db, calendar, new Date('2026-10-03T04:00:00Z'))).toEqual({ warned: 0, overdue: 0 });
    const alerts = await outbox(c.id);
    expect(alerts).toEqual([
      {
        key: `deadline_warning:${c.id}:${dueAt.toISOString()}`,
        kind: 'deadline_warning',
        payload: {
          caseId: c.id,
          number: c.number,
          state: 'assigned',
          departmentCode: 'SCJG',
          satisfaction: 1,
          dueAt: dueAt.toISOString(),
          dueDay: '2026-10-08',
        },
      },
    ]);
    expect(JSON.stringify(alerts)).not.toMatch(/phone|rater|comment/);
  });

  it('marks it overdue once past the deadline, with an overdue event on its timeline', async () => {
    expect(await sweepDeadlines(h.db, calendar, new Date('2026-10-08T15:59:00Z'))).toEqual({ warned: 0, overdue: 0 });
    expect(await sweepDeadlines(h.db, calendar, new Date('2026-10-08T16:00:00Z'))).toEqual({ warned: 0, overdue: 1 });
    expect(await sweepDeadlines(h.db, calendar, new Date('2026-10-09T01:00:00Z'))).toEqual({ warned: 0, overdue: 0 });
    expect((await outbox(c.id)).map((a) => a.key)).toEqual([
      `deadline_warning:${c.id}:${dueAt.toISOString()}`,
      `overdue:${c.id}:${dueAt.toISOString()}`,
    ]);
    const events = await h.db.query<{ action: string; from_state: string; actor_name: string }>(
      'SELECT action, from_state, actor_name FROM case_events WHERE case_id = $1',
      [c.id],
    );
    expect(events).toEqual([{ action: 'overdue', from_state: 'assigned', actor_name: '系统' }]);
    const [flags] = await h.db.query<{ warned: boolean; overdue: boolean }>(
      'SELECT warned_at IS NOT NULL AS warned, overdue_at IS NOT NULL AS overdue FROM cases WHERE id = $1',
      [c.id],
    );
    expect(flags).toEqual({ warned: true, overdue: true });
  });

  it('warns and marks overdue again for a new deadline (the flags cleared), under a new key', async () => {
    const next = new Date('2026-10-12T16:00:00Z'); // Monday 12 October; Saturday 10 October is a 调休 working day
    await h.db.query(
      `UPDATE cases SET due_at = $2, deadline_day = '2026-10-12', warned_at = NULL, overdue_at = NULL WHERE id = $1`,
      [c.id, next],
    );
    // The working day before Monday 12 is Saturday 10 (调休), so the warning is due at the end of that Saturday.
    expect(await sweepDeadlines(h.db, calendar, new Date('2026-10-10T15:00:00Z'))).toEqual({ warned: 0, overdue: 0 });
    expect(await sweepDeadlines(h.db, calendar, new Date('2026-10-10T16:30:00Z'))).toEqual({ warned: 1, overdue: 0 });
    expect((await outbox(c.id)).map((a) => a.key)).toContain(`deadline_warning:${c.id}:${next.toISOString()}`);
  });

  it('never warns a closed case nor marks it overdue', async () => {
    const closed = await insertCase(h, {
      evaluationId: evaluations[1],
      state: 'closed',
      dueAt,
      deadlineDay: '2026-10-08',
    });
    await sweepDeadlines(h.db, calendar, new Date('2026-10-20T00:00:00Z'));
    expect(await outbox(closed.id)).toEqual([]);
  });

  it('writes no digest on a day with nothing open and nothing new', async () => {
    await h.db.query("UPDATE cases SET state = 'closed' WHERE id = $1", [c.id]);
    expect(await writeDailyDigest(h.db, new Date('2026-10-19T00:00:00Z'))).toBeNull();
    await h.db.query("UPDATE cases SET state = 'assigned' WHERE id = $1", [c.id]);
    expect(await h.db.query("SELECT key FROM alert_outbox WHERE kind = 'daily_digest'")).toEqual([]);
  });

  it('writes the daily digest once a Beijing day, with its counts', async () => {
    const now = new Date('2026-10-20T00:00:00Z'); // 08:00 Beijing
    const first = await writeDailyDigest(h.db, now);
    await writeDailyDigest(h.db, new Date('2026-10-20T09:00:00Z'));
    const rows = await h.db.query<{ key: string; payload: Record<string, unknown> }>(
      "SELECT key, payload FROM alert_outbox WHERE kind = 'daily_digest'",
    );
    expect(rows.map((r) => r.key)).toEqual(['daily_digest:2026-10-20']);
    expect(first).toMatchObject({ day: '2026-10-20', open: 1, overdue: 1 });
    expect(rows[0]!.payload).toMatchObject({ day: '2026-10-20', open: 1, overdue: 1 });
  });

  it('keeps the delivery log 180 days and read notifications 90 days, and unread ones until read', async () => {
    const now = new Date('2026-12-01T00:00:00Z');
    const [account] = await h.db.query<{ id: string }>(
      `INSERT INTO accounts (id, username, display_name, role, password_hash)
       VALUES (gen_random_uuid(), 'prune-me', 'prune-me', 'handler', 'x') RETURNING id`,
    );
    const days = (n: number) => new Date(now.getTime() - n * 86_400_000);
    for (const [key, at] of [
      ['old', days(181)],
      ['kept', days(179)],
    ] as const) {
      await h.db.query(
        `INSERT INTO alert_deliveries (id, alert_key, kind, channel, target, attempt, status, duration_ms, at)
         VALUES (gen_random_uuid(), $1, 'overdue', 'webhook', 'hook', 1, 'delivered', 1, $2)`,
        [key, at],
      );
    }
    for (const [key, readAt] of [
      ['read-long-ago', days(91)],
      ['read-lately', days(89)],
      ['unread', null],
    ] as const) {
      await h.db.query(
        `INSERT INTO notifications (id, account_id, alert_key, kind, text, created_at, read_at)
         VALUES (gen_random_uuid(), $1, $2, 'overdue', 't', $3, $4)`,
        [account!.id, key, days(400), readAt],
      );
    }
    expect(await pruneAlerts(h.db, now)).toEqual({ deliveries: 1, notifications: 1 });
    expect(
      (await h.db.query<{ k: string }>('SELECT alert_key AS k FROM alert_deliveries ORDER BY 1')).map((r) => r.k),
    ).toEqual(['kept']);
    expect(
      (
        await h.db.query<{ k: string }>('SELECT alert_key AS k FROM notifications WHERE account_id = $1 ORDER BY 1', [
          account!.id,
        ])
      ).map((r) => r.k),
    ).toEqual(['read-lately', 'unread']);
  });
});
