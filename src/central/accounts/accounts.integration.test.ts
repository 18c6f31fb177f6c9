/**
 * Integration (real PostgreSQL): accounts, sessions and authorization at the centre (issue 15). Login with
 * argon2id, lockout after five failures, CSRF on state-changing requests with a session, the forced change of a
 * one-time password, sessions ended by a change of role or a disabling, and the authorization walk: every admin
 * route × every role × no session, against src/shared/abilities.ts.
 */
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ABILITIES, ROLES, type Role } from '../../shared/abilities.js';
import { listRoutes } from '../../common/test-support/api-fuzz.js';
import { ADMIN_ROUTE_ABILITIES } from '../policies/policies.js';
import { startHarness, type Harness } from '../test-support/api-harness.js';
import { createAccount } from './accounts.js';
import { API_KEY_SCOPES, createApiKey, type ApiKeyScope } from './api-keys.js';
import { SESSION_COOKIE } from './sessions.js';

const PASSWORD = 'correct horse 42 battery';

describe('accounts and sessions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      enrollPerMinute: 10_000,
      devicePerMinute: 1_000_000,
      deviceFailuresPerMinute: 1_000_000,
      loginPerMinute: 10_000,
    });
  });
  afterAll(() => h.close());

  let n = 0;
  const makeAccount = async (role: Role, options: { mustChange?: boolean; departments?: string[] } = {}) => {
    n += 1;
    const account = await createAccount(
      h.db,
      { username: `user${n}`, displayName: `User ${n}`, role, departments: options.departments ?? [] },
      PASSWORD,
    );
    if (!options.mustChange) {
      await h.db.query('UPDATE accounts SET must_change_password = false WHERE id = $1', [account.id]);
    }
    return account;
  };
  const login = (username: string, password = PASSWORD) =>
    h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  const sessionOf = async (username: string) => {
    const res = await login(username);
    expect(res.statusCode, res.body).toBe(200);
    const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE)!;
    return { cookie: cookie.value, csrf: res.json<{ csrfToken: string }>().csrfToken, set: cookie };
  };
  const asSession = (
    s: { cookie: string; csrf: string },
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    payload?: unknown,
    csrf: string | null = s.csrf,
  ): Promise<LightMyRequestResponse> =>
    h.app.inject({
      method,
      url,
      cookies: { [SESSION_COOKIE]: s.cookie },
      headers: csrf === null ? {} : { 'x-csrf-token': csrf },
      payload: payload as object,
    });

  it('logs in with the right password, sets a strict HttpOnly cookie, and keeps only hashes', async () => {
    const a = await makeAccount('admin');
    const s = await sessionOf(a.username);
    expect(s.set).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/' });
    const me = await asSession(s, 'GET', '/api/v1/auth/me');
    expect(me.json()).toMatchObject({ account: { id: a.id, role: 'admin' }, csrfToken: s.csrf });
    const [row] = await h.db.query<{ password_hash: string }>('SELECT password_hash FROM accounts WHERE id = $1', [
      a.id,
    ]);
    expect(row!.password_hash).toMatch(/^\$argon2id\$/);
    expect(await h.count(`audit_log WHERE action = 'auth.login' AND actor_id = '${a.id}' AND result = 'ok'`)).toBe(1);
    expect(await h.count(`sessions WHERE id_hash = sha256(convert_to('${s.cookie}', 'UTF8'))`)).toBe(1);
    expect(await h.count(`sessions WHERE encode(id_hash, 'escape') LIKE '%${s.cookie}%'`)).toBe(0);
  });

  it('refuses a wrong password and an unknown name alike, and locks after five failures', async () => {
    const a = await makeAccount('leader');
    expect((await login('nobody-here')).json()).toMatchObject({ error: 'bad_credentials' });
    expect(await h.count("audit_log WHERE action = 'auth.login_failed' AND target IS NULL")).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) expect((await login(a.username, 'wrong password 1')).statusCode).toBe(401);
    const locked = await login(a.username);
    expect([locked.statusCode, locked.json<{ error: string }>().error]).toEqual([429, 'account_locked']);
    // Fifteen minutes later, the right password opens it again.
    await h.db.query("UPDATE accounts SET locked_until = now() - interval '1 second' WHERE id = $1", [a.id]);
    // A run-out lock starts the count again: one more failure does not lock.
    expect((await login(a.username, 'wrong password 1')).statusCode).toBe(401);
    expect((await login(a.username)).statusCode).toBe(200);
  });

  it('keeps one active admin at least', async () => {
    await h.db.query("UPDATE accounts SET disabled_at = now() WHERE role = 'admin'");
    const only = await makeAccount('admin');
    const s = await sessionOf(only.username);
    for (const patch of [{ role: 'leader' }, { disabled: true }]) {
      const res = await asSession(s, 'PATCH', `/api/v1/admin/accounts/${only.id}`, patch);
      expect([res.statusCode, res.json<{ error: string }>().error]).toEqual([409, 'last_admin']);
    }
    const other = await makeAccount('admin');
    const res = await asSession(s, 'PATCH', `/api/v1/admin/accounts/${other.id}`, { disabled: true });
    expect(res.statusCode).toBe(200);
  });

  it('refuses a state-changing request with a session but without the CSRF token', async () => {
    const a = await makeAccount('admin');
    const s = await sessionOf(a.username);
    const body = { code: 'CSRF1', name: 'x' };
    for (const token of [null, 'not-the-token']) {
      const res = await asSession(s, 'POST', '/api/v1/admin/departments', body, token);
      expect([res.statusCode, res.json<{ error: string }>().error]).toEqual([403, 'csrf_refused']);
    }
    expect((await asSession(s, 'POST', '/api/v1/auth/logout', undefined, null)).statusCode).toBe(403);
    expect((await asSession(s, 'POST', '/api/v1/admin/departments', body)).statusCode).toBe(201);
  });

  it('forces the change of a one-time password before anything else', async () => {
    const a = await makeAccount('admin', { mustChange: true });
    const s = await sessionOf(a.username);
    const refused = await asSession(s, 'GET', '/api/v1/admin/devices');
    expect([refused.statusCode, refused.json<{ error: string }>().error]).toEqual([403, 'password_change_required']);
    const weak = await asSession(s, 'POST', '/api/v1/auth/password', { current: PASSWORD, next: 'short1' });
    expect(weak.json()).toMatchObject({ error: 'weak_password' });
    const wrong = await asSession(s, 'POST', '/api/v1/auth/password', {
      current: 'not it at all 1',
      next: 'a much better one 77',
    });
    expect(wrong.statusCode).toBe(403);
    const ok = await asSession(s, 'POST', '/api/v1/auth/password', {
      current: PASSWORD,
      next: 'a much better one 77',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await asSession(s, 'GET', '/api/v1/admin/devices')).statusCode).toBe(200);
    expect((await login(a.username)).statusCode).toBe(401);
    expect((await login(a.username, 'a much better one 77')).statusCode).toBe(200);
  });

  it('ends the sessions of an account whose role changes or which is disabled, and at logout', async () => {
    const admin = await sessionOf((await makeAccount('admin')).username);
    const a = await makeAccount('supervisor');
    const s1 = await sessionOf(a.username);
    expect((await asSession(s1, 'GET', '/api/v1/admin/devices')).statusCode).toBe(200);
    const patched = await asSession(admin, 'PATCH', `/api/v1/admin/accounts/${a.id}`, { role: 'leader' });
    expect(patched.json()).toMatchObject({ role: 'leader' });
    expect((await asSession(s1, 'GET', '/api/v1/admin/devices')).statusCode).toBe(401);
    const s2 = await sessionOf(a.username);
    expect((await asSession(s2, 'GET', '/api/v1/admin/devices')).statusCode).toBe(403);
    await asSession(admin, 'PATCH', `/api/v1/admin/accounts/${a.id}`, { disabled: true });
    expect((await asSession(s2, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    expect((await login(a.username)).statusCode).toBe(401);
    const out = await asSession(admin, 'POST', '/api/v1/auth/logout');
    expect(out.statusCode).toBe(200);
    expect((await asSession(admin, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
  });

  it('ends a session idle for 30 minutes or older than 12 hours', async () => {
    const a = await makeAccount('leader');
    const idle = await sessionOf(a.username);
    await h.db.query("UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE account_id = $1", [a.id]);
    expect((await asSession(idle, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    const old = await sessionOf(a.username);
    await h.db.query("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE account_id = $1", [a.id]);
    expect((await asSession(old, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
  });

  it('creates an account with a one-time password shown once, and resets it', async () => {
    const admin = await sessionOf((await makeAccount('admin')).username);
    const created = await asSession(admin, 'POST', '/api/v1/admin/accounts', {
      username: 'handler.scjg',
      displayName: '张三',
      role: 'handler',
      departments: ['SCJG'],
    });
    expect(created.statusCode, created.body).toBe(201);
    const { account, oneTimePassword } = created.json<{ account: { id: string }; oneTimePassword: string }>();
    expect(created.json()).toMatchObject({ account: { departments: ['SCJG'], mustChangePassword: true } });
    expect((await login('handler.scjg', oneTimePassword)).statusCode).toBe(200);
    const reset = await asSession(admin, 'POST', `/api/v1/admin/accounts/${account.id}/reset-password`);
    expect((await login('handler.scjg', oneTimePassword)).statusCode).toBe(401);
    expect((await login('HANDLER.scjg', reset.json<{ oneTimePassword: string }>().oneTimePassword)).statusCode).toBe(
      200,
    );
    await asSession(admin, 'PATCH', `/api/v1/admin/accounts/${account.id}`, { displayName: '张三丰' });
    expect(await h.count(`audit_log WHERE target = 'account:${account.id}' AND action LIKE 'account.%'`)).toBe(3);
    const secrets = [oneTimePassword, reset.json<{ oneTimePassword: string }>().oneTimePassword, '张三'];
    const rows = await h.db.query<{ row: string }>('SELECT a::text AS row FROM audit_log a');
    expect(rows.filter((r) => secrets.some((x) => r.row.includes(x)))).toEqual([]);
    const dup = await asSession(admin, 'POST', '/api/v1/admin/accounts', {
      username: 'Handler.SCJG',
      displayName: 'x',
      role: 'leader',
    });
    expect(dup.statusCode).toBe(409);
  });

  it('makes an API key shown once, kept hashed, used until revoked', async () => {
    const admin = await sessionOf((await makeAccount('admin')).username);
    const created = await asSession(admin, 'POST', '/api/v1/admin/api-keys', { name: 'bi export', scope: 'leader' });
    expect(created.statusCode, created.body).toBe(201);
    const { apiKey, key } = created.json<{ apiKey: { id: string }; key: string }>();
    expect(key).toMatch(/^hcpk_[\w-]{43}$/);
    expect(await h.count(`api_keys WHERE key_hash = sha256(convert_to('${key}', 'UTF8'))`)).toBe(1);
    const asKey = (k: string, url: string) =>
      h.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${k}` } });
    expect((await asKey(key, '/api/v1/admin/stats')).statusCode).toBe(200);
    expect((await asKey(key, '/api/v1/admin/settings')).statusCode).toBe(403);
    expect((await asKey(`${key}x`, '/api/v1/admin/stats')).statusCode).toBe(401);
    const listed = await asSession(admin, 'GET', '/api/v1/admin/api-keys');
    const used = listed.json<{ id: string; lastUsedAt: string | null }[]>().find((k) => k.id === apiKey.id);
    expect(typeof used?.lastUsedAt).toBe('string');
    expect(listed.body).not.toContain(key);
    const revoked = await asSession(admin, 'POST', `/api/v1/admin/api-keys/${apiKey.id}/revoke`);
    expect(typeof revoked.json<{ revokedAt: string | null }>().revokedAt).toBe('string');
    expect((await asKey(key, '/api/v1/admin/stats')).statusCode).toBe(401);
  });

  it('has an ability for every admin route the centre registers, so that the walk below misses none', async () => {
    const admin = listRoutes(h.app, ['/api/docs'])
      .filter((r) => r.url.startsWith('/api/v1/admin/') && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`);
    expect(admin.length).toBeGreaterThan(20);
    expect(admin.filter((route) => !(route in ADMIN_ROUTE_ABILITIES))).toEqual([]);
  });

  it('walks every admin route × every role × every API key scope × no session, as abilities.ts says', async () => {
    const sessions = new Map<Role, { cookie: string; csrf: string }>();
    for (const role of ROLES) sessions.set(role, await sessionOf((await makeAccount(role)).username));
    const keys = new Map<ApiKeyScope, string>();
    for (const scope of API_KEY_SCOPES) {
      keys.set(scope, (await createApiKey(h.db, { name: `walk ${scope}`, scope }, 'test')).key);
    }
    const wrongs: string[] = [];
    for (const [route, ability] of Object.entries(ADMIN_ROUTE_ABILITIES)) {
      const [method, pattern] = route.split(' ') as ['GET' | 'POST' | 'PATCH', string];
      const url = pattern.replace(':key', 'NO-SUCH-KEY').replace(':id', randomUUID());
      const payload = method === 'GET' ? undefined : {};
      const anonymous = await h.app.inject({ method, url, payload: payload as object });
      if (anonymous.statusCode !== 401) wrongs.push(`${route} without a session: ${anonymous.statusCode}`);
      for (const role of ROLES) {
        const res = await asSession(sessions.get(role)!, method, url, payload);
        const allowed = (ABILITIES[ability] as readonly Role[]).includes(role);
        const refused = res.statusCode === 403 && res.json<{ error: string }>().error === 'forbidden';
        if (allowed === refused || res.statusCode === 401 || res.statusCode >= 500) {
          wrongs.push(`${route} as ${role}: ${res.statusCode} ${res.body.slice(0, 80)}`);
        }
      }
      for (const [scope, key] of keys) {
        const res = await h.app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, payload });
        const allowed = (ABILITIES[ability] as readonly string[]).includes(scope);
        const refused = res.statusCode === 403 && res.json<{ error: string }>().error === 'forbidden';
        if (allowed === refused || res.statusCode === 401 || res.statusCode >= 500) {
          wrongs.push(`${route} with a ${scope} key: ${res.statusCode} ${res.body.slice(0, 80)}`);
        }
      }
    }
    expect(wrongs).toEqual([]);
  });
});
