/**
 * Integration (real PostgreSQL, the calendar seeded from chinese-days): the calendar's admin routes — its status
 * and the next year it lacks from 1 November, a year's days, an admin's day kept over the package and undone back
 * to it, a missing year entered (then covered, read again by the deadlines' cache), each change audited, and only
 * an admin may change it; and the log's warning at start from 1 November.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { Sealer } from '../../common/data-key.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalendarStatus } from '../../shared/cases-api.js';
import { createAlerts } from '../alerts/alerts.js';
import { accountWithSession, type Session } from '../alerts/test-support/cases-fixture.js';
import { ADMIN_TOKEN, startHarness, type Harness } from '../test-support/api-harness.js';
import { CalendarCache, seedCalendar } from './calendar.js';
import { calendarStatus } from './calendar.routes.js';

interface YearAnswer {
  year: number;
  covered: boolean;
  days: { day: string; kind: string; name: string; source: string }[];
}

describe('the working-day calendar’s routes', () => {
  let h: Harness;
  let handler: Session;
  const as = (method: 'GET' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    h.app.inject({
      method,
      url: `/api/v1/admin${url}`,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: payload as object,
    });
  const year = async (y: number) => (await as('GET', `/calendar?year=${y}`)).json<YearAnswer>();

  beforeAll(async () => {
    h = await startHarness();
    handler = await accountWithSession(h, 'handler-cal', 'handler', ['SCJG']);
  });
  afterAll(() => h.close());

  it('says which years it covers, and from 1 November (Beijing) that next year is missing', async () => {
    const cache = new CalendarCache(h.db);
    expect(await calendarStatus(cache, new Date('2026-10-31T15:59:00Z'))).toMatchObject({ missingNextYear: null });
    expect(await calendarStatus(cache, new Date('2026-10-31T16:00:00Z'))).toMatchObject({ missingNextYear: 2027 });
    const status = (await handler.request('GET', '/calendar/status')).json<CalendarStatus>();
    expect(status.coveredYears).toContain(2026);
    expect(status.coveredYears).not.toContain(2027);
  });

  it('answers a year’s holidays and 调休 workdays from the package', async () => {
    const y = await year(2026);
    expect(y.covered).toBe(true);
    const days = new Map(y.days.map((d) => [d.day, d]));
    expect(days.get('2026-10-01')).toMatchObject({ kind: 'holiday', source: 'package' });
    expect(days.get('2026-10-07')).toMatchObject({ kind: 'holiday' });
    expect(days.get('2026-10-10')).toMatchObject({ kind: 'workday' });
    expect((await year(2027)).covered).toBe(false);
    expect((await as('GET', '/calendar?year=1999')).statusCode).toBe(400);
  });

  it('keeps an admin’s day over the package, audited, and undoes it back to the package’s day', async () => {
    const put = await as('PUT', '/calendar/days/2026-10-10', { kind: 'holiday', name: '本地闭厅' });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toEqual({ day: '2026-10-10', kind: 'holiday', name: '本地闭厅', source: 'admin' });
    // A new start seeds the package again: the admin's row stays.
    await seedCalendar(h.db);
    expect((await year(2026)).days.find((d) => d.day === '2026-10-10')).toMatchObject({
      kind: 'holiday',
      source: 'admin',
    });
    const undo = await as('DELETE', '/calendar/days/2026-10-10');
    expect(undo.statusCode, undo.body).toBe(200);
    expect((await year(2026)).days.find((d) => d.day === '2026-10-10')).toMatchObject({
      kind: 'workday',
      source: 'package',
    });
    // A day of the admin's own with no package day goes, and the weekday rule applies again.
    await as('PUT', '/calendar/days/2026-11-18', { kind: 'holiday', name: '本地闭厅' });
    await as('DELETE', '/calendar/days/2026-11-18');
    expect((await year(2026)).days.some((d) => d.day === '2026-11-18')).toBe(false);
    expect((await as('DELETE', '/calendar/days/2026-11-18')).statusCode).toBe(404);
    const audit = await h.db.query<{ target: string }>(
      "SELECT target FROM audit_log WHERE action = 'calendar.updated' ORDER BY seq",
    );
    expect(audit.map((a) => a.target)).toEqual([
      'calendar:2026-10-10',
      'calendar:2026-10-10',
      'calendar:2026-11-18',
      'calendar:2026-11-18',
    ]);
  });

  it('enters a missing year, which becomes covered for the deadlines at once', async () => {
    const days = [
      { day: '2027-01-01', kind: 'holiday', name: '元旦' },
      { day: '2027-02-06', kind: 'workday', name: '春节调休' },
      { day: '2027-02-08', kind: 'holiday', name: '春节' },
    ];
    const res = await as('PUT', '/calendar/years/2027', { days });
    expect(res.statusCode, res.body).toBe(200);
    const y = await year(2027);
    expect(y.covered).toBe(true);
    expect(y.days.map((d) => [d.day, d.kind, d.source])).toEqual([
      ['2027-01-01', 'holiday', 'admin'],
      ['2027-02-06', 'workday', 'admin'],
      ['2027-02-08', 'holiday', 'admin'],
    ]);
    // The server's own cache was invalidated: its status says 2027 is covered.
    const status = (await as('GET', '/calendar/status')).json<CalendarStatus>();
    expect(status.coveredYears).toContain(2027);
    expect(status.missingNextYear).toBeNull();
    // Entered again, the year is replaced, not added to.
    await as('PUT', '/calendar/years/2027', { days: days.slice(0, 1) });
    expect((await year(2027)).days).toHaveLength(1);
  });

  it('refuses what is not a calendar change an admin may make, with a clear 4xx', async () => {
    const outside = await as('PUT', '/calendar/years/2028', {
      days: [{ day: '2029-01-01', kind: 'holiday', name: '元旦' }],
    });
    expect(outside.statusCode).toBe(400);
    expect(outside.json<{ message: string }>().message).toMatch(/not in 2028/);
    const twice = [
      { day: '2028-01-01', kind: 'holiday', name: '元旦' },
      { day: '2028-01-01', kind: 'holiday', name: '元旦' },
    ];
    expect((await as('PUT', '/calendar/years/2028', { days: twice })).statusCode).toBe(400);
    expect((await as('PUT', '/calendar/years/2026', { days: [] })).statusCode).toBe(409);
    expect((await as('PUT', '/calendar/days/2026-13-01', { kind: 'holiday', name: 'x' })).statusCode).toBe(404);
    expect((await as('PUT', '/calendar/days/2026-12-01', { kind: 'weekend', name: 'x' })).statusCode).toBe(400);
    expect((await handler.request('PUT', '/calendar/days/2026-12-01', { kind: 'holiday', name: 'x' })).statusCode).toBe(
      403,
    );
    expect((await handler.request('GET', '/calendar?year=2026')).statusCode).toBe(200);
  });
});

describe('the calendar’s warning in the log', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.app.close();
  });
  afterAll(() => h.close());

  const warningsAt = async (now: string) => {
    const warnings: { year?: number; msg: string }[] = [];
    const logger = {
      child: () => logger,
      warn: (obj: { year?: number }, msg: string) => warnings.push({ ...obj, msg }),
      error: () => undefined,
      info: () => undefined,
      debug: () => undefined,
    } as unknown as FastifyBaseLogger;
    const alerts = createAlerts({
      db: h.db,
      logger,
      calendar: new CalendarCache(h.db),
      sealer: Sealer.fromBase64(randomBytes(32).toString('base64')),
      tuning: { now: () => new Date(now) },
    });
    await alerts.start();
    await alerts.stop();
    return warnings;
  };

  it('warns at start from 1 November (Beijing) when next year is missing, and not before', async () => {
    expect(await warningsAt('2026-10-31T15:00:00Z')).toEqual([]);
    const warned = await warningsAt('2026-11-01T01:00:00Z');
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ year: 2027 });
    expect(warned[0]!.msg).toContain('工作日历缺少 2027 年');
  });
});
