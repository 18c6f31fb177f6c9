/**
 * Working days (工作日) in Beijing, with holidays and 调休 (issue 16): a weekday is a working day and a weekend day
 * is not, unless the calendar says otherwise for that day. The calendar covers whole years: for a year it does not
 * cover nothing is known of its holidays, so a deadline that counts through one says so (`uncovered`). The centre
 * builds it from its `calendar_days` table (seeded from the `chinese-days` package, edited by an admin). Runs
 * everywhere (pure): the deadlines of src/shared/cases.ts are computed with it, by the centre and in tests.
 */

/** A Beijing calendar day, `YYYY-MM-DD`. */
export type Day = string;
export type DayKind = 'holiday' | 'workday';

export interface CalendarDay {
  day: Day;
  /** `holiday`: a day off (a weekday holiday or a weekend in the holiday); `workday`: a 调休 weekend worked. */
  kind: DayKind;
  name: string;
}

/** Beijing is UTC+8 all year (no summer time). */
const BEIJING_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/** The Beijing day of an instant. */
export function beijingDay(at: Date): Day {
  return new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a Beijing day ends (the next day's 00:00 Beijing): a deadline on `day` is due then. */
export function endOfBeijingDay(day: Day): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - BEIJING_OFFSET_MS + DAY_MS);
}

const nextDay = (day: Day, by = 1): Day =>
  new Date(Date.parse(`${day}T00:00:00Z`) + by * DAY_MS).toISOString().slice(0, 10);
const weekday = (day: Day) => new Date(`${day}T00:00:00Z`).getUTCDay();
export const yearOf = (day: Day) => Number(day.slice(0, 4));

export interface Deadline {
  /** The last working day: the deadline is the end of it (Beijing). */
  day: Day;
  dueAt: Date;
  /** Counting went through a year the calendar does not cover: weekends only were skipped there. */
  uncovered: boolean;
  /** The years counted through that the calendar lacks. */
  uncoveredYears: number[];
}

export class WorkCalendar {
  private readonly days: ReadonlyMap<Day, DayKind>;
  private readonly years: ReadonlySet<number>;

  constructor(days: readonly Pick<CalendarDay, 'day' | 'kind'>[], coveredYears: Iterable<number>) {
    this.days = new Map(days.map((d) => [d.day, d.kind]));
    this.years = new Set(coveredYears);
  }

  covers(year: number): boolean {
    return this.years.has(year);
  }

  coveredYears(): number[] {
    return [...this.years].sort((a, b) => a - b);
  }

  isWorkday(day: Day): boolean {
    const kind = this.days.get(day);
    if (kind) return kind === 'workday';
    const w = weekday(day);
    return w !== 0 && w !== 6;
  }

  /**
   * The deadline `workingDays` working days after `from`: the end of the Nth working day after `from`'s Beijing
   * day; with 0, the end of that day if it is a working day, else of the next working day.
   */
  deadline(from: Date, workingDays: number): Deadline {
    let day = beijingDay(from);
    const uncovered = new Set<number>();
    const note = (d: Day) => {
      if (!this.years.has(yearOf(d))) uncovered.add(yearOf(d));
    };
    note(day);
    while (!this.isWorkday(day)) {
      day = nextDay(day);
      note(day);
    }
    for (let left = workingDays; left > 0;) {
      day = nextDay(day);
      note(day);
      if (this.isWorkday(day)) left--;
    }
    const uncoveredYears = [...uncovered].sort((a, b) => a - b);
    return { day, dueAt: endOfBeijingDay(day), uncovered: uncoveredYears.length > 0, uncoveredYears };
  }

  /**
   * When the warning of a deadline is due: the start of its last working day (the end of the working day before
   * it), so that the handler is told one working day ahead.
   */
  warnAt(deadline: Pick<Deadline, 'day'>): Date {
    let day = nextDay(deadline.day, -1);
    for (let guard = 0; guard < 60 && !this.isWorkday(day); guard++) day = nextDay(day, -1);
    return endOfBeijingDay(day);
  }

  /** Working days from `from`'s day (exclusive) to `to`'s day (inclusive); negative when `to` is before. */
  workingDaysBetween(from: Date, to: Date): number {
    const a = beijingDay(from);
    const b = beijingDay(to);
    if (a === b) return 0;
    const [start, end, sign] = a < b ? [a, b, 1] : [b, a, -1];
    let n = 0;
    for (let day = nextDay(start); day <= end; day = nextDay(day)) if (this.isWorkday(day)) n++;
    return sign * n;
  }
}

/**
 * Whether the calendar should warn that next year is missing: from 1 November (Beijing), when next year is not
 * covered. The State Council publishes the next year's arrangement around then.
 */
export function missingNextYear(calendar: WorkCalendar, now: Date): number | null {
  const today = beijingDay(now);
  const next = yearOf(today) + 1;
  return today.slice(5) >= '11-01' && !calendar.covers(next) ? next : null;
}
