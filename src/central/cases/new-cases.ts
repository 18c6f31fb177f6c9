/**
 * The case of a 差评, made by ingest (src/central/ingest.ts) in the statement that writes its evaluation (issue 16):
 * every new evaluation rated 1 or 2 makes exactly one case, its `created` event and its `case_created` alert in
 * the outbox — all in that one statement, so atomic with the evaluation without a transaction of its own. The
 * outbox row is the one enqueueAlerts (src/central/alerts/outbox.ts) would write (key `case_created:<caseId>`,
 * the payload contract of docs/alerts.md, ON CONFLICT (key) DO NOTHING), written in SQL because a batch's
 * transaction and a second statement cost 10 % of the ingest's throughput (bench/case-ingest.ts). Exactly once rests
 * on the database: the case is written only for an evaluation new in the `records` ledger of that very statement,
 * and `cases.evaluation_id` is unique, so a record delivered twice, or reconciled again, makes no second case.
 *
 * Routing: the responsible department is the service item's (looked up in SQL, so no query of its own), else the
 * department of the evaluation's window at the time it was made; with neither, the case waits in 待分派 (triage).
 * The case holds codes only: never the rater's identity, the phone or the comment (they stay sealed or on the
 * evaluation's follow-up). Runs in Node.
 */
import { uuidv7 } from '../../common/ids.js';
import type { WireRecord } from '../../shared/wire-records.js';
import { beijingDay, type WorkCalendar } from '../../shared/work-calendar.js';
import type { CalendarCache } from '../calendar/calendar.js';
import { windowDepartmentAt, type Catalogue } from '../scope.js';
import { stateDeadline, type DeadlinesCache, type DeadlineTable } from './deadlines.js';

/** What ingest needs to open cases: the calendar and the deadlines, read only for a batch that has a 差评. */
export interface CaseIngest {
  calendar: CalendarCache;
  deadlines: DeadlinesCache;
  /** When a case is created (the centre's clock). */
  clock: () => Date;
}

type Evaluation = Extract<WireRecord, { kind: 'evaluation' }>;

/** A 差评: rated 不满意 (2) or 非常不满意 (1). */
export const isBadRating = (r: WireRecord): r is Evaluation =>
  r.kind === 'evaluation' && r.outcome === 'rated' && r.satisfaction !== null && r.satisfaction <= 2;

/** The 差评 of a batch, with everything about their cases that is known before the statement runs. */
export interface NewCases {
  createdAt: Date;
  evaluationIds: string[];
  caseIds: string[];
  eventIds: string[];
  alertIds: string[];
  windowDepartments: (string | null)[];
  triage: DeadlineColumns;
  assigned: DeadlineColumns;
}

interface DeadlineColumns {
  dueAt: (Date | null)[];
  day: (string | null)[];
  uncovered: boolean[];
}

export function newCases(
  records: readonly WireRecord[],
  catalogue: Catalogue,
  clockOffsetMs: number | null,
  calendar: WorkCalendar,
  table: DeadlineTable,
  createdAt = new Date(),
): NewCases | null {
  const bad = records.filter(isBadRating);
  if (bad.length === 0) return null;
  const columns = (): DeadlineColumns => ({ dueAt: [], day: [], uncovered: [] });
  const out: NewCases = {
    createdAt,
    evaluationIds: [],
    caseIds: [],
    eventIds: [],
    alertIds: [],
    windowDepartments: [],
    triage: columns(),
    assigned: columns(),
  };
  // Both deadlines are the same for every case of the batch: only the state (known in SQL) picks one.
  const at = { enteredAt: createdAt, createdAt };
  const triage = stateDeadline(calendar, table, 'triage', at);
  const assigned = stateDeadline(calendar, table, 'assigned', at);
  for (const r of bad) {
    out.evaluationIds.push(r.id);
    out.caseIds.push(uuidv7());
    out.eventIds.push(uuidv7());
    out.alertIds.push(uuidv7());
    out.windowDepartments.push(
      windowDepartmentAt(catalogue, r.windowCode, Date.parse(r.invitedAt) + (clockOffsetMs ?? 0)),
    );
    for (const [cols, d] of [
      [out.triage, triage],
      [out.assigned, assigned],
    ] as const) {
      cols.dueAt.push(d.dueAt);
      cols.day.push(d.day);
      cols.uncovered.push(d.uncovered);
    }
  }
  return out;
}

