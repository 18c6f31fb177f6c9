/**
 * Authentication at the centre (issue 15): the session cookie (or, for one release, the static admin token, which
 * acts as a built-in `admin` API key named `legacy-admin-token`), the CSRF check on every state-changing request
 * made with a session, the forced change of a one-time password, and the routes under /api/v1/auth and
 * /api/v1/admin/accounts. Runs in Node.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBody, HttpError, pathParams } from '../../common/http.js';
import { UuidSchema } from '../../shared/ids.js';
import type { AuditActor } from '../../shared/audit.js';
import { appendAudit, LEGACY_ADMIN_ACTOR } from '../audit/audit-log.js';
import { auditWithin } from '../audit/audit.routes.js';
import type { CentralDb } from '../db/database.js';
import { ADMIN_SECURITY, SESSION_SECURITY } from '../openapi-docs.js';
import { abilityOfRoute, authorize } from '../policies/policies.js';
import {
  AccountCreate,
  AccountPatch,
  changePassword,
  checkLogin,
  createAccount,
  getAccount,
  listAccounts,
  patchAccount,
  resetPassword,
  type Account,
} from './accounts.js';
import { apiKeyActor } from './api-keys.js';
import type { SignInTickets } from './sign-in-tickets.js';
import {
  createSession,
  endSession,
  findSession,
  removeExpiredSessions,
  SESSION_COOKIE,
  type SessionOf,
} from './sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking (set by the authentication hook of the admin and auth routes). */
    actor?: AuditActor;
    /** The session the request came with, when it came with one. */
    accountSession?: SessionOf | null;
  }
}

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const ANONYMOUS: AuditActor = { kind: 'anonymous', id: null, name: null, role: null };

const sessionActor = (s: SessionOf): AuditActor => ({
  kind: 'account',
  id: s.accountId,
  name: s.username,
  role: s.role,
});

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A one-time password: 16 characters of an alphabet without look-alikes, with small letters, capitals and digits. */
export function oneTimePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  for (;;) {
    const bytes = randomBytes(16);
    const out = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
    if (/\d/.test(out) && /[a-z]/.test(out) && /[A-Z]/.test(out)) return out;
  }
}

export interface AuthOptions {
  db: CentralDb;
  adminToken: string;
  /** Cookies are `Secure` when the centre is reached over TLS (its own, or a proxy's). */
  secureCookie: boolean;
  loginPerMinute: number;
  /** Sign-in tickets the central process issues (the demo's console link): redeemed by POST /api/v1/auth/ticket. */
  signInTickets?: SignInTickets;
}

/** Resolves the session of the request's cookie, then checks CSRF for a state-changing request. */
async function resolveSession(db: CentralDb, request: FastifyRequest): Promise<SessionOf | null> {
  const cookie = request.cookies?.[SESSION_COOKIE];
  const session = cookie ? await findSession(db, cookie) : null;
  request.accountSession = session;
  if (session && !SAFE_METHODS.has(request.method)) {
    const given = request.headers[CSRF_HEADER];
    if (typeof given !== 'string' || !sameSecret(given, session.csrfToken)) {
      throw new HttpError(
        403,
        'csrf_refused',
        `a state-changing request with a session needs the ${CSRF_HEADER} header`,
      );
    }
  }
  return session;
}

/**
 * The admin scope's onRequest hook: authenticates (legacy token or session; 401 otherwise), refuses an account
 * that must first change its password, and authorizes the route's ability (403).
 */
export function adminAuthentication(options: AuthOptions) {
  const expected = `Bearer ${options.adminToken}`;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const keyActor = sameSecret(header, expected)
        ? LEGACY_ADMIN_ACTOR
        : header.startsWith('Bearer ')
          ? await apiKeyActor(options.db, header.slice('Bearer '.length))
          : null;
      if (!keyActor) {
        return reply.code(401).send(errorBody('unauthorized', 'a valid Authorization: Bearer token is required'));
      }
      request.actor = keyActor;
    } else {
      const session = await resolveSession(options.db, request);
      if (!session) {
        request.actor = ANONYMOUS;
        return reply.code(401).send(errorBody('unauthorized', 'log in, or give a valid Authorization: Bearer token'));
      }
      request.actor = sessionActor(session);
      if (session.mustChangePassword) {
        throw new HttpError(403, 'password_change_required', 'change the one-time password first');
      }
    }
    const url = request.routeOptions.url;
    if (url === undefined) return; // no such route: Fastify answers 404
    const ability = abilityOfRoute(request.method, url);
    if (!ability) throw new HttpError(403, 'forbidden', 'this route is open to nobody');
    authorize(request.actor, ability);
  };
}

