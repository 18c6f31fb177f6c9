/**
 * The demo's 差评 closed loop (`npm start`, issue 16): the month of ratings has made its cases at ingest, all new;
 * two demo colleagues — a supervisor of the centre and a handler of two departments — then move a few of them the
 * way people do, through the console's own API (signed in with a password, CSRF token and all): one contacted and
 * being verified, one under 限期整改 with an extension waiting for the supervisor, one waiting for the supervisor's
 * decision on 无法解决, one through 当场解决, 回访 and 复核 to 已办结. The rest wait in 待核实. Done once per data
 * folder (the accounts are the marker). Runs in Node.
 */
import { createAccount } from '../central/accounts/accounts.js';
import type { CentralDb } from '../central/db/database.js';
import type { Role } from '../shared/abilities.js';
import type { CaseAction } from '../shared/cases.js';
import type { CasePage } from '../shared/cases-api.js';
import { beijingDay } from '../shared/work-calendar.js';

/** The demo's colleagues on the 差评 loop; one password for both (printed by the demo). */
export const DEMO_CASE_ACCOUNTS = {
  supervisor: { username: 'demo.supervisor', displayName: '演示督办（中心）', departments: [] as string[] },
  handler: { username: 'demo.handler', displayName: '演示承办（不动产 · 税务）', departments: ['BDC', 'SWJ'] },
} as const;
export const DEMO_CASE_PASSWORD = 'HcpDemo-2026';

interface Session {
  request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown>;
}

async function signIn(centralUrl: string, username: string): Promise<Session> {
  const res = await fetch(`${centralUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_CASE_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`demo: ${username} could not sign in (${res.status})`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return {
    async request(method, path, body) {
      const answer = await fetch(`${centralUrl}/api/v1/admin${path}`, {
        method,
        headers: {
          cookie,
          ...(method === 'POST' ? { 'x-csrf-token': csrfToken, 'content-type': 'application/json' } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!answer.ok)
        throw new Error(`demo: ${username} ${method} ${path} answered ${answer.status}: ${await answer.text()}`);
      return answer.json();
    },
  };
}

/** Whether the demo's colleagues exist already (the loop was played on this data folder). */
async function played(db: CentralDb): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM accounts WHERE username = $1', [DEMO_CASE_ACCOUNTS.supervisor.username]);
  return rows.length > 0;
}

/** Creates the two colleagues and moves a few of the handler's departments' cases; once per data folder. */
export async function playDemoCases(options: { centralUrl: string; db: CentralDb; now?: Date }): Promise<void> {
  if (await played(options.db)) return;
  for (const [role, account] of Object.entries(DEMO_CASE_ACCOUNTS) as [
    Role,
    (typeof DEMO_CASE_ACCOUNTS)['handler'],
  ][]) {
    const made = await createAccount(
      options.db,
      { username: account.username, displayName: account.displayName, role, departments: [...account.departments] },
      DEMO_CASE_PASSWORD,
    );
    await options.db.query('UPDATE accounts SET must_change_password = false WHERE id = $1', [made.id]);
  }
  const supervisor = await signIn(options.centralUrl, DEMO_CASE_ACCOUNTS.supervisor.username);
  const handler = await signIn(options.centralUrl, DEMO_CASE_ACCOUNTS.handler.username);
  const page = (await handler.request('GET', '/cases?state=assigned&limit=10')) as CasePage;
  const cases = page.items.map((c) => c.id);
  const act = (who: Session, id: string, action: CaseAction, input: Record<string, unknown> = {}) =>
    who.request('POST', `/cases/${id}/actions`, { action, input });
  const inDays = (days: number) => beijingDay(new Date((options.now ?? new Date()).getTime() + days * 86_400_000));
  const [verifying, rectifying, explaining, closed] = cases;
  if (verifying)
    await act(handler, verifying, 'contact', { method: 'phone', note: '已电话联系办事人，正在核实窗口录像' });
  if (rectifying) {
    await act(handler, rectifying, 'contact', { method: 'phone', note: '办事人反映等候时间过长，情况属实' });
    await act(handler, rectifying, 'rectify', { note: '增设午间弹性窗口，调整排班', promisedBy: inDays(10) });
    await act(handler, rectifying, 'request_extension', {
      note: '弹性窗口需人社部门协调人员，申请延期',
      newDueDay: inDays(40),
    });
  }
  if (explaining) {
    await act(handler, explaining, 'contact', { method: 'sms', note: '已短信联系，办事人要求当日办结' });
    await act(handler, explaining, 'request_explain', {
      basis: 'no_legal_basis',
      note: '该事项法定需公示五个工作日，无法当日办结，已向办事人解释',
    });
  }
  if (closed) {
    await act(handler, closed, 'contact', { method: 'phone', note: '办事人反映材料清单不清楚' });
    await act(handler, closed, 'resolve_on_spot', { note: '当场补发一次性告知单，材料当日补齐并办结' });
    await act(handler, closed, 'department_revisit', { method: 'phone', note: '部门回访：办事人表示满意' });
    await act(supervisor, closed, 'record_revisit', {
      result: 'satisfied',
      method: 'phone',
      note: '中心复核回访：问题已解决，办事人满意',
    });
    await act(supervisor, closed, 'close', { note: '整改到位，办结' });
  }
}

/** What people left in the demo's 意见箱, through its public API; one of them the supervisor has referred already. */
const DEMO_SUGGESTIONS = [
  { kind: 'suggestion', text: '建议大厅增加老年人休息座椅，并在取号机旁安排引导员。' },
  {
    kind: 'complaint',
    text: '上周二下午在 1 号窗口等了一个多小时，工作人员中途离开没有说明。',
    departmentCode: 'SCJG',
  },
  { kind: 'praise', text: '社保窗口的工作人员很耐心，一次就帮我把材料补齐了。', departmentCode: 'RSJ' },
] as const;

/** Leaves the demo's 意见箱 items, once per data folder, and refers the first to 市场监督管理局. */
export async function playDemoSuggestions(options: { centralUrl: string; db: CentralDb }): Promise<void> {
  const [seen] = await options.db.query('SELECT 1 FROM suggestions LIMIT 1');
  if (seen) return;
  const numbers: string[] = [];
  for (const item of DEMO_SUGGESTIONS) {
    const answer = await fetch(`${options.centralUrl}/api/v1/suggestions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(item),
    });
    if (!answer.ok) throw new Error(`demo: the 意见箱 answered ${answer.status}: ${await answer.text()}`);
    numbers.push(((await answer.json()) as { number: string }).number);
  }
  const [first] = await options.db.query<{ id: string }>('SELECT id::text AS id FROM suggestions WHERE number = $1', [
    numbers[0],
  ]);
  const supervisor = await signIn(options.centralUrl, DEMO_CASE_ACCOUNTS.supervisor.username);
  await supervisor.request('POST', `/suggestions/${first!.id}/actions`, {
    action: 'refer',
    departmentCode: 'SCJG',
    note: '请市场监管局研究答复',
  });
}
