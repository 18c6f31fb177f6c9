/**
 * The console by role, end to end (issue 15), in Debian's Chromium against a real central process on PostgreSQL,
 * with a hall of two departments whose kiosks enrolled and delivered their records through the real, signed device
 * API: an admin's 总览, 评价记录 and 设备 (a 登记码 created, a kiosk revoked after a confirmation), a handler of
 * department A who sees only A's ratings, devices and staff (in the pages and in the API), an auditor who can change
 * nothing (no controls; the API refuses a write), and every action of the test in the audit log with its actor.
 * Screenshots of each page at 1920×1080, and of 评价记录 at 1280×720.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batch, evaluation } from '../src/central/test-support/api-harness.js';
import type { AuditPage } from '../src/central/audit/audit-log.js';
import type { EvaluationPage } from '../src/shared/evaluations-api.js';
import type { DevicePage } from '../src/shared/fleet-api.js';
import {
  clickUntil,
  pickUntil,
  shot,
  startConsoleCentre,
  TEST_PASSWORD,
  type ConsoleCentre,
  type Kiosk,
} from './console-harness.js';

let centre: ConsoleCentre;
const kiosks: Record<string, Kiosk> = {};
/** How many evaluations each department's kiosks delivered. */
const delivered = { SCJG: 0, GA: 0 };

/** A rated (or cancelled) evaluation `minutesAgo` ago, at `window` by `staffNo`. */
function record(
  window: string,
  department: string,
  staffNo: string,
  item: string | null,
  level: number | null,
  minutesAgo: number,
) {
  const t = new Date(Date.now() - minutesAgo * 60_000).toISOString();
  return evaluation({
    invitedAt: t,
    expiresAt: t,
    endedAt: t,
    windowCode: window,
    departmentCode: department,
    staffNo,
    serviceItemCode: item,
    satisfaction: level,
    outcome: level === null ? 'cancelled' : 'rated',
    caseNo: `BJ-${department}-${minutesAgo}`,
  });
}

beforeAll(async () => {
  centre = await startConsoleCentre();
  for (const [path, body] of [
    ['/departments', { code: 'SCJG', name: '市场监督管理局' }],
    ['/departments', { code: 'GA', name: '公安局' }],
    ['/windows', { code: 'W01', name: '1号窗口', departmentCode: 'SCJG' }],
    ['/windows', { code: 'W03', name: '3号窗口', departmentCode: 'SCJG' }],
    ['/windows', { code: 'W02', name: '2号窗口', departmentCode: 'GA' }],
    ['/staff', { staffNo: '1001', name: '王丽', departmentCode: 'SCJG', pin: '246810' }],
    ['/staff', { staffNo: '1002', name: '张伟', departmentCode: 'SCJG', pin: '246811' }],
    ['/staff', { staffNo: '3001', name: '李强', departmentCode: 'GA', pin: '135790' }],
    ['/service-items', { code: 'SC-0001', name: '个体工商户设立登记', departmentCode: 'SCJG' }],
    ['/service-items', { code: 'SC-0002', name: '食品经营许可', departmentCode: 'SCJG' }],
    ['/service-items', { code: 'GA-0001', name: '居民身份证换领', departmentCode: 'GA' }],
  ] as const) {
    const res = await centre.admin('POST', path, body);
    if (res.status !== 201) throw new Error(`seeding ${path} answered ${res.status}`);
  }
  for (const w of ['W01', 'W02', 'W03']) kiosks[w] = await centre.enrolKiosk(w, `${w.replace('W0', '')}号窗口评价器`);
  const levels = [5, 5, 4, 5, 3, 4, 5, 2, 5, 4, 1, 5, null, 4, 5, 4, 5, 5, 3, 4, 5, 2, 5, 4, 5];
  const scjg = levels.map((level, i) =>
    record(i % 2 ? 'W01' : 'W03', 'SCJG', i % 3 ? '1001' : '1002', i % 2 ? 'SC-0001' : 'SC-0002', level, 10 + i * 7),
  );
  const ga = [5, 4, 1, 5, 3].map((level, i) => record('W02', 'GA', '3001', 'GA-0001', level, 12 + i * 9));
  for (const [kiosk, records] of [
    [kiosks.W01!, scjg.filter((r) => r.windowCode === 'W01')],
    [kiosks.W03!, scjg.filter((r) => r.windowCode === 'W03')],
    [kiosks.W02!, ga],
  ] as const) {
    const res = await centre.device(kiosk, 'POST', '/api/v1/device/records', batch(records));
    const results = (res.body as { results: { status: string }[] }).results;
    expect(
      results.every((r) => r.status === 'accepted'),
      JSON.stringify(res.body),
    ).toBe(true);
  }
  delivered.SCJG = scjg.length;
  delivered.GA = ga.length;
  const beat = (queueDepth: number, oldestPendingAt: string | null) => ({
    version: '0.1.0',
    queueDepth,
    oldestPendingAt,
    evaluator: { state: 'connected', kind: 'serial', model: 'PJ-5K', firmware: '2.3.1' },
    keyMap: { map: [5, 4, 3, 2, 1], source: 'central' },
    lastReconciledAt: new Date().toISOString(),
  });
  // W01 and W02 heartbeat (W02 with a backlog); W03 never does: it shows offline.
  expect((await centre.device(kiosks.W01!, 'POST', '/api/v1/device/heartbeat', beat(0, null))).status).toBe(200);
  const backlog = new Date(Date.now() - 2 * 3600_000).toISOString();
  expect((await centre.device(kiosks.W02!, 'POST', '/api/v1/device/heartbeat', beat(4, backlog))).status).toBe(200);
});

