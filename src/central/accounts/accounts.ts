/**
 * Accounts of the centre's staff (issue 15): created by an admin (or the CLI) with a one-time password that must be
 * changed at the first login; five failed logins in a row lock an account for fifteen minutes. A change of role,
 * departments or a disabling ends every session of the account, in the same transaction. Runs in Node.
 */
import { HttpError } from '../../common/http.js';
import { uuidv7 } from '../../common/ids.js';
import type { Role } from '../../shared/abilities.js';
import { AccountCreate, AccountPatch, type Account } from '../../shared/accounts-api.js';
import { LOCKOUT_MINUTES, MAX_FAILED_LOGINS } from '../../shared/password-policy.js';
import type { CentralDb, Queryable } from '../db/database.js';
import { burnVerification, hashPassword, passwordProblem, verifyPassword } from './passwords.js';

export { LOCKOUT_MINUTES, MAX_FAILED_LOGINS };

export { AccountCreate, AccountPatch };
export type { Account };

interface AccountRow {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  departments: string[];
  must_change_password: boolean;
  disabled_at: Date | null;
  locked_until: Date | null;
  created_at: Date;
  last_login_at: Date | null;
}

const SELECT_ACCOUNT = `
  SELECT a.id, a.username, a.display_name, a.role, a.must_change_password, a.disabled_at, a.locked_until,
         a.created_at,
         -- The newest login entry of the account: a short backward walk of the log's target index.
         (SELECT l.at FROM audit_log l WHERE l.target = 'account:' || a.id AND l.action = 'auth.login'
           ORDER BY l.seq DESC LIMIT 1) AS last_login_at,
         coalesce((SELECT array_agg(d.department_code ORDER BY d.department_code)
                     FROM account_departments d WHERE d.account_id = a.id), '{}') AS departments
    FROM accounts a`;

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    departments: row.departments,
    mustChangePassword: row.must_change_password,
    disabled: row.disabled_at !== null,
    lockedUntil: row.locked_until && row.locked_until > new Date() ? row.locked_until.toISOString() : null,
    createdAt: row.created_at.toISOString(),
    lastLoginAt: row.last_login_at?.toISOString() ?? null,
  };
}

export async function getAccount(q: Queryable, id: string): Promise<Account | null> {
  const [row] = await q.query<AccountRow>(`${SELECT_ACCOUNT} WHERE a.id = $1`, [id]);
  return row ? toAccount(row) : null;
}

export async function listAccounts(q: Queryable): Promise<Account[]> {
  return (await q.query<AccountRow>(`${SELECT_ACCOUNT} ORDER BY lower(a.username)`)).map(toAccount);
}

async function setDepartments(tx: Queryable, accountId: string, departments: string[]): Promise<void> {
  await tx.query('DELETE FROM account_departments WHERE account_id = $1', [accountId]);
  const unique = [...new Set(departments)];
  if (unique.length === 0) return;
  const known = await tx.query<{ code: string }>('SELECT code FROM departments WHERE code = ANY($1::text[])', [unique]);
  const missing = unique.filter((c) => !known.some((k) => k.code === c));
  if (missing.length > 0) throw new HttpError(400, 'invalid_request', `unknown departments: ${missing.join(', ')}`);
  await tx.query('INSERT INTO account_departments (account_id, department_code) SELECT $1, unnest($2::text[])', [
    accountId,
    unique,
  ]);
}

/** A new account with `password` (a one-time one: it must be changed at the first login). */
export async function createAccount(
  db: CentralDb,
  input: AccountCreate,
  password: string,
  onCreated?: (tx: Queryable, account: Account) => Promise<void>,
): Promise<Account> {
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const [taken] = await tx.query('SELECT 1 FROM accounts WHERE lower(username) = lower($1)', [input.username]);
    if (taken) throw new HttpError(409, 'conflict', 'an account of that name exists');
    const id = uuidv7();
    await tx.query(
      `INSERT INTO accounts (id, username, display_name, role, password_hash, must_change_password)
       VALUES ($1, $2, $3, $4, $5, true)`,
      [id, input.username, input.displayName, input.role, passwordHash],
    );
    await setDepartments(tx, id, input.departments);
    const account = (await getAccount(tx, id))!;
    await onCreated?.(tx, account);
    return account;
  });
}