const Login = z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) });
const Ticket = z.strictObject({ ticket: z.string().min(1).max(100) });
const PasswordChange = z.strictObject({ current: z.string().min(1).max(256), next: z.string().min(1).max(256) });

/** Login attempts per account name per minute (beside the lockout), in memory: one central node. */
class PerAccountLimit {
  private readonly windows = new Map<string, { start: number; n: number }>();
  constructor(private readonly max: number) {}
  take(name: string): boolean {
    const now = Date.now();
    const key = name.toLowerCase();
    const w = this.windows.get(key);
    if (!w || now - w.start >= 60_000) {
      if (this.windows.size > 10_000) this.windows.clear();
      this.windows.set(key, { start: now, n: 1 });
      return true;
    }
    w.n += 1;
    return w.n <= this.max;
  }
}

/** POST /api/v1/auth/login, logout, password; GET /api/v1/auth/me. Register with prefix /api/v1/auth. */
export function authRoutes(options: AuthOptions) {
  const { db } = options;
  const perAccount = new PerAccountLimit(options.loginPerMinute);
  const cookieOptions = {
    path: '/api/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: options.secureCookie,
  };
  return async (auth: FastifyInstance) => {
    const requireSession = async (request: FastifyRequest): Promise<SessionOf> => {
      const session = await resolveSession(db, request);
      if (!session) throw new HttpError(401, 'unauthorized', 'not logged in');
      request.actor = sessionActor(session);
      return session;
    };

    /** A new session for `account`, audited as its login, its cookie set: the answer of a login. */
    const openSession = async (
      request: FastifyRequest,
      reply: FastifyReply,
      account: Account,
      summary: Record<string, unknown> | null,
    ) => {
      const session = await db.transaction(async (tx) => {
        await removeExpiredSessions(tx, account.id);
        const created = await createSession(tx, account.id, request.ip);
        await appendAudit(tx, {
          actor: { kind: 'account', id: account.id, name: account.username, role: account.role },
          action: 'auth.login',
          target: `account:${account.id}`,
          summary,
          ip: request.ip,
          result: 'ok',
        });
        return created;
      });
      reply.setCookie(SESSION_COOKIE, session.id, cookieOptions);
      return { account, csrfToken: session.csrfToken };
    };

    /** A refused login (a password's or a ticket's), in the audit log: by nobody yet, of the account it named. */
    const refusedLogin = (request: FastifyRequest, accountId: string | null, reason: string) =>
      appendAudit(db, {
        actor: { kind: 'anonymous', id: accountId, name: null, role: null },
        action: 'auth.login_failed',
        target: accountId ? `account:${accountId}` : null,
        summary: { reason },
        ip: request.ip,
        result: 'refused',
      });

    const r = auth.withTypeProvider<ZodTypeProvider>();
    const login = {
      tags: ['auth'],
      summary: 'Log in (登录): sets the session cookie and answers the account and its CSRF token',
      body: Login,
    };
    r.post(
      '/login',
      { schema: login, config: { rateLimit: { max: options.loginPerMinute, timeWindow: 60_000 } } },
      async (request, reply) => {
        const { username, password } = request.body;
        if (!perAccount.take(username)) {
          throw new HttpError(429, 'rate_limited', 'too many logins for this account: try again in a minute');
        }
        const outcome = await checkLogin(db, username, password);
        if (!outcome.ok) {
          await refusedLogin(request, outcome.accountId, outcome.reason);
          if (outcome.reason === 'locked') {
            throw new HttpError(429, 'account_locked', 'too many failed logins: the account is locked for a while', {
              lockedUntil: outcome.lockedUntil,
            });
          }
          throw new HttpError(401, 'bad_credentials', 'wrong name or password');
        }
        return openSession(request, reply, outcome.account, null);
      },
    );

    const ticket = {
      tags: ['auth'],
      summary: 'Sign in with a ticket the central process issued (the demo console link): answers as a login does',
      body: Ticket,
    };
    r.post(
      '/ticket',
      { schema: ticket, config: { rateLimit: { max: options.loginPerMinute, timeWindow: 60_000 } } },
      async (request, reply) => {
        const accountId = options.signInTickets?.redeem(request.body.ticket) ?? null;
        const account = accountId ? await getAccount(db, accountId) : null;
        if (!account || account.disabled) {
          await refusedLogin(request, accountId, 'bad_ticket');
          throw new HttpError(
            401,
            'bad_ticket',
            'this sign-in link is used, expired or unknown: log in with a password',
          );
        }
        return openSession(request, reply, account, { via: 'ticket' });
      },
    );

    const sessionDocs = { tags: ['auth'], security: SESSION_SECURITY };
    const logout = {
      ...sessionDocs,
      summary: 'Log out (退出): ends the session',
      response: { 200: z.object({ loggedOut: z.boolean() }) },
    };
    r.post('/logout', { schema: logout }, async (request, reply) => {
      const session = await requireSession(request);
      await db.transaction(async (tx) => {
        await endSession(tx, session.idHash);
        await auditWithin(tx, request, 'auth.logout', `account:${session.accountId}`, null);
      });
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return { loggedOut: true };
    });

    const me = { ...sessionDocs, summary: 'The signed-in account and its CSRF token' };
    r.get('/me', { schema: me }, async (request) => {
      const session = await requireSession(request);
      return { account: await getAccount(db, session.accountId), csrfToken: session.csrfToken };
    });

    // A stolen session must not buy unlimited guesses of the current password either.
    const passwordLimit = { rateLimit: { max: options.loginPerMinute, timeWindow: 60_000 } };
    const password = {
      ...sessionDocs,
      summary: 'Change one’s password (修改密码); required first after a one-time password',
      body: PasswordChange,
      response: { 200: z.object({ changed: z.boolean() }) },
    };
    // The session first (401), then the body (400): authentication runs before Fastify validates.
    const preValidation = async (request: FastifyRequest) => {
      await requireSession(request);
    };
    r.post('/password', { schema: password, preValidation, config: passwordLimit }, async (request) => {
      const session = request.accountSession!;
      const { current, next } = request.body;
      await changePassword(db, session.accountId, session.idHash, current, next, (tx) =>
        auditWithin(tx, request, 'auth.password_changed', `account:${session.accountId}`, null),
      );
      return { changed: true };
    });
  };
}

