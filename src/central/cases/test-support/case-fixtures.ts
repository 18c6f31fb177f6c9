/**
 * What the cases' integration tests share: the hall's people signed in (a supervisor, a handler of each department,
 * a leader), their requests with session and CSRF token as the console sends them, and a 差评 delivered through the
 * signed device API with its follow-up (reason tags, comment, callback phone). Runs in Node (tests only).
 */
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { uuidv7 } from '../../../common/ids.js';
import type { Role } from '../../../shared/abilities.js';
import type { CaseAction } from '../../../shared/cases.js';
import type { CaseDetail, CaseListItem } from '../../../shared/cases-api.js';
import { createAccount } from '../../accounts/accounts.js';
import { SESSION_COOKIE } from '../../accounts/sessions.js';
import { batch, evaluation, outcomes, type Harness, type Kiosk } from '../../test-support/api-harness.js';

const PASSWORD = 'correct horse 42 battery';

export const PEOPLE = {
  supervisor: ['supervisor', []],
  scjg: ['handler', ['SCJG']],
  ga: ['handler', ['GA']],
  leader: ['leader', []],
  admin: ['admin', []],
} as const satisfies Record<string, readonly [Role, readonly string[]]>;
export type Person = keyof typeof PEOPLE;

export interface People {
  ids: Record<Person, string>;
  request(
    who: Person,
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    payload?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  act(
    who: Person,
    caseId: string,
    action: CaseAction,
    input?: Record<string, unknown>,
  ): Promise<LightMyRequestResponse>;
  /** `act` that must succeed: the case after it. */
  move(who: Person, caseId: string, action: CaseAction, input?: Record<string, unknown>): Promise<CaseDetail>;
  detail(who: Person, caseId: string): Promise<LightMyRequestResponse>;
}

export async function signInPeople(h: Harness): Promise<People> {
  const sessions = new Map<Person, { cookie: string; csrf: string }>();
  const ids = {} as Record<Person, string>;
  for (const [who, [role, departments]] of Object.entries(PEOPLE) as [Person, (typeof PEOPLE)[Person]][]) {
    const username = `case-${who}`;
    const account = await createAccount(
      h.db,
      { username, displayName: `${who} 同志`, role, departments: [...departments] },
      PASSWORD,
    );
    await h.db.query('UPDATE accounts SET must_change_password = false WHERE id = $1', [account.id]);
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password: PASSWORD },
    });
    if (res.statusCode !== 200) throw new Error(`login of ${username} answered ${res.statusCode}: ${res.body}`);
    sessions.set(who, {
      cookie: res.cookies.find((c) => c.name === SESSION_COOKIE)!.value,
      csrf: res.json<{ csrfToken: string }>().csrfToken,
    });
    ids[who] = account.id;
  }
  const request: People['request'] = (who, method, url, payload, headers = {}) => {
    const s = sessions.get(who)!;
    return h.app.inject({
      method,
      url: `/api/v1/admin${url}`,
      cookies: { [SESSION_COOKIE]: s.cookie },
      headers: { 'x-csrf-token': s.csrf, ...headers },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  };
  const act: People['act'] = (who, caseId, action, input = {}) =>
    request(who, 'POST', `/cases/${caseId}/actions`, { action, input });
  return {
    ids,
    request,
    act,
    move: async (who, caseId, action, input) => {
      const res = await act(who, caseId, action, input);
      expect(res.statusCode, `${who} ${action}: ${res.body}`).toBe(200);
      return res.json<CaseDetail>();
    },
    detail: (who, caseId) => request(who, 'GET', `/cases/${caseId}`),
  };
}

export const PHONE = '13812345678';

/**
 * Delivers a 差评 (level 1 by default) of the W01 kiosk with its follow-up, and answers the evaluation's id and its
 * case as the list shows it.
 */
export async function deliverBadRating(
  h: Harness,
  overrides: Record<string, unknown> = {},
  who?: Kiosk,
): Promise<{ evaluationId: string; item: CaseListItem }> {
  const e = evaluation({ satisfaction: 1, ...overrides });
  const followup = {
    kind: 'followup',
    id: uuidv7(),
    evaluationId: e.id,
    reasonTags: ['slow'],
    callbackPhone: PHONE,
    comment: '等了很久',
    at: new Date().toISOString(),
  };
  const res = await h.device('POST', '/api/v1/device/records', batch([e, followup]), who);
  expect(outcomes(res)).toEqual(['accepted', 'accepted']);
  const [row] = await h.db.query<{ id: string }>('SELECT id::text AS id FROM cases WHERE evaluation_id = $1', [e.id]);
  const list = await h.admin('GET', `/cases?limit=200`);
  expect(list.statusCode, list.body).toBe(200);
  const item = list.json<{ items: CaseListItem[] }>().items.find((i) => i.id === row!.id)!;
  return { evaluationId: e.id, item };
}

/** A JPEG's first bytes and a little more: enough for the type check by content. */
export const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF rectification photo')]);

/** A 差评 from the hall terminal `terminal`: no window, no item, no department, so its case waits in 待分派. */
export const deliverTriageCase = async (h: Harness, terminal: Kiosk) =>
  (
    await deliverBadRating(
      h,
      {
        channel: 'hall_terminal',
        mode: 'terminal',
        windowCode: null,
        departmentCode: null,
        serviceItemCode: null,
        staffNo: null,
      },
      terminal,
    )
  ).item;
