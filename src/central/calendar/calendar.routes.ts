/**
 * The working-day calendar's admin routes (issue 16): its status (which years it covers, and from 1 November the
 * next year it lacks), a year's days, and an admin's changes: one day (a local closure, a 调休 day), its removal
 * (back to the package's day, or to the weekday rule), and a whole year's arrangement, which makes the year covered.
 * Every change is audited (calendar.updated) and read again by the deadlines (`calendar.invalidate()`). Runs in Node.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError, pathParams } from '../../common/http.js';
import { CalendarDayPut, CalendarYearPut, type CalendarStatus } from '../../shared/cases-api.js';
import { DaySchema } from '../../shared/ids.js';
import { missingNextYear, type CalendarDay } from '../../shared/work-calendar.js';
import { auditWithin } from '../audit/audit.routes.js';
import type { CentralDb, Queryable } from '../db/database.js';
import { ADMIN_SECURITY } from '../openapi-docs.js';
import { packageCalendar, type CalendarCache } from './calendar.js';

const YearSchema = z.coerce.number().int().min(2000).max(2100);
const YearQuery = z.strictObject({ year: YearSchema.optional() });
const DayParam = pathParams(z.strictObject({ day: DaySchema }), 'no such day');
const YearParam = pathParams(z.strictObject({ year: YearSchema }), 'no such year');

type StoredDay = CalendarDay & { source: 'package' | 'admin' };

const dayRow = async (q: Queryable, day: string): Promise<StoredDay | null> =>
  (
    await q.query<StoredDay>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, kind, name, source FROM calendar_days WHERE day = $1`,
      [day],
    )
  )[0] ?? null;

export async function calendarStatus(calendar: CalendarCache, now = new Date()): Promise<CalendarStatus> {
  const c = await calendar.get();
  return { coveredYears: c.coveredYears(), missingNextYear: missingNextYear(c, now) };
}

export function registerCalendarRoutes(
  scope: FastifyInstance,
  context: { db: CentralDb; calendar: CalendarCache },
): void {
  const { db, calendar } = context;
  const r = scope.withTypeProvider<ZodTypeProvider>();
  const docs = { tags: ['calendar'], security: ADMIN_SECURITY };

  r.get(
    '/calendar/status',
    { schema: { ...docs, summary: 'The years the working-day calendar covers, and the next one it lacks' } },
    async () => calendarStatus(calendar),
  );
  r.get(
    '/calendar',
    {
      schema: {
        ...docs,
        summary: 'A year’s holidays and 调休 workdays (工作日历), and whether the year is covered',
        querystring: YearQuery,
      },
    },
    async (request) => {
      const year = request.query.year ?? new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
      const [days, covered] = await Promise.all([
        db.query<StoredDay>(
          `SELECT to_char(day, 'YYYY-MM-DD') AS day, kind, name, source FROM calendar_days
            WHERE day >= make_date($1, 1, 1) AND day < make_date($1 + 1, 1, 1) ORDER BY day`,
          [year],
        ),
        db.query<{ source: string }>('SELECT source FROM calendar_years WHERE year = $1', [year]),
      ]);
      return { year, covered: covered.length > 0, source: covered[0]?.source ?? null, days };
    },
  );
  r.put(
    '/calendar/days/:day',
    {
      schema: {
        ...docs,
        summary: 'Set one day: a holiday (day off) or a workday (调休, a weekend worked); kept over the package',
        params: DayParam,
        body: CalendarDayPut,
      },
    },
    async (request) => {
      const { day } = request.params;
      const after = await db.transaction(async (tx) => {
        const before = await dayRow(tx, day);
        await tx.query(
          `INSERT INTO calendar_days (day, kind, name, source) VALUES ($1, $2, $3, 'admin')
           ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name, source = 'admin',
             updated_at = now()`,
          [day, request.body.kind, request.body.name],
        );
        const after = (await dayRow(tx, day))!;
        await auditWithin(tx, request, 'calendar.updated', `calendar:${day}`, { day, before, after });
        return after;
      });
      calendar.invalidate();
      return after;
    },
  );
  r.delete(
    '/calendar/days/:day',
    {
      schema: {
        ...docs,
        summary: 'Undo an admin’s day: back to the package’s day where it has one, else to the weekday rule',
        params: DayParam,
      },
    },
    async (request) => {
      const { day } = request.params;
      const shipped = packageCalendar().days.find((d) => d.day === day) ?? null;
      const after = await db.transaction(async (tx) => {
        const before = await dayRow(tx, day);
        if (!before || before.source !== 'admin') {
          throw new HttpError(404, 'not_found', `no day of an admin's on ${day}`);
        }
        if (shipped) {
          await tx.query(
            `UPDATE calendar_days SET kind = $2, name = $3, source = 'package', updated_at = now() WHERE day = $1`,
            [day, shipped.kind, shipped.name],
          );
        } else {
          await tx.query('DELETE FROM calendar_days WHERE day = $1', [day]);
        }
        const after = await dayRow(tx, day);
        await auditWithin(tx, request, 'calendar.updated', `calendar:${day}`, { day, before, after });
        return after;
      });
      calendar.invalidate();
      return { day, restored: after };
    },
  );
  r.put(
    '/calendar/years/:year',
    {
      schema: {
        ...docs,
        summary: 'Enter a year’s arrangement (国务院办公厅 notice): its holidays and 调休 days; the year is covered',
        params: YearParam,
        body: CalendarYearPut,
      },
    },
    async (request) => {
      const { year } = request.params;
      const days = request.body.days;
      const outside = days.find((d) => Number(d.day.slice(0, 4)) !== year);
      if (outside) throw new HttpError(400, 'invalid_input', `${outside.day} is not in ${year}`);
      if (new Set(days.map((d) => d.day)).size !== days.length) {
        throw new HttpError(400, 'invalid_input', 'a day is listed twice');
      }
      const result = await db.transaction(async (tx) => {
        const [known] = await tx.query<{ source: string }>(
          'SELECT source FROM calendar_years WHERE year = $1 FOR UPDATE',
          [year],
        );
        if (known?.source === 'package') {
          throw new HttpError(409, 'conflict', `${year} comes from the calendar package: change its days one by one`);
        }
        const removed = await tx.query(
          `DELETE FROM calendar_days WHERE day >= make_date($1, 1, 1) AND day < make_date($1 + 1, 1, 1) RETURNING day`,
          [year],
        );
        await tx.query(
          `INSERT INTO calendar_days (day, kind, name, source)
           SELECT d, k, n, 'admin' FROM unnest($1::date[], $2::text[], $3::text[]) AS x (d, k, n)`,
          [days.map((d) => d.day), days.map((d) => d.kind), days.map((d) => d.name)],
        );
        await tx.query(`INSERT INTO calendar_years (year, source) VALUES ($1, 'admin') ON CONFLICT (year) DO NOTHING`, [
          year,
        ]);
        await auditWithin(tx, request, 'calendar.updated', `calendar:${year}`, {
          year,
          replaced: removed.length,
          holidays: days.filter((d) => d.kind === 'holiday').length,
          workdays: days.filter((d) => d.kind === 'workday').length,
        });
        return { year, covered: true, days: days.length };
      });
      calendar.invalidate();
      return result;
    },
  );
}
