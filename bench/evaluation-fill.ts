/**
 * A hall's year of evaluations, made by PostgreSQL itself (INSERT … SELECT over generate_series), for the 评价记录
 * page's benchmark: 12 departments of 10 windows each, busier ones first; 3 staff members per window; 20 service
 * items per department, a few of them most asked for, and a tenth of the evaluations with none; 85 % from the
 * windows' evaluators, 9 % from the self-service terminals, the rest by QR code and mobile; 85 % rated, 10 % unrated,
 * 5 % cancelled; 非常满意 far ahead of the rest (80 / 12 / 5 / 2 / 1 %). Rows arrive in time order, as a hall's
 * ratings do, with time-ordered ids (UUIDv7 of their invitation time).
 */
import type { CentralDb, Queryable } from '../src/central/db/database.js';

export const DEPARTMENTS = 12;
export const WINDOWS_PER_DEPARTMENT = 10;
export const STAFF_PER_WINDOW = 3;
export const ITEMS_PER_DEPARTMENT = 20;
export const WINDOWS = DEPARTMENTS * WINDOWS_PER_DEPARTMENT;

export const departmentCode = (d: number) => `D${String(d).padStart(2, '0')}`;
export const windowCode = (w: number) => `W${String(w).padStart(3, '0')}`;
export const staffNo = (s: number) => `S${String(s).padStart(4, '0')}`;
export const itemCode = (i: number) => `I${String(i).padStart(4, '0')}`;

/** The catalogue and one device per window and one terminal per department. */
export async function seedCatalogue(db: Queryable): Promise<void> {
  await db.query(`
    INSERT INTO departments (code, name)
      SELECT 'D' || lpad(d::text, 2, '0'), '部门 ' || d FROM generate_series(1, ${DEPARTMENTS}) d;
    INSERT INTO windows (code, name, department_code)
      SELECT 'W' || lpad(w::text, 3, '0'), w || '号窗口', 'D' || lpad(((w - 1) / ${WINDOWS_PER_DEPARTMENT} + 1)::text, 2, '0')
        FROM generate_series(1, ${WINDOWS}) w;
    INSERT INTO staff (staff_no, name, department_code, pin_hash)
      SELECT 'S' || lpad(s::text, 4, '0'), '员工 ' || s,
             'D' || lpad(((s - 1) / ${STAFF_PER_WINDOW * WINDOWS_PER_DEPARTMENT} + 1)::text, 2, '0'), 'x'
        FROM generate_series(1, ${WINDOWS * STAFF_PER_WINDOW}) s;
    INSERT INTO service_items (code, name, department_code)
      SELECT 'I' || lpad(i::text, 4, '0'), '事项 ' || i, 'D' || lpad(((i - 1) / ${ITEMS_PER_DEPARTMENT} + 1)::text, 2, '0')
        FROM generate_series(1, ${DEPARTMENTS * ITEMS_PER_DEPARTMENT}) i;
    INSERT INTO devices (id, public_key, mode, window_code, name, info)
      SELECT ('00000000-0000-7000-8000-' || lpad(w::text, 12, '0'))::uuid, 'x', 'window', 'W' || lpad(w::text, 3, '0'),
             w || '号窗口评价器', '{}'
        FROM generate_series(1, ${WINDOWS}) w;
    INSERT INTO devices (id, public_key, mode, window_code, name, info)
      SELECT ('00000000-0000-7000-9000-' || lpad(d::text, 12, '0'))::uuid, 'x', 'terminal', NULL, d || '号自助终端', '{}'
        FROM generate_series(1, ${DEPARTMENTS}) d;`);
}

/**
 * Adds evaluations `from`+1 … `to`, spread evenly over the year from `start` in time order, with their ledger rows
 * (a second fill adds a second year's worth of rows over the same year, in time order again). The secondary indexes are dropped
 * before and built again after (as a restore does: much faster than keeping them up to date row by row), and the
 * foreign keys and triggers are not fired (the rows are made consistent). Ends with VACUUM ANALYZE, as
 * autovacuum leaves a table of old rows.
 */
