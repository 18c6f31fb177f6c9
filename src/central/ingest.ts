/**
 * Exactly-once ingest of kiosk records. A batch is checked record by record (a bad record is `rejected` with a
 * code and never blocks the others): first against the schema, then against what the device may deliver
 * (scope.ts: its window, department, mode and channel, from a catalogue held in memory, so no query per record).
 * Then it is written in one transaction, one statement per kind: the ids go into the `records` ledger with
 * `ON CONFLICT DO NOTHING`, and only the ids that were new there are written to their own tables. Sending the same
 * batch twice, or two overlapping batches at once, changes nothing the second time: those records are `duplicate`.
 * A rejected record is stored nowhere (the kiosk quarantines it); only its code is counted per device
 * (`device_rejections`), for the fleet list.
 * Personal data (rater identity, callback number) is sealed under the centre's data key before it is stored.
 * Every new 差评 (rated 1 or 2) makes its case and its `case_created` alert in the statement that writes its
 * evaluation (src/central/cases/new-cases.ts): a duplicate makes neither.
 * Runs in Node.
 */
import type { Sealer } from '../common/data-key.js';
import { caseStatementTail, isBadRating, newCases, type CaseIngest, type NewCases } from './cases/new-cases.js';
import { recordDay, WireRecord, type RecordBatch, type RecordResult } from '../shared/wire-records.js';
import type { CentralDb, Statement } from './db/database.js';
import { defaultDueAt } from './channels/defaults.js';
import { uuidv7 } from '../common/ids.js';
import type { DeviceRow } from './device-config.js';
import {
  checkScope,
  fileServiceItem,
  isStaffUnknown,
  windowDepartmentAt,
  type Catalogue,
  type CatalogueCache,
} from './scope.js';

type Wire = WireRecord;
type Of<K extends Wire['kind']> = Extract<Wire, { kind: K }>;
type Device = Pick<DeviceRow, 'id' | 'mode' | 'windowCode'>;

/** A refusal that rests on the catalogue is checked again on one read less than this old before it stands. */
const RECHECK_OLDER_THAN_MS = 1000;

export async function ingestBatch(
  db: CentralDb,
  sealer: Sealer,
  device: Device,
  batch: RecordBatch,
  catalogues: CatalogueCache,
  cases: CaseIngest,
): Promise<RecordResult[]> {
  const results: RecordResult[] = new Array<RecordResult>(batch.records.length);
  const parsed: { index: number; record: Wire }[] = [];
  batch.records.forEach((raw, index) => {
    const one = WireRecord.safeParse(raw);
    if (one.success) {
      parsed.push({ index, record: one.data });
    } else {
      const issue = one.error.issues[0]!;
      const id = typeof raw.id === 'string' ? raw.id : null;
      results[index] = {
        id,
        status: 'rejected',
        code: 'invalid_record',
        message: `${issue.path.join('.') || 'record'}: ${issue.message}`,
      };
    }
  });

  const offset = batch.clockOffsetMs;
  let catalogue = await catalogues.get();
  let refusals = parsed.map(({ record }) => checkScope(device, record, catalogue, offset));
  if (refusals.some(Boolean) && catalogue.readAt < Date.now() - RECHECK_OLDER_THAN_MS) {
    // A window or department created a moment ago, by another central process: read the catalogue again, once.
    catalogue = await catalogues.fresherThan(Date.now() - RECHECK_OLDER_THAN_MS);
    refusals = parsed.map(({ record }) => checkScope(device, record, catalogue, offset));
  }
  const foreign = await foreignEvaluations(db, device.id, parsed);
  const valid: { index: number; record: Wire }[] = [];
  parsed.forEach((one, i) => {
    const refusal = refusals[i];
    if (refusal) results[one.index] = { id: one.record.id, status: 'rejected', ...refusal };
    else if (one.record.kind === 'followup' && foreign.has(one.record.evaluationId)) {
      results[one.index] = {
        id: one.record.id,
        status: 'rejected',
        code: 'scope_evaluation',
        message: `evaluation ${one.record.evaluationId} was delivered by another device`,
      };
    } else valid.push(one);
  });

  if (valid.length > 0) {
    // The calendar and the deadlines are read (from memory, mostly) only for a batch that has a 差评.
    const bad = valid.some(({ record }) => isBadRating(record));
    const [calendar, deadlines] = bad ? await Promise.all([cases.calendar.get(), cases.deadlines.get()]) : [null, null];
    // And the default's rule only for a batch with an unrated service.
    const dueOf = valid.some(({ record }) => record.kind === 'evaluation' && record.outcome === 'unrated')
      ? await cases.defaultDue.get()
      : defaultDueAt;
    const write = (some: typeof valid) => {
      const opened =
        calendar && deadlines
          ? newCases(
              some.map((v) => v.record),
              catalogue,
              batch.clockOffsetMs,
              calendar,
              deadlines,
              cases.clock(),
            )
          : null;
      return writeBatch(db, sealer, device, catalogue, batch.clockOffsetMs, some, results, opened, dueOf);
    };
    try {
      await write(valid);
    } catch (error) {
      // A record the schema let through but the database refuses (a constraint, an out-of-range value) must not
      // hold up the others: take the batch one record at a time, and reject only the one that fails.
      if (!isDataError(error)) throw error;
      for (const one of valid) {
        try {
          await write([one]);
        } catch (inner) {
          if (!isDataError(inner)) throw inner;
          const message = (inner as Error).message;
          results[one.index] = { id: one.record.id, status: 'rejected', code: 'invalid_record', message };
        }
      }
    }
  }
  await countRejections(db, device.id, results);
  return results;
}

