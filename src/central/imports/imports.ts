/**
 * The Excel import of staff and of service items (issue 15): every row checked with the JSON API's own schemas
 * (StaffCreate, ServiceItemCreate) and across rows (a key twice in the file, a department the centre does not
 * have), then all rows written in one transaction, or none. A row creates an entry, updates its name or department,
 * or leaves it unchanged. A staff member's 初始PIN is used only when the row creates them (hashed as the JSON API
 * hashes it, never stored, echoed or audited): re-importing a file must not reset the PIN of everybody in it; a PIN
 * reset is a deliberate act of its own (PATCH /staff/:key). Runs in Node.
 */
import type { z } from 'zod';
import { HttpError } from '../../common/http.js';
import { hashPin } from '../../common/pin-hash.js';
import { ServiceItemCreate, StaffCreate } from '../../shared/central-api.js';
import {
  IMPORT_COLUMNS,
  issueInChinese,
  MAX_IMPORT_ROWS,
  type ImportKind,
  type ImportReport,
  type ImportRowReport,
  type ImportRowStatus,
} from '../../shared/excel.js';
import { bumpConfigVersion, CATALOG, translateConstraint, type CatalogEntity } from '../catalog.js';
import type { CentralDb, Queryable } from '../db/database.js';
import { readSheet, type SheetRow } from './workbook.js';

interface ImportDefinition {
  entity: CatalogEntity;
  /** A row that creates an entry. */
  create: z.ZodType<Record<string, unknown>>;
  /** A row for an entry that exists (the staff's PIN is not needed, and not applied). */
  update: z.ZodType<Record<string, unknown>>;
}

const entity = (path: string) => CATALOG.find((e) => e.path === path)!;

const DEFINITIONS: Record<ImportKind, ImportDefinition> = {
  staff: { entity: entity('staff'), create: StaffCreate, update: StaffCreate.partial({ pin: true }) },
  'service-items': { entity: entity('service-items'), create: ServiceItemCreate, update: ServiceItemCreate },
};

/** The fields an import writes beside the key, compared to tell `updated` from `unchanged`. */
const WRITTEN = ['name', 'departmentCode'] as const;

interface PlannedRow extends ImportRowReport {
  values: Record<string, unknown>;
}

interface Existing {
  key: string;
  name: string;
  departmentCode: string;
}

async function existingRows(q: Queryable, def: ImportDefinition, keys: string[], lock: boolean): Promise<Existing[]> {
  const { table, key } = def.entity;
  return q.query<Existing>(
    `SELECT ${key.column} AS key, name, department_code AS "departmentCode" FROM ${table}
      WHERE ${key.column} = ANY($1::text[]) ${lock ? 'FOR UPDATE' : ''}`,
    [keys],
  );
}

/** Checks every row against the schemas, the other rows and the catalogue as `q` sees it. */
async function plan(q: Queryable, kind: ImportKind, rows: SheetRow[], lock: boolean): Promise<PlannedRow[]> {
  const def = DEFINITIONS[kind];
  const columns = IMPORT_COLUMNS[kind];
  const headerOf = (field: string) => columns.find((c) => c.field === field)?.header ?? null;
  const keyField = def.entity.key.field;
  const keys = rows.map((r) => r.cells[keyField]).flatMap((c) => (c && 'text' in c && c.text ? [c.text] : []));
  const existing = new Map((await existingRows(q, def, keys, lock)).map((e) => [e.key, e]));
  const departments = new Set((await q.query<{ code: string }>('SELECT code FROM departments')).map((d) => d.code));
  const firstRowOf = new Map<string, number>();

  return rows.map((sheetRow): PlannedRow => {
    const errors: ImportRowReport['errors'] = [];
    const input: Record<string, unknown> = {};
    for (const [field, cell] of Object.entries(sheetRow.cells)) {
      if ('problem' in cell) errors.push({ column: headerOf(field), message: cell.problem });
      else if (cell.text !== null) input[field] = cell.text;
    }
    const rawKey = typeof input[keyField] === 'string' ? input[keyField] : null;
    const before = rawKey === null ? undefined : existing.get(rawKey);
    if (before) delete input.pin; // not applied to an entry that exists (see the module's comment)
    const parsed = (before ? def.update : def.create).safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = typeof issue.path[0] === 'string' ? issue.path[0] : null;
        let message = issueInChinese(issue);
        const cell = field ? sheetRow.cells[field] : undefined;
        if (field === 'pin' && cell && 'text' in cell && cell.fromNumber) {
          message += '（该单元格是数字格式，开头的 0 会丢失：请把该列设为文本格式）';
        }
        if (!errors.some((e) => e.column === (field ? headerOf(field) : null))) {
          errors.push({ column: field ? headerOf(field) : null, message });
        }
      }
    }
    const values = parsed.success ? parsed.data : input;
    const key = typeof values[keyField] === 'string' ? values[keyField] : rawKey;
    if (key !== null) {
      const first = firstRowOf.get(key);
      if (first !== undefined) errors.push({ column: headerOf(keyField), message: `与第 ${first} 行重复` });
      else firstRowOf.set(key, sheetRow.row);
    }
    const department = values.departmentCode;
    if (typeof department === 'string' && parsed.success && !departments.has(department)) {
      errors.push({ column: headerOf('departmentCode'), message: `没有编码为 ${department} 的部门` });
    }
    let status: ImportRowStatus = 'created';
    if (errors.length > 0) status = 'error';
    else if (before) status = WRITTEN.every((f) => values[f] === before[f]) ? 'unchanged' : 'updated';
    return { row: sheetRow.row, key, status, errors, values };
  });
}

