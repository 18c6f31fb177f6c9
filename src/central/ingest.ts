/**
 * Exactly-once ingest of kiosk records. A batch is checked record by record (a bad record is `rejected` with a
 * code and never blocks the others), then written in one transaction: the ids go into the `records` ledger with
 * `ON CONFLICT DO NOTHING`, and only the ids that were new there are written to their own tables. Sending the same
 * batch twice, or two overlapping batches at once, changes nothing the second time: those records are `duplicate`.
 * Personal data (rater identity, callback number) is sealed under the centre's data key before it is stored.
 * Runs in Node.
 */
import type { Sealer } from '../common/data-key.js';
import { recordDay, WireRecord, type RecordBatch, type RecordResult } from '../shared/wire-records.js';
import type { CentralDb, Queryable } from './db/database.js';

type Wire = WireRecord;
type Of<K extends Wire['kind']> = Extract<Wire, { kind: K }>;

export async function ingestBatch(
  db: CentralDb,
  sealer: Sealer,
  deviceId: string,
  batch: RecordBatch,
): Promise<RecordResult[]> {
  const results: RecordResult[] = new Array<RecordResult>(batch.records.length);
  const valid: { index: number; record: Wire }[] = [];
  batch.records.forEach((raw, index) => {
    const parsed = WireRecord.safeParse(raw);
    if (parsed.success) {
      valid.push({ index, record: parsed.data });
    } else {
      const issue = parsed.error.issues[0]!;
      const id = typeof raw.id === 'string' ? raw.id : null;
      results[index] = {
        id,
        status: 'rejected',
        code: 'invalid_record',
        message: `${issue.path.join('.') || 'record'}: ${issue.message}`,
      };
    }
  });

  if (valid.length === 0) return results;
  try {
    await writeBatch(db, sealer, deviceId, batch.clockOffsetMs, valid, results);
  } catch (error) {
    // A record the schema let through but the database refuses (a constraint, an out-of-range value) must not hold
    // up the others: take the batch one record at a time, and reject only the one that fails.
    if (!isDataError(error)) throw error;
    for (const one of valid) {
      try {
        await writeBatch(db, sealer, deviceId, batch.clockOffsetMs, [one], results);
      } catch (inner) {
        if (!isDataError(inner)) throw inner;
        const message = (inner as Error).message;
        results[one.index] = { id: one.record.id, status: 'rejected', code: 'invalid_record', message };
      }
    }
  }
  return results;
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation). */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

async function writeBatch(
  db: CentralDb,
  sealer: Sealer,
  deviceId: string,
  clockOffsetMs: number | null,
  valid: { index: number; record: Wire }[],
  results: RecordResult[],
): Promise<void> {
  await db.transaction(async (tx) => {
    const inserted = await tx.query<{ id: string }>(
      `INSERT INTO records (id, device_id, kind, day)
       SELECT id, $2, kind, day FROM unnest($1::uuid[], $3::text[], $4::date[]) AS r (id, kind, day)
       ON CONFLICT (id) DO NOTHING RETURNING id::text AS id`,
      [
        valid.map((v) => v.record.id),
        deviceId,
        valid.map((v) => v.record.kind),
        valid.map((v) => recordDay(v.record.id)),
      ],
    );
    const fresh = new Set(inserted.map((r) => r.id));
    // A record whose id appears twice in one batch is new only once.
    const seen = new Set<string>();
    const toWrite: Wire[] = [];
    for (const { index, record } of valid) {
      const isNew = fresh.has(record.id) && !seen.has(record.id);
      seen.add(record.id);
      results[index] = { id: record.id, status: isNew ? 'accepted' : 'duplicate' };
      if (isNew) toWrite.push(record);
    }
    await writeRecords(tx, sealer, deviceId, clockOffsetMs, toWrite);
    if (clockOffsetMs !== null) {
      await tx.query('UPDATE devices SET clock_offset_ms = $2 WHERE id = $1', [deviceId, clockOffsetMs]);
    }
  });
}