/**
 * The evaluations the batch's follow-ups name that the centre holds from another device: one query for the batch,
 * none without follow-ups. A follow-up whose evaluation is not there yet is taken: it may still be on its way (in
 * another batch in flight, or in this one, whose evaluations are written before its follow-ups). Reads that join a
 * follow-up to its evaluation join on the device too, so one planted ahead of another device's evaluation is never
 * attached to it.
 */
async function foreignEvaluations(db: CentralDb, deviceId: string, parsed: { record: Wire }[]): Promise<Set<string>> {
  const ids = [...new Set(parsed.flatMap(({ record }) => (record.kind === 'followup' ? [record.evaluationId] : [])))];
  if (ids.length === 0) return new Set();
  const rows = await db.query<{ id: string }>(
    'SELECT id::text AS id FROM evaluations WHERE id = ANY($1::uuid[]) AND device_id <> $2',
    [ids, deviceId],
  );
  return new Set(rows.map((r) => r.id));
}

/** Adds this batch's rejections to the device's counts, one statement for all codes (none when there are none). */
async function countRejections(db: CentralDb, deviceId: string, results: RecordResult[]): Promise<void> {
  const counts = new Map<string, number>();
  for (const r of results) if (r.status === 'rejected') counts.set(r.code, (counts.get(r.code) ?? 0) + 1);
  if (counts.size === 0) return;
  await db.query(
    `INSERT INTO device_rejections (device_id, code, count, last_at)
     SELECT $1, code, n, now() FROM unnest($2::text[], $3::bigint[]) AS r (code, n)
     ON CONFLICT (device_id, code) DO UPDATE
       SET count = device_rejections.count + excluded.count, last_at = excluded.last_at`,
    [deviceId, [...counts.keys()], [...counts.values()]],
  );
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation). */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

async function writeBatch(
  db: CentralDb,
  sealer: Sealer,
  device: Device,
  catalogue: Catalogue,
  clockOffsetMs: number | null,
  valid: { index: number; record: Wire }[],
  results: RecordResult[],
  cases: NewCases | null,
  dueOf: (endedAt: Date) => Date,
): Promise<void> {
  // A record whose id appears twice in one batch is new at most once: the first is written, the others are duplicates.
  const seen = new Set<string>();
  const unique: typeof valid = [];
  for (const one of valid) {
    if (seen.has(one.record.id)) results[one.index] = { id: one.record.id, status: 'duplicate' };
    else unique.push(one);
    seen.add(one.record.id);
  }
  const records = unique.map((v) => v.record);
  // The device row is not touched: its clock offset goes with its heartbeats (fleet-status.ts), so that a batch
  // holds no lock a heartbeat's write would wait for.
  const statements = recordStatements(sealer, device, catalogue, clockOffsetMs, records, cases, dueOf);
  // One statement is atomic by itself (its ledger insert and its kind's insert together): a batch of one kind, the
  // usual one, costs one round trip instead of three (BEGIN, it, COMMIT). The cases of its 差评, their events and
  // their alerts are written by the evaluations' statement itself (cases/new-cases.ts).
  const [only] = statements;
  const written =
    statements.length === 1 && only
      ? [await db.statement<{ id: string }>(only)]
      : await db.batch<{ id: string }>(statements);
  const fresh = new Set(written.flat().map((row) => row.id));
  for (const { index, record } of unique) {
    results[index] = { id: record.id, status: fresh.has(record.id) ? 'accepted' : 'duplicate' };
  }
}

/**
 * What the evaluations' statement does after writing them (as CTEs over `ev`, the rows new in it): registers each
 * unrated one as a service awaiting its 7-day default (第八条; docs/channels.md), unless its QR code's rating came
 * first and made it; opens the cases of its 差评 (cases/new-cases.ts). Nothing for a batch with neither.
 */