function report(kind: ImportKind, rows: PlannedRow[], imported: boolean, dryRun: boolean): ImportReport {
  const counts: ImportReport['counts'] = { created: 0, updated: 0, unchanged: 0, error: 0 };
  for (const r of rows) counts[r.status] += 1;
  return { kind, imported, dryRun, counts, rows: rows.map(({ values: _values, ...row }) => row) };
}

/** The audit entry's summary of an import: counts and the keys written (codes, never a PIN or a name). */
export type ImportAudit = (tx: Queryable, summary: Record<string, unknown>) => Promise<void>;

/** Hashes with at most a few scrypt runs at once (libuv's pool has four threads; logins share it). */
async function hashAll(pins: string[]): Promise<string[]> {
  const out: string[] = new Array<string>(pins.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < pins.length; i = next++) out[i] = await hashPin(pins[i]!);
  };
  await Promise.all([worker(), worker()]);
  return out;
}

/**
 * Imports `file` (an .xlsx's bytes) as `kind`. With any error row, or `dryRun`, nothing is written and the report
 * says so (`imported: false`); otherwise every row is written in one transaction with one audit entry (`audit`).
 */
export async function importWorkbook(
  db: CentralDb,
  kind: ImportKind,
  file: Buffer,
  options: { dryRun: boolean; audit: ImportAudit },
): Promise<ImportReport> {
  const sheet = await readSheet(file, IMPORT_COLUMNS[kind], MAX_IMPORT_ROWS[kind]);
  const checked = await plan(db, kind, sheet.rows, false);
  if (options.dryRun || checked.some((r) => r.status === 'error')) {
    return report(kind, checked, false, options.dryRun);
  }
  // Hashing is slow on purpose: done before the transaction, for the rows that create someone.
  const creating = checked.filter((r) => r.status === 'created' && typeof r.values.pin === 'string');
  const hashes = new Map<string, string>();
  const computed = await hashAll(creating.map((r) => r.values.pin as string));
  creating.forEach((r, i) => hashes.set(r.key!, computed[i]!));

  const def = DEFINITIONS[kind];
  const { table, key } = def.entity;
  const written = await db.transaction(async (tx) => {
    // Planned again under the rows' locks: a concurrent change since the check is seen, not overwritten blindly.
    const rows = await plan(tx, kind, sheet.rows, true);
    if (rows.some((r) => r.status === 'error')) {
      throw new HttpError(409, 'conflict', 'the catalogue changed while the file was checked: import it again');
    }
    const created = rows.filter((r) => r.status === 'created');
    const updated = rows.filter((r) => r.status === 'updated');
    const col = (rs: PlannedRow[], f: string) => rs.map((r) => r.values[f] as string);
    if (created.length > 0) {
      const withPin = kind === 'staff';
      const pinHashes = created.map((r) => hashes.get(r.key!));
      if (withPin && pinHashes.some((h) => h === undefined)) {
        throw new HttpError(409, 'conflict', 'the catalogue changed while the file was checked: import it again');
      }
      const inserted = await tx
        .query(
          `INSERT INTO ${table} (${key.column}, name, department_code${withPin ? ', pin_hash' : ''})
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[]${withPin ? ', $4::text[]' : ''})
           ON CONFLICT (${key.column}) DO NOTHING RETURNING ${key.column}`,
          [
            col(created, key.field),
            col(created, 'name'),
            col(created, 'departmentCode'),
            ...(withPin ? [pinHashes] : []),
          ],
        )
        .catch(translateConstraint);
      if (inserted.length !== created.length) {
        throw new HttpError(409, 'conflict', 'the catalogue changed while the file was checked: import it again');
      }
    }
    if (updated.length > 0) {
      await tx
        .query(
          `UPDATE ${table} AS t SET name = u.name, department_code = u.department_code, updated_at = now()
             FROM unnest($1::text[], $2::text[], $3::text[]) AS u(key, name, department_code)
            WHERE t.${key.column} = u.key`,
          [col(updated, key.field), col(updated, 'name'), col(updated, 'departmentCode')],
        )
        .catch(translateConstraint);
    }
    if (created.length + updated.length > 0) await bumpConfigVersion(tx);
    const counts = report(kind, rows, true, false).counts;
    await options.audit(tx, {
      rows: rows.length,
      created: counts.created,
      updated: counts.updated,
      unchanged: counts.unchanged,
      createdKeys: created.map((r) => r.key),
      updatedKeys: updated.map((r) => r.key),
    });
    return rows;
  });
  return report(kind, written, true, false);
}