afterAll(async () => {
  await centre?.close();
});

const menuItems = async (page: Page) => {
  await page.getByRole('menu').getByRole('menuitem').first().waitFor();
  return (await page.getByRole('menu').getByRole('menuitem').allInnerTexts()).map((s) => s.trim());
};
/** An antd Select showing `option` as its choice. */
const selected = (page: Page, option: string) =>
  page.locator(`.ant-select-content[title="${option}"], .ant-select-content-value[title="${option}"]`);
const tableRows = (page: Page, testId: string) => page.getByTestId(testId).locator('tbody tr.ant-table-row');

describe('the console by role', () => {
  let admin: Page;

  it("shows an admin the hall's 总览 from the delivered records", async () => {
    admin = await centre.signInAs('admin', { path: 'overview', username: 'zhang.admin' });
    const today = admin.getByTestId('overview-today');
    await today.getByText('评价数', { exact: true }).waitFor();
    // Both departments' ratings and kiosks; W03 never heartbeated.
    await admin.getByTestId('overview-fleet').getByText('2 小时前').waitFor();
    await admin.locator('canvas').first().waitFor();
    expect(await menuItems(admin)).toEqual(expect.arrayContaining(['总览', '评价记录', '设备']));
    await shot(admin, 'overview');
  });

  it('lists the evaluations with names, without any 办件编号, and pages them by cursor', async () => {
    await admin.getByRole('menu').getByText('评价记录').click();
    await tableRows(admin, 'evaluations-table').first().waitFor();
    expect(await tableRows(admin, 'evaluations-table').count()).toBe(delivered.SCJG + delivered.GA);
    const table = (await admin.getByTestId('evaluations-table').innerText()) ?? '';
    expect(table).toContain('王丽（1001）');
    expect(table).toContain('公安局');
    expect(table).not.toContain('BJ-');
    await shot(admin, 'evaluations');
    // Keyset paging: 20 a page, then the next page, then back.
    await pickUntil(admin, '每页', '每页 20', admin.getByText('第 1 页 · 本页 20 条'));
    // The page's number changes with the click itself, its rows when they arrive.
    await clickUntil(admin.getByRole('button', { name: '下一页' }), admin.getByText('第 2 页'));
    await admin.getByText(`第 2 页 · 本页 ${delivered.SCJG + delivered.GA - 20} 条`).waitFor();
    await clickUntil(admin.getByRole('button', { name: '上一页' }), admin.getByText('第 1 页'));
    await admin.getByText('第 1 页 · 本页 20 条').waitFor();
  });

  it('filters the evaluations by level and department', async () => {
    await pickUntil(admin, '评价等级', '非常不满意', selected(admin, '非常不满意'));
    await admin.getByRole('button', { name: '查询' }).click();
    await admin.getByText('第 1 页 · 本页 2 条').waitFor();
    expect(await tableRows(admin, 'evaluations-table').count()).toBe(2);
    await pickUntil(admin, '部门', '公安局（GA）', selected(admin, '公安局（GA）'));
    await admin.getByRole('button', { name: '查询' }).click();
    await admin.getByText('第 1 页 · 本页 1 条').waitFor();
    expect(await admin.getByTestId('evaluations-table').innerText()).toContain('李强（3001）');
  });

  it('is usable at 1280×720', async () => {
    const small = await centre.newPage({ width: 1280, height: 720 });
    await small.request.post(`${centre.url}/api/v1/auth/login`, {
      data: { username: 'zhang.admin', password: TEST_PASSWORD },
    });
    await small.goto(`${centre.url}/console/evaluations`);
    await tableRows(small, 'evaluations-table').first().waitFor();
    // The main actions are on the screen, and the keyboard reaches them.
    await small.getByRole('button', { name: '查询' }).waitFor();
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await small.keyboard.press('Tab');
      reached =
        (
          await small
            .locator(':focus')
            .innerText()
            .catch(() => '')
        ).trim() === '查询';
    }
    expect(reached).toBe(true);
    await shot(small, 'evaluations-1280');
  });

  it('shows the fleet: status from the heartbeat, backlog, evaluator, key map', async () => {
    await admin.getByRole('menu').getByText('设备').click();
    await tableRows(admin, 'devices-table').nth(2).waitFor();
    const table = await admin.getByTestId('devices-table').innerText();
    expect(table).toContain('PJ-5K · 2.3.1');
    expect(table).toContain('5 4 3 2 1');
    await admin.getByText('在线 2').waitFor();
    await admin.getByText('离线 1').waitFor();
    await shot(admin, 'devices');
  });

  it('creates an enrolment code and shows it large, with its expiry', async () => {
    await admin.getByRole('button', { name: '新建登记码' }).click();
    await admin.getByLabel('窗口').last().click();
    await admin.getByTitle('3号窗口（W03）').click();
    await admin.getByRole('button', { name: '生成登记码' }).click();
    const code = admin.getByTestId('enrolment-code').locator('.console-enrolment-code');
    await code.waitFor();
    expect(await code.innerText()).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]+$/);
    await admin.getByText('有效期至').waitFor();
    await shot(admin, 'devices-enrolment');
    await admin.getByRole('button', { name: '完成' }).click();
  });

  it('revokes a kiosk only after a confirmation', async () => {
    const row = tableRows(admin, 'devices-table').filter({ hasText: '3号窗口评价器' });
    await row.getByRole('button', { name: '吊销' }).click();
    await admin.locator('.ant-modal-confirm-title').getByText('吊销设备“3号窗口评价器”？').waitFor();
    await shot(admin, 'devices-revoke');
    // Cancel first: nothing happens.
    await admin.getByRole('button', { name: '取消' }).click();
    // Gone, not only closing: the next confirmation is a new one.
    await admin.locator('.ant-modal-confirm').waitFor({ state: 'detached' });
    expect((await centre.admin('GET', '/devices?status=revoked')).body).toMatchObject({ items: [] });
    await row.getByRole('button', { name: '吊销' }).click();
    await admin.locator('.ant-modal-confirm-title').getByText('吊销设备“3号窗口评价器”？').waitFor();
    // Retried until the result shows: a click during the dialog's opening animation can be lost.
    await clickUntil(
      admin.locator('.ant-modal-confirm').getByRole('button', { name: '吊销' }),
      admin.getByText('设备已吊销'),
    );
    const revoked = (await centre.admin('GET', '/devices?status=revoked')).body as DevicePage;
    expect(revoked.items.map((d) => d.id)).toEqual([kiosks.W03!.id]);
  });

  it("shows a handler of 市场监督管理局 only its department's ratings, devices and staff, in the pages and the API", async () => {
    const handler = await centre.signInAs('handler', {
      departments: ['SCJG'],
      path: 'evaluations',
      username: 'li.handler',
    });
    const menu = await menuItems(handler);
    expect(menu).toEqual(expect.arrayContaining(['总览', '评价记录', '设备']));
    expect(menu).not.toContain('账号');
    expect(menu).not.toContain('审计');
    await tableRows(handler, 'evaluations-table').first().waitFor();
    expect(await tableRows(handler, 'evaluations-table').count()).toBe(delivered.SCJG);
    expect(await handler.getByTestId('evaluations-table').innerText()).not.toContain('公安局');
    // Its staff filter offers its own department's staff.
    await handler.getByLabel('工作人员').click();
    await handler.getByTitle('王丽（1001）').waitFor();
    expect(await handler.getByTitle('李强（3001）').count()).toBe(0);
    await handler.keyboard.press('Escape');
    await shot(handler, 'evaluations-handler');

    await handler.getByRole('menu').getByText('设备').click();
    await tableRows(handler, 'devices-table').first().waitFor();
    const devices = await handler.getByTestId('devices-table').innerText();
    expect(devices).toContain('1号窗口评价器');
    expect(devices).not.toContain('2号窗口评价器');
    // No revoke, no enrolment: the handler may do neither.
    expect(await handler.getByRole('button', { name: '吊销' }).count()).toBe(0);
    expect(await handler.getByRole('button', { name: '新建登记码' }).count()).toBe(0);

    const api = async <T>(path: string) => {
      const res = await handler.request.get(`${centre.url}/api/v1/admin${path}`);
      expect(res.status(), path).toBe(200);
      return (await res.json()) as T;
    };
    const ga = await api<EvaluationPage>('/evaluations?departmentCode=GA');
    expect(ga.items).toEqual([]);
    const all = await api<EvaluationPage>('/evaluations?limit=1000');
    expect(new Set(all.items.map((e) => e.departmentCode))).toEqual(new Set(['SCJG']));
    const fleet = await api<DevicePage>('/devices');
    expect(fleet.items.map((d) => d.windowCode).sort()).toEqual(['W01', 'W03']);
    const staff = await api<{ staffNo: string }[]>('/staff');
    expect(staff.map((s) => s.staffNo).sort()).toEqual(['1001', '1002']);
    const overview = await api<{ today: { rated: number; cancelled: number } }>('/overview');
    expect(overview.today.rated + overview.today.cancelled).toBeLessThanOrEqual(delivered.SCJG);
  });

  it('gives an auditor no control that changes anything, and the API refuses its write', async () => {
    const auditor = await centre.signInAs('auditor', { path: 'evaluations', username: 'wang.auditor' });
    await tableRows(auditor, 'evaluations-table').first().waitFor();
    expect(await menuItems(auditor)).not.toContain('设备');
    // The only buttons are the page's search and paging, and the header's own.
    const buttons = (await auditor.getByRole('button').allInnerTexts()).map((s) => s.trim()).filter(Boolean);
    for (const label of buttons) expect(['查询', '重置', '上一页', '下一页', '修改密码', '退出登录']).toContain(label);
    await auditor.goto(`${centre.url}/console/devices`);
    await auditor.getByText('无权访问').waitFor();
    await shot(auditor, 'forbidden');
    const me = (await (await auditor.request.get(`${centre.url}/api/v1/auth/me`)).json()) as { csrfToken: string };
    const write = await auditor.request.post(`${centre.url}/api/v1/admin/enrollments`, {
      data: { mode: 'window', windowCode: 'W01', name: 'auditor' },
      headers: { 'x-csrf-token': me.csrfToken },
    });
    expect(write.status()).toBe(403);
    expect(((await write.json()) as { error: string }).error).toBe('forbidden');
  });

  it('speaks English at the switch, and Chinese again', async () => {
    const page = await centre.newPage();
    await page.request.post(`${centre.url}/api/v1/auth/login`, {
      data: { username: 'li.handler', password: TEST_PASSWORD },
    });
    await page.goto(`${centre.url}/console/overview`);
    await page.getByRole('menu').getByText('总览').waitFor();
    await page.getByText('English', { exact: true }).click();
    await page.getByRole('menu').getByText('Evaluations').waitFor();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByText('中文', { exact: true }).click();
    await page.getByRole('menu').getByText('评价记录').waitFor();
  });

  it('has every action of the test in the audit log, with its actor', async () => {
    const { entries } = (await centre.admin('GET', '/audit?limit=500')).body as AuditPage;
    const has = (actor: string, action: string, result = 'ok') =>
      entries.some((e) => e.actor.name === actor && e.action === action && e.result === result);
    const wanted: [string, string, string?][] = [
      ['zhang.admin', 'auth.login'],
      ['zhang.admin', 'auth.password_changed'],
      ['zhang.admin', 'enrollment.created'],
      ['zhang.admin', 'device.revoked'],
      ['li.handler', 'auth.login'],
      ['wang.auditor', 'auth.login'],
      ['wang.auditor', 'access.refused', 'refused'],
      // The seeding and the accounts, through the legacy token.
      ['legacy-admin-token', 'catalog.created'],
      ['legacy-admin-token', 'account.created'],
    ];
    const missing = wanted.filter(([actor, action, result]) => !has(actor, action, result));
    expect(missing).toEqual([]);
    const revoked = entries.find((e) => e.action === 'device.revoked')!;
    expect(revoked.target).toBe(`devices:${kiosks.W03!.id}`);
    expect(revoked.actor.role).toBe('admin');
  });
});