const IdParam = pathParams(z.strictObject({ id: UuidSchema }), 'no such account');

/** /api/v1/admin/accounts: registered inside the admin scope (its hook authorizes `accounts.manage`). */
export function registerAccountRoutes(scope: FastifyInstance, db: CentralDb): void {
  const admin = scope.withTypeProvider<ZodTypeProvider>();
  const docs = { tags: ['accounts'], security: ADMIN_SECURITY };
  admin.get('/accounts', { schema: { ...docs, summary: 'The accounts (账号) and their roles' } }, async () =>
    listAccounts(db),
  );
  const create = {
    ...docs,
    summary: 'Create an account: answers its one-time password, shown once (初始密码)',
    body: AccountCreate,
  };
  admin.post('/accounts', { schema: create }, async (request, reply) => {
    const input = request.body;
    const password = oneTimePassword();
    const account = await createAccount(db, input, password, (tx, created) =>
      auditWithin(tx, request, 'account.created', `account:${created.id}`, {
        role: created.role,
        departments: created.departments,
      }),
    );
    // Shown once: only its hash is kept.
    return reply.code(201).send({ account, oneTimePassword: password });
  });
  const patchDocs = {
    ...docs,
    summary: 'Change an account: name, role, departments, disable (停用)',
    params: IdParam,
    body: AccountPatch,
  };
  admin.patch('/accounts/:id', { schema: patchDocs }, async (request) => {
    const { id } = request.params;
    const patch = request.body;
    return patchAccount(db, id, patch, (tx, account) =>
      auditWithin(
        tx,
        request,
        patch.disabled === true ? 'account.disabled' : 'account.updated',
        `account:${account.id}`,
        // A person's name is not for the log: only that it changed.
        {
          ...(patch.role !== undefined ? { role: patch.role } : {}),
          ...(patch.departments !== undefined ? { departments: patch.departments } : {}),
          ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
          ...(patch.displayName !== undefined ? { displayNameChanged: true } : {}),
        },
      ),
    );
  });
  const reset = {
    ...docs,
    summary: 'Reset an account’s password (重置密码): a new one-time password, shown once',
    params: IdParam,
    response: { 200: z.object({ oneTimePassword: z.string() }) },
  };
  admin.post('/accounts/:id/reset-password', { schema: reset }, async (request) => {
    const { id } = request.params;
    const password = oneTimePassword();
    await resetPassword(db, id, password, (tx) =>
      auditWithin(tx, request, 'account.password_reset', `account:${id}`, null),
    );
    return { oneTimePassword: password };
  });
}
