/**
 * Cases and accounts for the alerts' tests, written straight into the database (the case's evaluation through the
 * device API, rated 4 so that ingest makes no case of its own), and sessions for the accounts. Runs in Node (tests
 * only).
 */
import type { LightMyRequestResponse } from 'fastify';
import { uuidv7 } from '../../../common/ids.js';
import type { Role } from '../../../shared/abilities.js';
import { createAccount } from '../../accounts/accounts.js';
import { SESSION_COOKIE } from '../../accounts/sessions.js';
import { batch, evaluation, outcomes, type Harness } from '../../test-support/api-harness.js';
import { enqueueAlerts } from '../outbox.js';

const PASSWORD = 'correct horse 42 battery';
let serial = 0;

export interface TestCase {
  id: string;
  number: string;
}

export async function insertCase(
  h: Harness,
  c: {
    departmentCode?: string | null;
    handlerId?: string | null;
    state?: string;
    dueAt?: Date | null;
    deadlineDay?: string | null;
    createdAt?: Date;
    /** One of seedEvaluations's, when the API is closed already. */
    evaluationId?: string;
  } = {},
): Promise<TestCase> {
  const evaluationId = c.evaluationId ?? (await seedEvaluations(h, 1))[0]!;
  const id = uuidv7();
  const number = `T${String(++serial).padStart(6, '0')}-${id.slice(-4)}`;
  const created = c.createdAt ?? new Date();
  await h.db.query(
    `INSERT INTO cases (id, number, evaluation_id, state, satisfaction, channel, department_code, window_code,
                        staff_no, service_item_code, handler_id, created_at, state_entered_at, due_at, deadline_day,
                        updated_at)
     VALUES ($1, $2, $3, $4, 1, 'hall_window', $5, 'W01', '1001', 'SC-0001', $6, $7, $7, $8, $9, $7)`,
    [
      id,
      number,
      evaluationId,
      c.state ?? (c.departmentCode === null ? 'triage' : 'assigned'),
      c.departmentCode === undefined ? 'SCJG' : c.departmentCode,
      c.handlerId ?? null,
      created,
      c.dueAt ?? null,
      c.deadlineDay ?? null,
    ],
  );
  return { id, number };
}

/** `n` evaluations rated 4 through the device API (ingest makes no case of them): their ids. */
export async function seedEvaluations(h: Harness, n: number): Promise<string[]> {
  const records = Array.from({ length: n }, () => evaluation({ satisfaction: 4 }));
  const res = await h.device('POST', '/api/v1/device/records', batch(records));
  if (outcomes(res).some((o) => o !== 'accepted')) throw new Error(`seeding evaluations answered ${res.body}`);
  return records.map((r) => r.id);
}

/** The case_created alert CASES writes at ingest, as its contract says. */
export async function alertCreated(h: Harness, c: TestCase, departmentCode: string | null = 'SCJG'): Promise<string> {
  const key = `case_created:${c.id}`;
  await h.db.transaction((tx) =>
    enqueueAlerts(tx, [
      {
        kind: 'case_created',
        caseId: c.id,
        key,
        payload: {
          caseId: c.id,
          number: c.number,
          state: departmentCode ? 'assigned' : 'triage',
          departmentCode,
          satisfaction: 1,
          dueAt: '2026-12-03T16:00:00.000Z',
        },
      },
    ]),
  );
  return key;
}

export interface Session {
  id: string;
  username: string;
  request(method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown): Promise<LightMyRequestResponse>;
}

export async function accountWithSession(
  h: Harness,
  username: string,
  role: Role,
  departments: string[] = [],
): Promise<Session> {
  const a = await createAccount(h.db, { username, displayName: username, role, departments }, PASSWORD);
  await h.db.query('UPDATE accounts SET must_change_password = false WHERE id = $1', [a.id]);
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password: PASSWORD },
  });
  if (res.statusCode !== 200) throw new Error(`login of ${username} answered ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE)!.value;
  const csrf = res.json<{ csrfToken: string }>().csrfToken;
  return {
    id: a.id,
    username,
    request: (method, url, payload) =>
      h.app.inject({
        method,
        url: `/api/v1/admin${url}`,
        cookies: { [SESSION_COOKIE]: cookie },
        headers: { 'x-csrf-token': csrf },
        payload: payload as object,
      }),
  };
}
