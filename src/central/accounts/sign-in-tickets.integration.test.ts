/**
 * Integration (real PostgreSQL): the demo's signed-in console link. A ticket the central process issued opens a
 * session as a login does (cookie, CSRF token, audited as the account's login), once, within its time; a used,
 * unknown or expired ticket, or one of a disabled account, opens nothing and is audited as a refused login.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../test-support/api-harness.js';
import { createAccount } from './accounts.js';
import { SESSION_COOKIE } from './sessions.js';
import { SIGN_IN_TICKET_TTL_MS, SignInTickets } from './sign-in-tickets.js';

describe('sign-in tickets', () => {
  let h: Harness;
  let now = Date.now();
  const tickets = new SignInTickets(() => now);
  let accountId = '';
  beforeAll(async () => {
    h = await startHarness(undefined, { signInTickets: tickets });
    const account = await createAccount(
      h.db,
      { username: 'demo', displayName: '演示管理员', role: 'admin', departments: [] },
      'HcpDemo-2026',
    );
    await h.db.query('UPDATE accounts SET must_change_password = false WHERE id = $1', [account.id]);
    accountId = account.id;
  });
  afterAll(() => h.close());

  const redeem = (ticket: string) => h.app.inject({ method: 'POST', url: '/api/v1/auth/ticket', payload: { ticket } });

  it('opens a session as a login does, once', async () => {
    const ticket = tickets.issue(accountId);
    const res = await redeem(ticket);
    expect(res.statusCode).toBe(200);
    const body = res.json<{ account: { username: string }; csrfToken: string }>();
    expect(body.account.username).toBe('demo');
    const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE)!;
    expect(cookie.httpOnly).toBe(true);
    const me = await h.app.inject({
      method: 'GET',
      url: '/api/v1/admin/devices',
      cookies: { [SESSION_COOKIE]: cookie.value },
    });
    expect(me.statusCode).toBe(200);
    expect(await h.count(`audit_log WHERE action = 'auth.login' AND summary->>'via' = 'ticket'`)).toBe(1);

    const again = await redeem(ticket);
    expect(again.statusCode).toBe(401);
    expect(again.json<{ error: string }>().error).toBe('bad_ticket');
  });

  it('refuses an unknown or expired ticket, and one of a disabled account, auditing each refusal', async () => {
    const before = await h.count(`audit_log WHERE action = 'auth.login_failed'`);
    expect((await redeem('not-a-ticket')).statusCode).toBe(401);

    const late = tickets.issue(accountId);
    now += SIGN_IN_TICKET_TTL_MS + 1;
    expect((await redeem(late)).statusCode).toBe(401);

    const disabledLater = tickets.issue(accountId);
    await h.db.query('UPDATE accounts SET disabled_at = now() WHERE id = $1', [accountId]);
    expect((await redeem(disabledLater)).statusCode).toBe(401);
    expect(await h.count(`audit_log WHERE action = 'auth.login_failed'`)).toBe(before + 3);
  });

  it('is no way in for a centre that issues none', async () => {
    const plain = await startHarness();
    try {
      const res = await plain.app.inject({ method: 'POST', url: '/api/v1/auth/ticket', payload: { ticket: 'x' } });
      expect(res.statusCode).toBe(401);
    } finally {
      await plain.close();
    }
  });
});
