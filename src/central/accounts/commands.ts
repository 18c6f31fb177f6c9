/**
 * Accounts from the command line and at first start (issue 15): `hcp central user add` and `hcp central apikey
 * add` print the one-time password or the key once (only hashes are kept), on DATABASE_URL or the embedded
 * PostgreSQL in --data (the running one, or started for the command and stopped after); and the first start of a
 * centre without accounts makes `admin`, with a one-time password printed once. Runs in Node.
 */
import type { Role } from '../../shared/abilities.js';
import { withCentralDb, type CommandDbOptions } from '../db/command-db.js';
import type { CentralDb } from '../db/database.js';
import { AccountCreate, createAccount, type Account } from './accounts.js';
import { ApiKeyCreate, createApiKey, type ApiKey } from './api-keys.js';
import { oneTimePassword } from './auth.js';

export type { CommandDbOptions };

export async function runUserAdd(
  options: CommandDbOptions,
  input: { username: string; displayName: string; role: Role; departments: string[] },
): Promise<{ account: Account; oneTimePassword: string }> {
  const parsed = AccountCreate.parse(input);
  const password = oneTimePassword();
  const account = await withCentralDb(options, 'accounts', (db) => createAccount(db, parsed, password));
  return { account, oneTimePassword: password };
}

export async function runApiKeyAdd(
  options: CommandDbOptions,
  input: { name: string; scope: string },
): Promise<{ apiKey: ApiKey; key: string }> {
  const parsed = ApiKeyCreate.parse(input);
  return withCentralDb(options, 'accounts', (db) => createApiKey(db, parsed, 'cli'));
}

/** At start: a centre with no account gets `admin`, whose one-time password is returned (to print once). */
export async function ensureFirstAdmin(db: CentralDb): Promise<string | null> {
  const [row] = await db.query<{ n: number }>('SELECT count(*) AS n FROM accounts');
  if (row!.n > 0) return null;
  const password = oneTimePassword();
  try {
    await createAccount(
      db,
      { username: 'admin', displayName: 'Administrator', role: 'admin', departments: [] },
      password,
    );
  } catch {
    // Another central process made it at the same moment: its password is the one printed.
    return null;
  }
  return password;
}
