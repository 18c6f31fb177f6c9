/**
 * The centre's working-day calendar (issue 16): the `calendar_days` and `calendar_years` tables, seeded at start
 * from the `chinese-days` package (holidays and 调休 as the State Council publishes them; its data ends with the
 * last year it ships) and edited by an admin for what the package lacks (next year's arrangement, a local
 * closure). A row an admin wrote is never overwritten by the package. Deadlines are computed with the
 * `WorkCalendar` this builds (src/shared/work-calendar.ts), held in memory and read again after a change. Runs in
 * Node.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { WorkCalendar, type CalendarDay } from '../../shared/work-calendar.js';
import type { Queryable } from '../db/database.js';

/** The package's data: day → "English name,中文名,n", per kind. */
interface PackageData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

/** The days and years the installed chinese-days ships. */
export function packageCalendar(): { days: CalendarDay[]; years: number[] } {
  const file = createRequire(import.meta.url).resolve('chinese-days/dist/chinese-days.json');
  const data = JSON.parse(readFileSync(file, 'utf8')) as PackageData;
  const days: CalendarDay[] = [];
  const years = new Set<number>();
  for (const [kind, entries] of [
    ['holiday', data.holidays],
    ['workday', data.workdays],
  ] as const) {
    for (const [day, label] of Object.entries(entries)) {
      days.push({ day, kind, name: label.split(',')[1] ?? label });
      years.add(Number(day.slice(0, 4)));
    }
  }
  return { days, years: [...years].sort((a, b) => a - b) };
}

/** Writes the package's years and days the table lacks; an admin's rows stay as they are. Idempotent. */
export async function seedCalendar(db: Queryable): Promise<void> {
  const { days, years } = packageCalendar();
  await db.query(
    `INSERT INTO calendar_years (year, source) SELECT y, 'package' FROM unnest($1::int[]) AS y
     ON CONFLICT (year) DO NOTHING`,
    [years],
  );
  await db.query(
    `INSERT INTO calendar_days (day, kind, name, source)
     SELECT d, k, n, 'package' FROM unnest($1::date[], $2::text[], $3::text[]) AS x (d, k, n)
     ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name, updated_at = now()
       WHERE calendar_days.source = 'package' AND (calendar_days.kind, calendar_days.name) <> (excluded.kind, excluded.name)`,
    [days.map((d) => d.day), days.map((d) => d.kind), days.map((d) => d.name)],
  );
}

export async function loadCalendar(db: Queryable): Promise<WorkCalendar> {
  const [days, years] = await Promise.all([
    db.query<{ day: string; kind: 'holiday' | 'workday' }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, kind FROM calendar_days`,
    ),
    db.query<{ year: number }>('SELECT year FROM calendar_years'),
  ]);
  return new WorkCalendar(
    days,
    years.map((y) => y.year),
  );
}

/** The calendar in memory: read once, and again after `invalidate` (an admin's change through this process). */
export class CalendarCache {
  private loading: Promise<WorkCalendar> | undefined;

  constructor(private readonly db: Queryable) {}

  get(): Promise<WorkCalendar> {
    this.loading ??= loadCalendar(this.db).catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  invalidate(): void {
    this.loading = undefined;
  }
}
