/**
 * The 评价记录 page's API (`GET /api/v1/admin/evaluations`) and the statistics (`GET /api/v1/admin/stats`): their
 * queries and answers, declared once for the centre and the console. Rater identity is never part of either.
 * Runs everywhere (pure).
 */
import { z } from 'zod';
import { EVALUATION_GROUPS, EVALUATION_OUTCOMES } from './central-api.js';
import { CHANNELS, type Channel } from './channels.js';
import { codeSchema } from './device-config.js';
import { DaySchema, UuidSchema } from './ids.js';

/** A moment PostgreSQL can hold and this API means: a real day, or an ISO date-time, between years 1970 and 9999. */
const moment = z.iso
  .datetime({ offset: true })
  .refine((t) => {
    const ms = Date.parse(t);
    return Number.isFinite(ms) && ms >= 0 && ms < Date.UTC(10000, 0, 1);
  }, 'a date-time between 1970 and 9999')
  .or(DaySchema);

/** The most rows one page of evaluations may hold. */
export const EVALUATION_PAGE_MAX = 1000;

/**
 * Filters of the evaluation list (all optional, all combined with AND), and its keyset page: `cursor` is the
 * `nextCursor` of the page before, opaque. The list is ordered by invitation time, then id, either way. No
 * 办件编号 or ticket number is in it: they name the citizen (第五条). `from` is inclusive,
 * `to` exclusive.
 */
export const EvaluationQuery = z.strictObject({
  from: moment.optional(),
  to: moment.optional(),
  departmentCode: z.string().max(64).optional(),
  windowCode: z.string().max(64).optional(),
  staffNo: z.string().max(64).optional(),
  serviceItemCode: codeSchema.optional(),
  deviceId: UuidSchema.optional(),
  /** The level rated (1 非常不满意 … 5 非常满意); only rated evaluations have one. */
  satisfaction: z.coerce.number().int().min(1).max(5).optional(),
  channel: z.enum(CHANNELS).optional(),
  outcome: z.enum(EVALUATION_OUTCOMES).optional(),
  /** Only the evaluations whose staff number the centre did not know (`true`), or only the others. */
  staffUnknown: z.enum(['true', 'false']).optional(),
  /** The evaluations that carried this item code, one the catalogue does not hold (未知事项, not yet mapped). */
  unknownItemCode: z.string().min(1).max(64).optional(),
  /** Oldest first (`asc`, the default: what an integration reading everything wants) or newest first (the page). */
  order: z.enum(['asc', 'desc']).default('asc'),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(EVALUATION_PAGE_MAX).default(100),
});
export type EvaluationQuery = z.infer<typeof EvaluationQuery>;

/** One row of the evaluation list. */
export interface EvaluationListItem {
  id: string;
  /** The kiosk it came from; null for a rating channel's (docs/channels.md) and for a 7-day default. */
  deviceId: string | null;
  channel: Channel;
  /** A kiosk's mode; `channel` for a rating channel's, `default` for the 7-day default of 第八条. */
  mode: 'window' | 'terminal' | 'channel' | 'default';
  outcome: (typeof EVALUATION_OUTCOMES)[number];
  satisfaction: 1 | 2 | 3 | 4 | 5 | null;
  source: string | null;
  invitedAt: string;
  endedAt: string;
  clockOffsetMs: number | null;
  staffNo: string | null;
  windowCode: string | null;
  departmentCode: string | null;
  serviceItemCode: string | null;
  /** The item code it carried when the catalogue did not hold it (未知事项); kept after an admin maps it. */
  unknownItemCode: string | null;
  staffUnknown: boolean;
  /** The technician's local key map the rating was pressed under, or null (the centre's). */
  localKeyMap: number[] | null;
  /** Its 差评 case was found 无效评价 (issue 16): kept and shown, left out of every satisfaction figure. */
  invalid: boolean;
}

/** A page of the evaluation list: `nextCursor` is null on the last page. */
export interface EvaluationPage {
  items: EvaluationListItem[];
  nextCursor: string | null;
}

/** The statistics' period (`from` inclusive, `to` exclusive) and grouping. */
export const StatsQuery = z.strictObject({
  from: moment.optional(),
  to: moment.optional(),
  groupBy: z.enum(EVALUATION_GROUPS).default('department'),
});
export type StatsQuery = z.infer<typeof StatsQuery>;

/**
 * One group of the statistics: counts per level, invitations and how they ended, `cancelRate` over invitations and
 * `badRate` over rated ones (src/shared/figures.ts), and the group's stray presses (null when grouping by service
 * item: a stray press has none). `key` is null for the group with no department, window, staff or item. A rating
 * found 无效评价 is in none of the counts of levels, `rated` or `bad`: it is counted in `invalid` alone (and among
 * the invitations).
 */
export interface StatsRow {
  key: string | null;
  counts: Record<1 | 2 | 3 | 4 | 5, number>;
  invitations: number;
  rated: number;
  unrated: number;
  cancelled: number;
  cancelRate: number | null;
  bad: number;
  badRate: number | null;
  /** Ratings found 无效评价 (issue 16), outside every other count but `invitations`. */
  invalid: number;
  /** 默认评价: the 7-day defaults of 第八条 (channel `system_default`), among `rated` and `counts[3]`; the rest is 主动评价. */
  defaulted: number;
  strayPresses: number | null;
}

/** The answer of `GET /api/v1/admin/stats`. */
export interface StatsResponse {
  groupBy: (typeof EVALUATION_GROUPS)[number];
  groups: StatsRow[];
}
