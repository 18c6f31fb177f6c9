/**
 * Integration (real PostgreSQL, the whole Fastify stack): the accounts list gives each account's last successful
 * login, from the audit log, for the console's 账号 page: null before any, the newest after several, and a failed
 * login does not count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../shared/accounts-api.js';
import { startHarness, type Harness } from '../test-support/api-harness.js';
import { createAccount } from './accounts.js';

describe('an account’s last login', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const listed = async (username: string) =>
    (await h.admin('GET', '/accounts')).json<Account[]>().find((a) => a.username === username)!;
  const login = (username: string, password: string) =>
    h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });

  it('is null until it logs in, then the newest successful login; a failed one does not count', async () => {
    await createAccount(
      h.db,
      { username: 'lee', displayName: '李', role: 'leader', departments: [] },
      'Lee-Pass-2026!',
    );
    expect((await listed('lee')).lastLoginAt).toBeNull();
    expect((await login('lee', 'wrong-password')).statusCode).toBe(401);
    expect((await listed('lee')).lastLoginAt).toBeNull();
    expect((await login('lee', 'Lee-Pass-2026!')).statusCode).toBe(200);
    const first = (await listed('lee')).lastLoginAt!;
    expect(Date.parse(first)).toBeGreaterThan(Date.now() - 60_000);
    expect((await login('lee', 'Lee-Pass-2026!')).statusCode).toBe(200);
    const second = (await listed('lee')).lastLoginAt!;
    expect(Date.parse(second)).toBeGreaterThanOrEqual(Date.parse(first));
    const [newest] = await h.db.query<{ at: Date }>(
      "SELECT at FROM audit_log WHERE action = 'auth.login' ORDER BY seq DESC LIMIT 1",
    );
    expect(second).toBe(newest!.at.toISOString());
  });
});