/** Changes an account; a change of role, departments or disabling ends all its sessions. */
export async function patchAccount(
  db: CentralDb,
  id: string,
  patch: AccountPatch,
  onUpdated?: (tx: Queryable, account: Account) => Promise<void>,
): Promise<Account> {
  return db.transaction(async (tx) => {
    // Admins are locked in a fixed order (by id), so that two concurrent changes cannot both see another admin.
    const admins = await tx.query<{ id: string }>(
      "SELECT id FROM accounts WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE",
    );
    const [row] = await tx.query<{ role: Role }>('SELECT role FROM accounts WHERE id = $1 FOR UPDATE', [id]);
    if (!row) throw new HttpError(404, 'not_found', 'no such account');
    const losesAdmin =
      admins.some((a) => a.id === id) &&
      ((patch.role !== undefined && patch.role !== 'admin') || patch.disabled === true);
    if (losesAdmin && admins.length === 1) {
      throw new HttpError(409, 'last_admin', 'the last active admin can be neither demoted nor disabled');
    }
    await tx.query(
      `UPDATE accounts SET display_name = coalesce($2, display_name), role = coalesce($3, role),
              disabled_at = CASE WHEN $4::boolean IS NULL THEN disabled_at
                                 WHEN $4 THEN coalesce(disabled_at, now()) ELSE NULL END,
              updated_at = now()
        WHERE id = $1`,
      [id, patch.displayName ?? null, patch.role ?? null, patch.disabled ?? null],
    );
    if (patch.departments) await setDepartments(tx, id, patch.departments);
    if (patch.role !== undefined || patch.departments !== undefined || patch.disabled === true) {
      await tx.query('DELETE FROM sessions WHERE account_id = $1', [id]);
    }
    const account = (await getAccount(tx, id))!;
    await onUpdated?.(tx, account);
    return account;
  });
}

/** Sets a new one-time password (to be changed at the next login), unlocks, and ends every session. */
export async function resetPassword(
  db: CentralDb,
  id: string,
  password: string,
  onReset?: (tx: Queryable) => Promise<void>,
): Promise<void> {
  const passwordHash = await hashPassword(password);
  await db.transaction(async (tx) => {
    const rows = await tx.query(
      `UPDATE accounts SET password_hash = $2, must_change_password = true, failed_logins = 0, locked_until = NULL,
              updated_at = now() WHERE id = $1 RETURNING id`,
      [id, passwordHash],
    );
    if (rows.length === 0) throw new HttpError(404, 'not_found', 'no such account');
    await tx.query('DELETE FROM sessions WHERE account_id = $1', [id]);
    await onReset?.(tx);
  });
}

export type LoginOutcome =
  | { ok: true; account: Account }
  | { ok: false; reason: 'bad_credentials' | 'disabled'; accountId: string | null }
  /** `lockedUntil`: when the lock runs out (the console says how long is left). */
  | { ok: false; reason: 'locked'; accountId: string; lockedUntil: string };

/**
 * Checks a name and password. Five failures in a row lock the account for fifteen minutes (a correct password
 * included, while locked); a success clears the count. A disabled account never logs in. An unknown name costs
 * the time of a hash, as a known one does.
 */
export async function checkLogin(db: CentralDb, username: string, password: string): Promise<LoginOutcome> {
  const [row] = await db.query<{
    id: string;
    password_hash: string;
    disabled_at: Date | null;
    locked: boolean;
    locked_until: Date | null;
  }>(
    `SELECT id, password_hash, disabled_at, coalesce(locked_until > now(), false) AS locked, locked_until
       FROM accounts WHERE lower(username) = lower($1)`,
    [username],
  );
  if (!row) {
    await burnVerification(password);
    return { ok: false, reason: 'bad_credentials', accountId: null };
  }
  if (row.locked) {
    return { ok: false, reason: 'locked', accountId: row.id, lockedUntil: row.locked_until!.toISOString() };
  }
  const good = await verifyPassword(row.password_hash, password);
  if (!good) {
    await db.query(
      // A lock that has run out starts the count again.
      `UPDATE accounts SET failed_logins = CASE WHEN locked_until <= now() THEN 1 ELSE failed_logins + 1 END,
              locked_until = CASE WHEN (CASE WHEN locked_until <= now() THEN 1 ELSE failed_logins + 1 END) >= $2
                                  THEN now() + make_interval(mins => $3) ELSE NULL END
        WHERE id = $1`,
      [row.id, MAX_FAILED_LOGINS, LOCKOUT_MINUTES],
    );
    return { ok: false, reason: 'bad_credentials', accountId: row.id };
  }
  if (row.disabled_at) return { ok: false, reason: 'disabled', accountId: row.id };
  await db.query('UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = $1', [row.id]);
  return { ok: true, account: (await getAccount(db, row.id))! };
}

/**
 * The account's own change of password: the current one must be right, the new one meet the policy and differ.
 * Ends every other session of the account.
 */
export async function changePassword(
  db: CentralDb,
  accountId: string,
  keepSessionHash: Buffer,
  current: string,
  next: string,
  onChanged?: (tx: Queryable) => Promise<void>,
): Promise<void> {
  const [row] = await db.query<{ username: string; password_hash: string }>(
    'SELECT username, password_hash FROM accounts WHERE id = $1',
    [accountId],
  );
  if (!row || !(await verifyPassword(row.password_hash, current))) {
    throw new HttpError(403, 'bad_credentials', 'the current password is not right');
  }
  const problem = passwordProblem(next, row.username);
  if (problem) throw new HttpError(400, 'weak_password', problem);
  if (next === current) throw new HttpError(400, 'weak_password', 'the new password is the current one');
  const passwordHash = await hashPassword(next);
  await db.transaction(async (tx) => {
    await tx.query(
      'UPDATE accounts SET password_hash = $2, must_change_password = false, updated_at = now() WHERE id = $1',
      [accountId, passwordHash],
    );
    await tx.query('DELETE FROM sessions WHERE account_id = $1 AND id_hash <> $2', [accountId, keepSessionHash]);
    await onChanged?.(tx);
  });
}