/**
 * The part of the evaluation statement that writes the cases: `ev` is the CTE of the evaluations just written
 * (RETURNING id, service_item_code, satisfaction, channel, window_code, staff_no); the parameters start at
 * `$first`. The statement then returns each new evaluation's id and, for a 差评, its case.
 */
export function caseStatementTail(cases: NewCases, first: number): { sql: string; params: unknown[] } {
  const p = (i: number) => `$${first + i}`;
  const sql = `,
    nc AS MATERIALIZED (
      SELECT c.case_id, c.event_id, c.alert_id, ev.id AS evaluation_id, ev.satisfaction, ev.channel, ev.window_code, ev.staff_no,
             ev.service_item_code, d.department_code,
             CASE WHEN d.department_code IS NULL THEN 'triage' ELSE 'assigned' END AS state,
             CASE WHEN d.department_code IS NULL THEN c.triage_due ELSE c.assigned_due END AS due_at,
             CASE WHEN d.department_code IS NULL THEN c.triage_day ELSE c.assigned_day END AS deadline_day,
             CASE WHEN d.department_code IS NULL THEN c.triage_uncovered ELSE c.assigned_uncovered END AS uncovered,
             nextval('case_number_seq') AS n
        FROM ev
        JOIN unnest(${p(0)}::uuid[], ${p(1)}::uuid[], ${p(2)}::uuid[], ${p(3)}::text[], ${p(4)}::timestamptz[],
                    ${p(5)}::date[], ${p(6)}::boolean[], ${p(7)}::timestamptz[], ${p(8)}::date[], ${p(9)}::boolean[],
                    ${p(12)}::uuid[])
          AS c (evaluation_id, case_id, event_id, window_department, triage_due, triage_day, triage_uncovered,
                assigned_due, assigned_day, assigned_uncovered, alert_id)
          ON c.evaluation_id = ev.id
        LEFT JOIN service_items si ON si.code = ev.service_item_code
        CROSS JOIN LATERAL (SELECT coalesce(si.department_code, c.window_department) AS department_code) d),
    cs AS (
      INSERT INTO cases (id, number, evaluation_id, state, satisfaction, channel, department_code, window_code,
                         staff_no, service_item_code, created_at, state_entered_at, due_at, deadline_day,
                         deadline_uncovered, updated_at)
      SELECT case_id, ${p(11)}::text || '-' || lpad(n::text, greatest(4, length(n::text)), '0'), evaluation_id, state,
             satisfaction, channel, department_code, window_code, staff_no, service_item_code, ${p(10)}::timestamptz,
             ${p(10)}::timestamptz, due_at, deadline_day, uncovered, ${p(10)}::timestamptz
        FROM nc
      RETURNING id, number, state, department_code, satisfaction, due_at, evaluation_id),
    ce AS (
      INSERT INTO case_events (id, case_id, action, from_state, to_state, actor_id, actor_name, actor_role, at, detail)
      SELECT nc.event_id, cs.id, 'created', NULL, cs.state, NULL, 'system', NULL, ${p(10)}::timestamptz,
             jsonb_build_object('channel', nc.channel, 'satisfaction', nc.satisfaction)
        FROM cs JOIN nc ON nc.case_id = cs.id),
    al AS (
      INSERT INTO alert_outbox (id, key, kind, case_id, payload)
      SELECT nc.alert_id, 'case_created:' || cs.id::text, 'case_created', cs.id,
             jsonb_build_object('caseId', cs.id, 'number', cs.number, 'state', cs.state,
                                'departmentCode', cs.department_code, 'satisfaction', cs.satisfaction,
                                'dueAt', to_char(cs.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
        FROM cs JOIN nc ON nc.case_id = cs.id
      ON CONFLICT (key) DO NOTHING)
    SELECT id::text AS id FROM ev`;
  return {
    sql,
    params: [
      cases.evaluationIds,
      cases.caseIds,
      cases.eventIds,
      cases.windowDepartments,
      cases.triage.dueAt,
      cases.triage.day,
      cases.triage.uncovered,
      cases.assigned.dueAt,
      cases.assigned.day,
      cases.assigned.uncovered,
      cases.createdAt,
      `CP${beijingDay(cases.createdAt).replaceAll('-', '')}`,
      cases.alertIds,
    ],
  };
}
