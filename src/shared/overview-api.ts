/**
 * 总览, the console's first page (`GET /api/v1/admin/overview`): today's and this month's ratings, the fleet's
 * state and its oldest undelivered record, over what the caller may see (a handler: its departments). Days and
 * months are the centre's, in CENTRE_TIME_ZONE. Runs everywhere (pure).
 */

/** The time zone of the centre's days ("today", "this month"): China Standard Time. */
export const CENTRE_TIME_ZONE = 'Asia/Shanghai';

/**
 * The figures of one period, by invitation time. Rates from src/shared/figures.ts (null when nothing is rated). A
 * rating found 无效评价 (issue 16) is left out of every figure but `invalid`.
 */
export interface PeriodFigures {
  /** Rated invitations per level (5 非常满意 … 1 非常不满意). */
  byLevel: Record<1 | 2 | 3 | 4 | 5, number>;
  rated: number;
  unrated: number;
  cancelled: number;
  /** 差评: levels 1 and 2. */
  bad: number;
  /** 满意率: levels 5, 4 and 3 over rated (`satisfactionRate`). */
  satisfactionRate: number | null;
  /** 差评率: `bad` over rated (`badRate`). */
  badRate: number | null;
  /** Ratings whose 差评 case was found 无效评价: kept, flagged and counted here alone. */
  invalid: number;
}

export interface Overview {
  /** When the figures were read (the centre's clock). */
  asOf: string;
  /** From the start of today in CENTRE_TIME_ZONE. */
  today: PeriodFigures;
  /** From the first of this month in CENTRE_TIME_ZONE. */
  month: PeriodFigures;
  /** The kiosks by status (src/shared/fleet-api.ts): online and offline from their heartbeats. */
  devices: { online: number; offline: number; revoked: number };
  /** The oldest record still waiting on a kiosk to be delivered (the oldest `oldestPendingAt` of the kiosks not
   *  revoked, as their last heartbeats said), or null when every kiosk has delivered everything. */
  oldestPendingAt: string | null;
}
