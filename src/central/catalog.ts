/**
 * The hall's catalogue, kept by the centre's staff through the admin API: departments, windows, service items,
 * reason tags (第七条) and staff. One table-driven repository serves all five; every change bumps the configuration
 * version in the same transaction, so kiosks learn of it at their next heartbeat. Runs in Node.
 */
import type { z } from 'zod';
import { hashPin } from '../common/pin-hash.js';
import { HttpError } from '../common/http.js';
import {
  DepartmentCreate,
  DepartmentPatch,
  ReasonTagCreate,
  ReasonTagPatch,
  ServiceItemCreate,
  ServiceItemPatch,
  StaffCreate,
  StaffPatch,
  WindowCreate,
  WindowPatch,
} from '../shared/central-api.js';
import { DepartmentScope } from './accounts/department-scope.js';
import type { CentralDb, Queryable, Tx } from './db/database.js';

export interface CatalogEntity {
  /** URL segment under /api/v1/admin/. */
  path: string;
  table: string;
  /** The API field that names a row, and its column. */
  key: { field: string; column: string };
  /** API field → column, for every field a client may read or write (PINs excepted). */
  columns: Record<string, string>;
  create: z.ZodType<Record<string, unknown>>;
  patch: z.ZodType<Record<string, unknown>>;
  /** Fields the API never returns. */
  hidden?: string[];
}

const named = { code: 'code', name: 'name' };
const inDepartment = { ...named, departmentCode: 'department_code' };

export const CATALOG: CatalogEntity[] = [
  {
    path: 'departments',
    table: 'departments',
    key: { field: 'code', column: 'code' },
    columns: named,
    create: DepartmentCreate,
    patch: DepartmentPatch,
  },
  {
    path: 'windows',
    table: 'windows',
    key: { field: 'code', column: 'code' },
    columns: inDepartment,
    create: WindowCreate,
    patch: WindowPatch,
  },
  {
    path: 'service-items',
    table: 'service_items',
    key: { field: 'code', column: 'code' },
    columns: inDepartment,
    create: ServiceItemCreate,
    patch: ServiceItemPatch,
  },
  {
    path: 'reason-tags',
    table: 'reason_tags',
    key: { field: 'code', column: 'code' },
    columns: { code: 'code', label: 'label', position: 'position', levels: 'levels' },
    create: ReasonTagCreate,
    patch: ReasonTagPatch,
  },
  {
    path: 'staff',
    table: 'staff',
    key: { field: 'staffNo', column: 'staff_no' },
    columns: {
      staffNo: 'staff_no',
      name: 'name',
      departmentCode: 'department_code',
      active: 'active',
      pinHash: 'pin_hash',
    },
    create: StaffCreate,
    patch: StaffPatch,
    hidden: ['pinHash'],
  },
];

/** A PIN in a body becomes its scrypt hash; the PIN itself is never stored. */
async function toColumns(entity: CatalogEntity, body: Record<string, unknown>): Promise<[string, unknown][]> {
  const { pin, ...rest } = body;
  if (typeof pin === 'string') rest.pinHash = await hashPin(pin);
  return Object.entries(rest).map(([field, value]) => [entity.columns[field]!, value]);
}

function selectList(entity: CatalogEntity): string {
  return Object.entries(entity.columns)
    .filter(([field]) => !entity.hidden?.includes(field))
    .map(([field, column]) => `${column} AS "${field}"`)
    .concat(['updated_at AS "updatedAt"'])
    .join(', ');
}

export async function bumpConfigVersion(tx: Queryable): Promise<void> {
  await tx.query('UPDATE config_version SET version = version + 1');
}

/** What a change did, for the audit log written in its transaction (`within`): the fields before and after. */
export interface CatalogChange {
  entity: CatalogEntity;
  key: string;
  /** The row as it was (null for a creation), without hidden fields. */
  before: Record<string, unknown> | null;
  after: Record<string, unknown>;
  /** Whether the change set a new PIN (the PIN and its hash are never part of a change). */
  pinSet: boolean;
}