async function writeRecords(tx: Queryable, sealer: Sealer, deviceId: string, offset: number | null, records: Wire[]) {
  const of = <K extends Wire['kind']>(kind: K) => records.filter((r): r is Of<K> => r.kind === kind);
  const seal = (value: unknown, id: string) => (value === null ? null : sealer.seal(value, id).toString('base64'));

  const evaluations = of('evaluation');
  if (evaluations.length > 0) {
    const col = <T>(pick: (r: Of<'evaluation'>) => T) => evaluations.map(pick);
    await tx.query(
      `INSERT INTO evaluations (id, device_id, clock_offset_ms, channel, mode, outcome, satisfaction, source, invited_at,
         expires_at, ended_at, shift_id, staff_no, window_code, department_code, service_item_code, case_no, ticket_no,
         rater_sealed)
       SELECT id, $1, $2, channel, mode, outcome, satisfaction, source, invited_at, expires_at, ended_at, shift_id,
              staff_no, window_code, department_code, service_item_code, case_no, ticket_no, decode(rater, 'base64')
         FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::smallint[], $8::text[], $9::timestamptz[],
                     $10::timestamptz[], $11::timestamptz[], $12::uuid[], $13::text[], $14::text[], $15::text[],
                     $16::text[], $17::text[], $18::text[], $19::text[])
           AS r (id, channel, mode, outcome, satisfaction, source, invited_at, expires_at, ended_at, shift_id, staff_no,
                 window_code, department_code, service_item_code, case_no, ticket_no, rater)`,
      [
        deviceId,
        offset,
        col((r) => r.id),
        col((r) => r.channel),
        col((r) => r.mode),
        col((r) => r.outcome),
        col((r) => r.satisfaction),
        col((r) => r.source),
        col((r) => r.invitedAt),
        col((r) => r.expiresAt),
        col((r) => r.endedAt),
        col((r) => r.shiftId),
        col((r) => r.staffNo),
        col((r) => r.windowCode),
        col((r) => r.departmentCode),
        col((r) => r.serviceItemCode),
        col((r) => r.caseNo),
        col((r) => r.ticketNo),
        col((r) => seal(r.rater, r.id)),
      ],
    );
  }

  const followups = of('followup');
  if (followups.length > 0) {
    // text[][] cannot hold ragged rows: reason tags travel as JSON and are unpacked in SQL.
    await tx.query(
      `INSERT INTO followups (id, device_id, evaluation_id, reason_tags, callback_phone_sealed, comment, at)
       SELECT id, $1, evaluation_id, ARRAY(SELECT jsonb_array_elements_text(tags::jsonb)), decode(phone, 'base64'), comment, at
         FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
           AS r (id, evaluation_id, tags, phone, comment, at)`,
      [
        deviceId,
        followups.map((r) => r.id),
        followups.map((r) => r.evaluationId),
        followups.map((r) => JSON.stringify(r.reasonTags)),
        followups.map((r) => seal(r.callbackPhone, r.id)),
        followups.map((r) => r.comment),
        followups.map((r) => r.at),
      ],
    );
  }

  const shifts = of('shift_event');
  if (shifts.length > 0) {
    await tx.query(
      `INSERT INTO shift_events (id, device_id, shift_id, type, staff_no, window_code, reason, at)
       SELECT id, $1, shift_id, type, staff_no, window_code, reason, at
         FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
           AS r (id, shift_id, type, staff_no, window_code, reason, at)`,
      [
        deviceId,
        shifts.map((r) => r.id),
        shifts.map((r) => r.shiftId),
        shifts.map((r) => r.type),
        shifts.map((r) => r.staffNo),
        shifts.map((r) => r.windowCode),
        shifts.map((r) => r.reason),
        shifts.map((r) => r.at),
      ],
    );
  }

  const strays = of('stray_press');
  if (strays.length > 0) {
    await tx.query(
      `INSERT INTO stray_presses (id, device_id, satisfaction, key, source, shift_id, staff_no, at)
       SELECT id, $1, satisfaction, key, source, shift_id, staff_no, at
         FROM unnest($2::uuid[], $3::smallint[], $4::smallint[], $5::text[], $6::uuid[], $7::text[], $8::timestamptz[])
           AS r (id, satisfaction, key, source, shift_id, staff_no, at)`,
      [
        deviceId,
        strays.map((r) => r.id),
        strays.map((r) => r.satisfaction),
        strays.map((r) => r.key),
        strays.map((r) => r.source),
        strays.map((r) => r.shiftId),
        strays.map((r) => r.staffNo),
        strays.map((r) => r.at),
      ],
    );
  }
}
