/**
 * The case of a 差评, made by ingest (src/central/ingest.ts) in the statement that writes its evaluation (issue 16):
 * every new evaluation rated 1 or 2 makes exactly one case, its `created` event and its `case_created` alert in
 * the outbox — all in that one statement, so atomic with the evaluation without a transaction of its own. The
 * outbox row is the one enqueueAlerts (src/central/alerts/outbox.ts) would write (key `case_created:<caseId>`,
 * the payload contract of docs/alerts.md, ON CONFLICT (key) DO NOTHING), written in SQL so that a batch with a
 * 差评 costs no transaction and no second statement (measured by bench/case-ingest.ts). Exactly once rests
 * on the database: the case is written only for an evaluation new in the `records` ledger of that very statement,
 * and `cases.evaluation_id` is unique, so a record delivered twice, or reconciled again, makes no second case.
 *
 * Routing: the responsible department is the service item's (looked up in SQL, so no query of its own), else the
 * department of the evaluation's window at the time it was made; with neither, the case waits in 待分派 (triage).
 * The case holds codes only: never the rater's identity, the phone or the comment (they stay sealed or on the
 * evaluation's follow-up). Runs in Node.
 */
import type { DefaultDueCache } from '../channels/defaults.js';
import { uuidv7 } from '../../common/ids.js';
import type { WireRecord } from '../../shared/wire-records.js';
import { beijingDay, type WorkCalendar } from '../../shared/work-calendar.js';
import type { CalendarCache } from '../calendar/calendar.js';
import { windowDepartmentAt, type Catalogue } from '../scope.js';
import { stateDeadline, type DeadlinesCache, type DeadlineTable, type StoredDeadline } from './deadlines.js';

/** What ingest needs to open cases: the calendar and the deadlines, read only for a batch that has a 差评. */
export interface CaseIngest {
  calendar: CalendarCache;
  deadlines: DeadlinesCache;
  /** When an unrated service's 7-day default falls due (channels/defaults.ts): ingest and the channels date it. */
  defaultDue: DefaultDueCache;
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
  /** Also the id of each case's `created` event and of its `case_created` alert: one each per case. */
  caseIds: string[];
  windowDepartments: (string | null)[];
  /** The deadline of 待分派 and of 待核实 from `createdAt`: the same for every case of the batch. */
  triage: StoredDeadline;
  assigned: StoredDeadline;
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
  const at = { enteredAt: createdAt, createdAt };
  return {
    createdAt,
    evaluationIds: bad.map((r) => r.id),
    caseIds: bad.map(() => uuidv7()),
    windowDepartments: bad.map((r) =>
      windowDepartmentAt(catalogue, r.windowCode, Date.parse(r.invitedAt) + (clockOffsetMs ?? 0)),
    ),
    triage: stateDeadline(calendar, table, 'triage', at),
    assigned: stateDeadline(calendar, table, 'assigned', at),
  };
}

/**
 * The part of the evaluation statement that writes the cases: `ev` is the CTE of the evaluations just written
 * (RETURNING id, service_item_code, satisfaction, channel, window_code, staff_no); the parameters start at
 * `$first`. The case's id is also its `created` event's and its `case_created` alert's (each table has one of each
 * per case), so that both are written from the cases' RETURNING alone: no join, a plan as small as it can be (its
 * planning is paid on every batch). The statement returns the new evaluations' ids.
 */
export function caseStatementTail(cases: NewCases, first: number): { sql: string; params: unknown[] } {
  const p = (i: number) => `$${first + i}`;
  const pick = (triage: string, assigned: string) =>
    `CASE WHEN x.department_code IS NULL THEN ${triage} ELSE ${assigned} END`;
  const sql = `,
    cs AS (
      INSERT INTO cases (id, number, evaluation_id, state, satisfaction, channel, department_code, window_code,
                         staff_no, service_item_code, created_at, state_entered_at, due_at, deadline_day,
                         deadline_uncovered, updated_at)
      SELECT c.case_id, ${p(4)}::text || '-' || to_char(nextval('case_number_seq'), 'FM999999990000'), ev.id,
             ${pick("'triage'", "'assigned'")}, ev.satisfaction, ev.channel, x.department_code, ev.window_code,
             ev.staff_no, ev.service_item_code, ${p(3)}::timestamptz, ${p(3)}::timestamptz,
             ${pick(`${p(5)}::timestamptz`, `${p(8)}::timestamptz`)}, ${pick(`${p(6)}::date`, `${p(9)}::date`)},
             ${pick(`${p(7)}::boolean`, `${p(10)}::boolean`)}, ${p(3)}::timestamptz
        FROM ev
        JOIN unnest(${p(0)}::uuid[], ${p(1)}::uuid[], ${p(2)}::text[]) AS c (evaluation_id, case_id, window_department)
          ON c.evaluation_id = ev.id
        LEFT JOIN service_items si ON si.code = ev.service_item_code
        CROSS JOIN LATERAL (SELECT coalesce(si.department_code, c.window_department) AS department_code) x
      RETURNING id, number, state, department_code, satisfaction, channel, due_at),
    ce AS (
      INSERT INTO case_events (id, case_id, action, from_state, to_state, actor_id, actor_name, actor_role, at, detail)
      SELECT id, id, 'created', NULL, state, NULL, 'system', NULL, ${p(3)}::timestamptz,
             jsonb_build_object('channel', channel, 'satisfaction', satisfaction)
        FROM cs),
    al AS (
      INSERT INTO alert_outbox (id, key, kind, case_id, payload)
      SELECT id, 'case_created:' || id::text, 'case_created', id,
             jsonb_build_object('caseId', id, 'number', number, 'state', state, 'departmentCode', department_code,
                                'satisfaction', satisfaction,
                                'dueAt', to_char(due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
        FROM cs
      ON CONFLICT (key) DO NOTHING)
    SELECT id::text AS id FROM ev`;
  return {
    sql,
    params: [
      cases.evaluationIds,
      cases.caseIds,
      cases.windowDepartments,
      cases.createdAt,
      `CP${beijingDay(cases.createdAt).replaceAll('-', '')}`,
      cases.triage.dueAt,
      cases.triage.day,
      cases.triage.uncovered,
      cases.assigned.dueAt,
      cases.assigned.day,
      cases.assigned.uncovered,
    ],
  };
}