function evaluationTail(
  records: Wire[],
  cases: NewCases | null,
  dueOf: (endedAt: Date) => Date,
): ((first: number) => { sql: string; params: unknown[] }) | undefined {
  const unrated = records.filter((r): r is Of<'evaluation'> => r.kind === 'evaluation' && r.outcome === 'unrated');
  if (unrated.length === 0 && !cases) return undefined;
  return (first) => {
    const p = (i: number) => `$${first + i}`;
    const services =
      unrated.length === 0
        ? ''
        : `,
    ks AS (
      INSERT INTO services (id, service_number, kiosk_record_id, channel, department_code, service_item_code,
                            window_code, staff_no, ended_at, registered_by)
      SELECT d.service_id, 1, ev.id, ev.channel, ev.department_code, ev.service_item_code, ev.window_code,
             ev.staff_no, ev.ended_at, 'kiosk'
        FROM ev JOIN unnest(${p(0)}::uuid[], ${p(1)}::uuid[]) AS d (record_id, service_id) ON d.record_id = ev.id
      ON CONFLICT (kiosk_record_id) DO NOTHING
      RETURNING id, kiosk_record_id),
    ka AS (
      INSERT INTO services_awaiting (service_id, due_at)
      SELECT ks.id, d.due_at FROM ks
        JOIN unnest(${p(0)}::uuid[], ${p(2)}::timestamptz[]) AS d (record_id, due_at) ON d.record_id = ks.kiosk_record_id)`;
    const params =
      unrated.length === 0
        ? []
        : [unrated.map((r) => r.id), unrated.map(() => uuidv7()), unrated.map((r) => dueOf(new Date(r.endedAt)))];
    if (!cases) return { sql: `${services} SELECT id::text AS id FROM ev`, params };
    const tail = caseStatementTail(cases, first + params.length);
    return { sql: `${services}${tail.sql}`, params: [...params, ...tail.params] };
  };
}

/**
 * One statement per kind: the ids go into the `records` ledger, and only those new there (`fresh`) into the kind's
 * own table, which returns them. `$1` is the device, `$2` the ids, `$3` their days; `insert` reads its columns from
 * `$4` on, as `unnest($2::uuid[], $4…) AS r (id, …) JOIN fresh USING (id)`.
 */