export type WithinChange = (tx: Tx, change: CatalogChange) => Promise<void>;

export async function createEntry(
  db: CentralDb,
  entity: CatalogEntity,
  body: Record<string, unknown>,
  within?: WithinChange,
) {
  const pairs = await toColumns(entity, body);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .query(
        `INSERT INTO ${entity.table} (${pairs.map(([c]) => c).join(', ')})
         VALUES (${pairs.map((_, i) => `$${i + 1}`).join(', ')})
         ON CONFLICT (${entity.key.column}) DO NOTHING
         RETURNING ${selectList(entity)}`,
        pairs.map(([, v]) => v),
      )
      .catch(translateConstraint);
    if (!row)
      throw new HttpError(409, 'already_exists', `${entity.path} ${String(body[entity.key.field])} exists already`);
    await bumpConfigVersion(tx);
    const key = String(row[entity.key.field]);
    await within?.(tx, { entity, key, before: null, after: row, pinSet: typeof body.pin === 'string' });
    return row;
  });
}

export async function patchEntry(
  db: CentralDb,
  entity: CatalogEntity,
  key: string,
  body: Record<string, unknown>,
  within?: WithinChange,
) {
  const pairs = await toColumns(entity, body);
  if (pairs.length === 0) throw new HttpError(400, 'invalid_request', 'body: nothing to change');
  return db.transaction(async (tx) => {
    const [before] = within
      ? await tx.query(`SELECT ${selectList(entity)} FROM ${entity.table} WHERE ${entity.key.column} = $1 FOR UPDATE`, [
          key,
        ])
      : [];
    const [row] = await tx
      .query(
        `UPDATE ${entity.table} SET ${pairs.map(([c], i) => `${c} = $${i + 2}`).join(', ')}, updated_at = now()
         WHERE ${entity.key.column} = $1 RETURNING ${selectList(entity)}`,
        [key, ...pairs.map(([, v]) => v)],
      )
      .catch(translateConstraint);
    if (!row) throw new HttpError(404, 'not_found', `no ${entity.path} ${key}`);
    await bumpConfigVersion(tx);
    await within?.(tx, { entity, key, before: before ?? null, after: row, pinSet: typeof body.pin === 'string' });
    return row;
  });
}

/** `scope` limits the staff to a handler's departments (the other entities are the hall's reference lists). */
export async function listEntries(db: Queryable, entity: CatalogEntity, scope: DepartmentScope = DepartmentScope.ALL) {
  const params: unknown[] = [];
  const where = entity.table === 'staff' ? `WHERE ${scope.departmentIn('department_code', params)}` : '';
  return db.query(`SELECT ${selectList(entity)} FROM ${entity.table} ${where} ORDER BY ${entity.key.column}`, params);
}

export async function getEntry(
  db: Queryable,
  entity: CatalogEntity,
  key: string,
  scope: DepartmentScope = DepartmentScope.ALL,
) {
  const params: unknown[] = [key];
  const inScope = entity.table === 'staff' ? ` AND ${scope.departmentIn('department_code', params)}` : '';
  const [row] = await db.query(
    `SELECT ${selectList(entity)} FROM ${entity.table} WHERE ${entity.key.column} = $1${inScope}`,
    params,
  );
  if (!row) throw new HttpError(404, 'not_found', `no ${entity.path} ${key}`);
  return row;
}

/** A foreign key that points nowhere is the caller's mistake: 409 `unknown_reference`, not a 500. */
export function translateConstraint(error: unknown): never {
  const e = error as { code?: string; detail?: string; message?: string };
  if (e.code === '23503') {
    throw new HttpError(409, 'unknown_reference', e.detail ?? 'a referenced department or window does not exist');
  }
  throw error;
}
