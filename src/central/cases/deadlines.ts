/**
 * The deadline of each state of a case (issue 16), in working days: DEFAULT_DEADLINES (src/shared/cases.ts) with
 * an admin's changes (`case_deadlines`), counted on the centre's working-day calendar (CalendarCache). A state's
 * deadline counts from when the case entered it, except `rectifying`, which counts from the case's creation the
 * first time (15 WD to rectify, whatever the steps before took) and from the reopening when 复核 sends the case
 * back (else a reopened case would be overdue the moment it is reopened). An approved extension replaces the
 * deadline by its `newDueDay`. Runs in Node.
 */
import { DEFAULT_DEADLINES, DEADLINE_STATES, type CaseState } from '../../shared/cases.js';
import { endOfBeijingDay, yearOf, type WorkCalendar } from '../../shared/work-calendar.js';
import type { Queryable } from '../db/database.js';

/** Working days per state that has a deadline. */
export type DeadlineTable = Readonly<Partial<Record<CaseState, number>>>;

/** A case's deadline as stored (cases.due_at, deadline_day, deadline_uncovered). */
export interface StoredDeadline {
  dueAt: Date | null;
  day: string | null;
  uncovered: boolean;
}

export const NO_DEADLINE: StoredDeadline = { dueAt: null, day: null, uncovered: false };

export async function loadDeadlines(db: Queryable): Promise<DeadlineTable> {
  const rows = await db.query<{ state: string; working_days: number }>(
    'SELECT state, working_days FROM case_deadlines',
  );
  const table: Partial<Record<CaseState, number>> = {};
  for (const state of DEADLINE_STATES) table[state] = DEFAULT_DEADLINES[state]!.workingDays;
  for (const row of rows) {
    if ((DEADLINE_STATES as string[]).includes(row.state)) table[row.state as CaseState] = row.working_days;
  }
  return table;
}

/** The table in memory: read once, and again after `invalidate` (PATCH /case-deadlines through this process). */
export class DeadlinesCache {
  private loading: Promise<DeadlineTable> | undefined;

  constructor(private readonly db: Queryable) {}

  get(): Promise<DeadlineTable> {
    this.loading ??= loadDeadlines(this.db).catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  invalidate(): void {
    this.loading = undefined;
  }
}

/**
 * The deadline of `state` for a case entering it at `enteredAt`; `createdAt` for `rectifying` the first time
 * (`fromCreation`). A state without a deadline (回访, the terminal states) has none.
 */
export function stateDeadline(
  calendar: WorkCalendar,
  table: DeadlineTable,
  state: CaseState,
  at: { enteredAt: Date; createdAt: Date; fromCreation?: boolean },
): StoredDeadline {
  const workingDays = table[state];
  const rule = DEFAULT_DEADLINES[state];
  if (workingDays === undefined || !rule) return NO_DEADLINE;
  const from = rule.from === 'created' && at.fromCreation !== false ? at.createdAt : at.enteredAt;
  const d = calendar.deadline(from, workingDays);
  return { dueAt: d.dueAt, day: d.day, uncovered: d.uncovered };
}

/** An approved extension's deadline: the end of its `newDueDay` (Beijing). */
export function extensionDeadline(calendar: WorkCalendar, newDueDay: string): StoredDeadline {
  return { dueAt: endOfBeijingDay(newDueDay), day: newDueDay, uncovered: !calendar.covers(yearOf(newDueDay)) };
}