export async function fillEvaluations(
  db: CentralDb,
  { from, to, start }: { from: number; to: number; start: Date },
): Promise<void> {
  const indexes = await db.query<{ name: string; def: string }>(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes
      WHERE schemaname = current_schema() AND tablename = 'evaluations' AND indexname <> 'evaluations_pkey'`,
  );
  for (const i of indexes) await db.query(`DROP INDEX ${i.name}`);
  const step = 1_000_000;
  for (let lo = from; lo < to; lo += step) {
    const hi = Math.min(to, lo + step);
    await db.transaction(async (tx) => {
      await tx.query('SET LOCAL session_replication_role = replica');
      await tx.query(`SELECT setseed(${(lo % 1_000_003) / 1_000_003})`);
      await tx.query(
        `CREATE TEMP TABLE fill ON COMMIT DROP AS
         SELECT uuidv7(t - now()) AS id, t, w, d, r_channel, r_outcome, r_level, r_item, r_staff,
                CASE WHEN r_channel < 0.85 THEN ('00000000-0000-7000-8000-' || lpad(w::text, 12, '0'))::uuid
                     ELSE ('00000000-0000-7000-9000-' || lpad(d::text, 12, '0'))::uuid END AS device_id
           FROM (SELECT t, w, (w - 1) / ${WINDOWS_PER_DEPARTMENT} + 1 AS d, r_channel, r_outcome, r_level, r_item, r_staff
                   FROM (SELECT '${start.toISOString()}'::timestamptz + ((i - ${from})::float8 / ${to - from}) * interval '365 days' AS t,
                                1 + floor(${WINDOWS} * power(random(), 1.6))::int AS w,
                                random() AS r_channel, random() AS r_outcome, random() AS r_level, random() AS r_item,
                                floor(random() * ${STAFF_PER_WINDOW})::int AS r_staff
                           FROM generate_series(${lo + 1}, ${hi}) i) g) h`,
      );
      await tx.query(
        `INSERT INTO evaluations (id, device_id, channel, mode, outcome, satisfaction, source, invited_at, expires_at,
                                  ended_at, staff_no, window_code, department_code, service_item_code, case_no,
                                  ticket_no)
         SELECT id, device_id,
                CASE WHEN r_channel < 0.85 THEN 'hall_window' WHEN r_channel < 0.94 THEN 'hall_terminal'
                     WHEN r_channel < 0.98 THEN 'qr_code' ELSE 'mobile' END,
                CASE WHEN r_channel < 0.85 THEN 'window' ELSE 'terminal' END,
                CASE WHEN r_outcome < 0.85 THEN 'rated' WHEN r_outcome < 0.95 THEN 'unrated' ELSE 'cancelled' END,
                CASE WHEN r_outcome >= 0.85 THEN NULL WHEN r_level < 0.80 THEN 5 WHEN r_level < 0.92 THEN 4
                     WHEN r_level < 0.97 THEN 3 WHEN r_level < 0.99 THEN 2 ELSE 1 END,
                CASE WHEN r_outcome < 0.85 THEN 'serial' END,
                t, t + interval '30 seconds', t + interval '8 seconds',
                CASE WHEN r_channel < 0.85
                     THEN 'S' || lpad(((w - 1) * ${STAFF_PER_WINDOW} + 1 + r_staff)::text, 4, '0') END,
                CASE WHEN r_channel < 0.85 THEN 'W' || lpad(w::text, 3, '0') END,
                'D' || lpad(d::text, 2, '0'),
                CASE WHEN r_item < 0.1 THEN NULL
                     ELSE 'I' || lpad(((d - 1) * ${ITEMS_PER_DEPARTMENT} + 1
                          + floor(${ITEMS_PER_DEPARTMENT} * power((r_item - 0.1) / 0.9, 2))::int)::text, 4, '0') END,
                'BJ' || to_char(t, 'YYYYMMDD') || lpad((hashtext(id::text) & 65535)::text, 6, '0'),
                'A' || lpad((hashtext(id::text) & 1023)::text, 4, '0')
           FROM fill ORDER BY t`,
      );
      await tx.query(
        `INSERT INTO records (id, device_id, kind, day)
         SELECT id, device_id, 'evaluation', (t AT TIME ZONE 'Asia/Shanghai')::date FROM fill`,
      );
    });
  }
  for (const i of indexes) await db.query(i.def);
  await db.query('VACUUM ANALYZE evaluations');
  await db.query('VACUUM ANALYZE records');
}
