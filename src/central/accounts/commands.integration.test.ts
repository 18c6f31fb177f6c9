/**
 * Integration (real PostgreSQL): the first start's `admin` with a one-time password, `hcp central user add` and
 * `hcp central apikey add` (issue 15): each prints its secret once and keeps only a hash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { openPostgres, type CentralDb } from '../db/database.js';
import { migrateCentral } from '../db/migrate.js';
import { createTestDatabase } from '../test-support/pg-cluster.js';
import { checkLogin } from './accounts.js';
import { apiKeyActor } from './api-keys.js';
import { ensureFirstAdmin, runApiKeyAdd, runUserAdd } from './commands.js';

describe('accounts from the command line and at first start', () => {
  let db: CentralDb;
  let url: string;
  beforeAll(async () => {
    url = await createTestDatabase(inject('pgUrl'), 'central_cmd');
    db = await openPostgres(url);
    await migrateCentral(db);
  });
  afterAll(() => db.close());
  const options = () => ({ dataDir: '/nonexistent', databaseUrl: url, logger: silentLogger });

  it('makes admin once, with a one-time password that must be changed', async () => {
    const password = await ensureFirstAdmin(db);
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(await ensureFirstAdmin(db)).toBeNull();
    const login = await checkLogin(db, 'admin', password!);
    expect(login).toMatchObject({ ok: true, account: { role: 'admin', mustChangePassword: true } });
  });

  it('adds an account and an API key, printing their secrets once', async () => {
    await db.query("INSERT INTO departments (code, name) VALUES ('GA', '公安局')");
    const { account, oneTimePassword } = await runUserAdd(options(), {
      username: 'li.qiang',
      displayName: '李强',
      role: 'handler',
      departments: ['GA'],
    });
    expect(account).toMatchObject({ role: 'handler', departments: ['GA'], mustChangePassword: true });
    expect(await checkLogin(db, 'li.qiang', oneTimePassword)).toMatchObject({ ok: true });
    const { apiKey, key } = await runApiKeyAdd(options(), { name: 'reporting', scope: 'auditor' });
    expect(apiKey).toMatchObject({ name: 'reporting', scope: 'auditor', createdBy: 'cli' });
    expect(await apiKeyActor(db, key)).toEqual({ kind: 'api_key', id: apiKey.id, name: 'reporting', role: 'auditor' });
    await expect(runApiKeyAdd(options(), { name: 'x y', scope: 'handler' })).rejects.toThrow();
  });
});