function recordStatements(
  sealer: Sealer,
  device: Device,
  catalogue: Catalogue,
  offset: number | null,
  records: Wire[],
  cases: NewCases | null,
  dueOf: (endedAt: Date) => Date,
): Statement[] {
  const deviceId = device.id;
  // The department of the device's window when the press was made (a window may have moved since).
  const departmentAt = (at: string) => windowDepartmentAt(catalogue, device.windowCode, Date.parse(at) + (offset ?? 0));
  const statements: Statement[] = [];
  // smallint[] per row cannot go through unnest (a 2-D array is not ragged, nor partly null): as array literals.
  const keyMap = (map: number[] | null | undefined) => (map ? `{${map.join(',')}}` : null);
  const of = <K extends Wire['kind']>(kind: K) => records.filter((r): r is Of<K> => r.kind === kind);
  const seal = (value: unknown, id: string) => (value === null ? null : sealer.seal(value, id).toString('base64'));
  const write = <K extends Wire['kind']>(
    kind: K,
    insert: string,
    columns: ((r: Of<K>) => unknown)[],
    scalars: unknown[] = [],
    /** More of the statement after `insert` (as the CTE `ev`), its parameters numbered from the one it is given. */
    tail?: (first: number) => { sql: string; params: unknown[] },
  ) => {
    const rows = of(kind);
    if (rows.length === 0) return;
    const arrays = columns.map((column) => rows.map(column));
    const params = [deviceId, rows.map((r) => r.id), rows.map((r) => recordDay(r.id)), ...arrays, ...scalars];
    const fresh = `WITH fresh AS (
              INSERT INTO records (id, device_id, kind, day)
              SELECT id, $1, '${kind}', day FROM unnest($2::uuid[], $3::date[]) AS r (id, day)
              ON CONFLICT (id) DO NOTHING RETURNING id)`;
    if (tail) {
      const more = tail(params.length + 1);
      statements.push({
        sql: `${fresh}, ev AS (${insert} RETURNING id, service_item_code, satisfaction, channel, window_code, staff_no,
                                               department_code, ended_at)
            ${more.sql}`,
        params: [...params, ...more.params],
        prepare: true,
      });
      return;
    }
    statements.push({ sql: `${fresh} ${insert} RETURNING id::text AS id`, params, prepare: true });
  };

  write(
    'evaluation',
    `INSERT INTO evaluations (id, device_id, clock_offset_ms, channel, mode, outcome, satisfaction, source, invited_at,
       expires_at, ended_at, shift_id, staff_no, window_code, department_code, service_item_code, case_no, ticket_no,
       rater_sealed, staff_unknown, local_key_map, unknown_item_code)
     SELECT id, $1, $23, channel, mode, outcome, satisfaction, source, invited_at, expires_at, ended_at, shift_id,
            staff_no, window_code, department_code, service_item_code, case_no, ticket_no, decode(rater, 'base64'),
            staff_unknown, local_key_map::smallint[], unknown_item_code
       FROM unnest($2::uuid[], $4::text[], $5::text[], $6::text[], $7::smallint[], $8::text[], $9::timestamptz[],
                   $10::timestamptz[], $11::timestamptz[], $12::uuid[], $13::text[], $14::text[], $15::text[],
                   $16::text[], $17::text[], $18::text[], $19::text[], $20::boolean[], $21::text[], $22::text[])
         AS r (id, channel, mode, outcome, satisfaction, source, invited_at, expires_at, ended_at, shift_id, staff_no,
               window_code, department_code, service_item_code, case_no, ticket_no, rater, staff_unknown,
               local_key_map, unknown_item_code)
       JOIN fresh USING (id)`,
    [
      (r) => r.channel,
      (r) => r.mode,
      (r) => r.outcome,
      (r) => r.satisfaction,
      (r) => r.source,
      (r) => r.invitedAt,
      (r) => r.expiresAt,
      (r) => r.endedAt,
      (r) => r.shiftId,
      (r) => r.staffNo,
      (r) => r.windowCode,
      (r) => r.departmentCode,
      (r) => fileServiceItem(r.serviceItemCode, catalogue).known,
      (r) => r.caseNo,
      (r) => r.ticketNo,
      (r) => seal(r.rater, r.id),
      (r) => isStaffUnknown(r.staffNo, r.departmentCode, catalogue),
      (r) => keyMap(r.localKeyMap),
      (r) => fileServiceItem(r.serviceItemCode, catalogue).unknown,
    ],
    [offset],
    evaluationTail(records, cases, dueOf),
  );

  // text[][] cannot hold ragged rows: reason tags travel as JSON and are unpacked in SQL.
  write(
    'followup',
    `INSERT INTO followups (id, device_id, evaluation_id, reason_tags, callback_phone_sealed, comment, at)
     SELECT id, $1, evaluation_id, ARRAY(SELECT jsonb_array_elements_text(tags::jsonb)), decode(phone, 'base64'),
            comment, at
       FROM unnest($2::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
         AS r (id, evaluation_id, tags, phone, comment, at)
       JOIN fresh USING (id)`,
    [
      (r) => r.evaluationId,
      (r) => JSON.stringify(r.reasonTags),
      (r) => seal(r.callbackPhone, r.id),
      (r) => r.comment,
      (r) => r.at,
    ],
  );

  write(
    'shift_event',
    `INSERT INTO shift_events (id, device_id, shift_id, type, staff_no, window_code, reason, at)
     SELECT id, $1, shift_id, type, staff_no, window_code, reason, at
       FROM unnest($2::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[])
         AS r (id, shift_id, type, staff_no, window_code, reason, at)
       JOIN fresh USING (id)`,
    [(r) => r.shiftId, (r) => r.type, (r) => r.staffNo, (r) => r.windowCode, (r) => r.reason, (r) => r.at],
  );

  // A stray press names no window or department: the device's own (its window's then) are written with it, for the
  // reports.
  write(
    'stray_press',
    `INSERT INTO stray_presses (id, device_id, satisfaction, key, source, shift_id, staff_no, at, staff_unknown,
       local_key_map, window_code, department_code)
     SELECT id, $1, satisfaction, key, source, shift_id, staff_no, at, staff_unknown, local_key_map::smallint[],
            $13, department_code
       FROM unnest($2::uuid[], $4::smallint[], $5::smallint[], $6::text[], $7::uuid[], $8::text[], $9::timestamptz[],
                   $10::boolean[], $11::text[], $12::text[])
         AS r (id, satisfaction, key, source, shift_id, staff_no, at, staff_unknown, local_key_map, department_code)
       JOIN fresh USING (id)`,
    [
      (r) => r.satisfaction,
      (r) => r.key,
      (r) => r.source,
      (r) => r.shiftId,
      (r) => r.staffNo,
      (r) => r.at,
      (r) => isStaffUnknown(r.staffNo, departmentAt(r.at), catalogue),
      (r) => keyMap(r.localKeyMap),
      (r) => departmentAt(r.at),
    ],
    [device.windowCode],
  );

  write(
    'key_test',
    `INSERT INTO key_tests (id, device_id, started_at, ended_at, ended_by, presses)
     SELECT id, $1, started_at, ended_at, ended_by, presses
       FROM unnest($2::uuid[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::integer[])
         AS r (id, started_at, ended_at, ended_by, presses)
       JOIN fresh USING (id)`,
    [(r) => r.startedAt, (r) => r.endedAt, (r) => r.endedBy, (r) => r.presses],
  );
  return statements;
}
