/**
 * The 差评 closed loop end to end (issue 16, acceptance), in Debian's Chromium against a real central process on
 * PostgreSQL: a real kiosk process, enrolled with the centre as a technician does, takes a 非常不满意 on its serial
 * evaluator (the simulated device on a real pty) and the rater leaves a callback phone on its screen; the kiosk
 * delivers it, the centre makes its case, and three people in three browser contexts take it to 已办结: the
 * supervisor, a handler of the department, and a handler of another department who never sees it (not in the list,
 * not in the counts, not by its address, not through the API). Through the naming of the handler, contact (the phone
 * revealed for a stated purpose), 限期整改 with an extension asked and approved, the rectification with a photo,
 * 回访 不满意, reopening, the rectification again, 回访 满意 and 复核. A second case, from a hall self-service
 * terminal with no department (so in the centre's triage), goes 分派 → 核实 → 无效评价申请 with evidence →
 * 无效评价. Each step's form is the console's (only the viewer's actions, validated before sending); each step has
 * its screenshot (test-results/screenshots/console-cases-*.png).
 */
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceIdentity } from '../src/common/device-identity.js';
import { tempDir } from '../src/common/test-support/temp-dir.js';
import { waitFor } from '../src/common/test-support/wait-for.js';
import { batch, evaluation } from '../src/central/test-support/api-harness.js';
import { startEvaluatorLine, type EvaluatorLine } from '../src/hardware/test-support/evaluator-line.js';
import { enrollKioskProcess, startKioskProcess, type KioskProcess } from '../src/kiosk/test-support/kiosk-process.js';
import type { CaseState } from '../src/shared/cases.js';
import type { CalendarStatus, CaseCounts, CaseDetail, CasePage, Notification } from '../src/shared/cases-api.js';
import type { StatusView } from '../src/shared/local-api.js';
import { clickUntil, shot, startConsoleCentre, type ConsoleCentre, type Kiosk } from './console-harness.js';

const PHONE = '13812341234';
const MASKED = '138****1234';

let centre: ConsoleCentre;
let dir: ReturnType<typeof tempDir>;
let line: EvaluatorLine;
let kiosk: KioskProcess;
let supervisor: Page;
let handler: Page;
let other: Page;
/** The kiosk's case, and the terminal's. */
let first: { id: string; number: string };
let second: { id: string; number: string };

const kioskStatus = async () => (await kiosk.api('GET', '/status')).body as StatusView;

/** A day `n` calendar days from today (Beijing), `YYYY-MM-DD`. */
function dayFromToday(n: number): string {
  return new Date(Date.now() + 8 * 3600_000 + n * 86_400_000).toISOString().slice(0, 10);
}

/** `day` + `n` calendar days. */
const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** The API as the page's account (its session cookie), for what the test checks besides the screen. */
async function apiAs<T>(page: Page, path: string): Promise<{ status: number; body: T }> {
  const res = await page.request.get(`${centre.url}/api/v1/admin${path}`);
  return { status: res.status(), body: (await res.json()) as T };
}

const caseOf = async (page: Page, id: string) => (await apiAs<CaseDetail>(page, `/cases/${id}`)).body;

async function openCase(page: Page, id: string): Promise<void> {
  await page.goto(`${centre.url}/console/cases/${id}`);
  await page.getByTestId('case-actions').waitFor();
}

/** Waits for a count tile to show n: the counts are a query of their own and may paint after the table. */
async function expectCount(page: Page, key: string, n: number): Promise<void> {
  const tile = page.getByTestId(`case-count-${key}`).locator('.ant-statistic-content-value');
  await expect.poll(() => tile.innerText(), { timeout: 30_000 }).toBe(String(n));
}

const stateTag = (page: Page, state: CaseState) =>
  page.locator('.console-page-head').locator(`[data-testid="case-state"][data-state="${state}"]`);

/** The case page's action buttons, in words. */
async function actionsOn(page: Page): Promise<string[]> {
  const buttons = page.getByTestId('case-actions').getByRole('button');
  return (await buttons.allInnerTexts()).map((s) => s.trim());
}

/** Opens `action`'s dialog on the case page; answers the dialog. */
async function openAction(page: Page, action: string): Promise<Locator> {
  const dialog = page.getByRole('dialog');
  await clickUntil(
    page.getByTestId('case-actions').getByRole('button', { name: action, exact: true }),
    dialog.getByRole('form'),
  );
  return dialog;
}

/**
 * Picks `option` in the dialog's select labelled `label`, until the select shows it (at most three tries: a loaded
 * machine can lose a click, as e2e/console-harness.ts pickUntil says). A list left open by a lost pick is picked
 * from again rather than closed with Escape, which would close the dialog too.
 */
async function pick(page: Page, select: Locator, option: string, shown: Locator): Promise<void> {
  // The select's own list (its listbox is `<id>_list`), not one of an earlier pick still closing.
  const id = await select.getAttribute('id');
  const own = page.locator(`.ant-select-dropdown:not(.ant-select-dropdown-hidden):has([id="${id}_list"])`);
  for (let attempt = 1; ; attempt++) {
    try {
      if ((await own.count()) === 0) await select.click({ timeout: 10_000 });
      await own.getByTitle(option, { exact: true }).click({ timeout: 10_000 });
      await shown.first().waitFor({ timeout: 10_000 });
      return;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

/** An antd Select (inside `scope`) showing `option` as its choice. */
const selected = (scope: Locator, option: string) =>
  scope.locator(`.ant-select-content[title="${option}"], .ant-select-content-value[title="${option}"]`);

async function choose(page: Page, dialog: Locator, label: string, option: string): Promise<void> {
  const select = dialog.getByLabel(label);
  // `has` is matched inside each form item: a locator from the page, not one chained from the dialog.
  const item = dialog.locator('.ant-form-item').filter({ has: page.getByLabel(label) });
  await pick(page, select, option, selected(item, option));
}

/**
 * Clicks the dialog's OK (`name`) until the dialog closes (a click a loaded machine lost is made again, at most three
 * times; a click taken shows its button loading, which takes no second click); a refusal shown in it ends the wait.
 */
async function confirmDialog(dialog: Locator, name = '提交'): Promise<void> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    if (await dialog.isHidden()) return;
    await dialog
      .getByRole('button', { name, exact: true })
      .click({ timeout: 10_000 })
      .catch(() => undefined);
    const closed = await dialog.waitFor({ state: 'hidden', timeout: 15_000 }).then(
      () => true,
      () => false,
    );
    if (closed) return;
    if ((await dialog.getByRole('alert').count()) > 0) throw new Error(`refused: ${await dialog.innerText()}`);
  }
  throw new Error(`the dialog did not close: ${await dialog.innerText()}`);
}

/** Types a day into a native date input and leaves it (blur), as a person tabbing on would. */
async function fillDate(input: Locator, day: string): Promise<void> {
  await input.fill(day);
  await input.blur();
}

/** Submits the dialog and waits for the case to reach `state` on the page. */
async function submit(page: Page, dialog: Locator, state: CaseState): Promise<void> {
  await confirmDialog(dialog);
  await stateTag(page, state).waitFor();
}

/** A file as the browser uploads it: a tiny PNG, or a PDF (the centre reads the type from these bytes). */
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('0000000d49484452000000010000000108060000001f15c489', 'hex'),
]);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

async function upload(dialog: Locator, name: string, mimeType: string, buffer: Buffer): Promise<void> {
  await dialog.locator('input[type="file"]').setInputFiles({ name, mimeType, buffer });
  await dialog.locator('.ant-upload-list-item-done', { hasText: name }).waitFor();
}

beforeAll(async () => {
  centre = await startConsoleCentre();
  for (const [path, body] of [
    ['/departments', { code: 'SCJG', name: '市场监督管理局' }],
    ['/departments', { code: 'GA', name: '公安局' }],
    ['/windows', { code: 'W01', name: '1号窗口', departmentCode: 'SCJG' }],
    ['/windows', { code: 'W02', name: '2号窗口', departmentCode: 'GA' }],
    ['/staff', { staffNo: '1001', name: '王丽', departmentCode: 'SCJG', pin: '246810' }],
    ['/service-items', { code: 'SC-0001', name: '个体工商户设立登记', departmentCode: 'SCJG' }],
  ] as const) {
    const res = await centre.admin('POST', path, body);
    if (res.status !== 201) throw new Error(`seeding ${path} answered ${res.status}`);
  }
  // The three people, each in a browser context of their own.
  supervisor = await centre.signInAs('supervisor', { path: 'cases', username: 'zhao.supervisor' });
  handler = await centre.signInAs('handler', { departments: ['SCJG'], path: 'cases', username: 'li.handler' });
  other = await centre.signInAs('handler', { departments: ['GA'], path: 'cases', username: 'chen.handler' });

  // A kiosk at window W01 as a technician sets it up: enrolled with a code, the serial evaluator on a pty.
  dir = tempDir('hcp-cases-e2e-');
  line = await startEvaluatorLine(dir.path);
  const created = await centre.admin('POST', '/enrollments', { mode: 'window', windowCode: 'W01', name: '1号窗口' });
  const kioskDir = join(dir.path, 'kiosk');
  const enrolled = await enrollKioskProcess(kioskDir, centre.url, (created.body as { code: string }).code);
  expect(enrolled.stdout).toMatch(/enrolled as device/);
  kiosk = await startKioskProcess(kioskDir, ['--serial', line.pty.hostPath]);
  await waitFor('the evaluator to connect', async () => (await kioskStatus()).evaluator.state === 'connected');
  expect((await kiosk.api('POST', '/shift/login', { staffNo: '1001', pin: '246810' })).status).toBe(200);
});

afterAll(async () => {
  await kiosk?.kill('SIGTERM');
  await line?.stop();
  await centre?.close();
  dir?.remove();
});

describe('a 差评 from a kiosk to 已办结, in three browsers', () => {
  it("makes a case of the kiosk's 非常不满意, delivered through the real device API", async () => {
    const prompted = new Promise<unknown>((resolve) => line.sim.once('prompt', resolve));
    const opened = await kiosk.api('POST', '/invitations', { serviceItemCode: 'SC-0001', caseNo: 'BJ-SC-2026-0001' });
    expect(opened.status).toBe(201);
    const invitationId = (opened.body as { id: string }).id;
    await prompted;
    // Key 5 is 非常不满意 on the default key map; the simulated device sends it until the kiosk acknowledges.
    expect((await line.sim.press(5)).acked).toBe(true);
    const followUp = await kiosk.command({
      name: 'followUp',
      request: { invitationId, reasonTags: ['attitude'], callbackPhone: PHONE, comment: '窗口人员态度冷淡' },
    });
    expect(followUp.ok).toBe(true);
    await waitFor('the kiosk to deliver', async () => (await kioskStatus()).queue.pending === 0, 30_000);

    const page = await waitFor('the case', async () => {
      const list = await apiAs<CasePage>(supervisor, '/cases');
      return list.body.items.length === 1 ? list.body : undefined;
    });
    const item = page.items[0]!;
    expect(item).toMatchObject({ satisfaction: 1, departmentCode: 'SCJG', windowCode: 'W01', staffNo: '1001' });
    first = { id: item.id, number: item.number };
    // The callback phone follows the rating (a follow-up record): masked, once it is there.
    await waitFor('the follow-up on the case', async () =>
      (await caseOf(supervisor, first.id)).evaluation.phoneMasked === MASKED ? true : undefined,
    );
  });

  it("shows the supervisor the counts and the case in 差评工单, and its page with the supervisor's actions only", async () => {
    await supervisor.reload();
    const row = supervisor.getByTestId('cases-table').locator('tbody tr', { hasText: first.number });
    await row.waitFor();
    expect(await row.innerText()).toContain('市场监督管理局');
    await expectCount(supervisor, 'open', 1);
    await expectCount(supervisor, 'assigned', 1);
    expect(await supervisor.locator('body').innerText()).not.toContain(PHONE);
    await shot(supervisor, 'cases-list-supervisor');

    await row.getByRole('link', { name: first.number }).click();
    await supervisor.getByTestId('case-actions').waitFor();
    await stateTag(supervisor, 'assigned').waitFor();
    // In 待核实 the supervisor may only name another handler or department (改派); contact is the department's.
    expect(await actionsOn(supervisor)).toEqual(['改派']);
    const rating = await supervisor.getByTestId('case-rating').innerText();
    expect(rating).toContain('非常不满意');
    expect(rating).toContain('个体工商户设立登记');
    expect(rating).toContain('王丽（1001）');
    expect(rating).toContain('窗口人员态度冷淡');
    expect(rating).toContain(MASKED);
    expect(rating).not.toContain(PHONE);
    expect(rating).not.toContain('BJ-SC-2026-0001');
    await supervisor.getByTestId('case-countdown').waitFor();
    await shot(supervisor, 'cases-case-supervisor');
  });

  it('never shows the case to a handler of another department', async () => {
    await other.reload();
    await other.getByTestId('cases-table').getByText('没有符合条件的工单').waitFor();
    await expectCount(other, 'open', 0);
    await shot(other, 'cases-list-other-department');
    await other.goto(`${centre.url}/console/cases/${first.id}`);
    await other.getByRole('alert').getByText('不在您的管辖范围内').waitFor();
    expect(await other.locator('body').innerText()).not.toContain(first.number);
    await shot(other, 'cases-case-other-department');
    expect((await apiAs(other, `/cases/${first.id}`)).status).toBe(404);
    expect((await apiAs<CasePage>(other, '/cases')).body.items).toEqual([]);
    expect((await apiAs<CaseCounts>(other, '/cases/counts')).body.open).toBe(0);
  });

  it("tells the department's handler in the header's notifications, and no one of the other department", async () => {
    await handler.reload();
    const bell = handler.getByTestId('notifications-bell');
    await waitFor(
      'the new case notified',
      async () => {
        const { body } = await apiAs<{ items: Notification[]; unread: number }>(handler, '/notifications');
        return body.items.some((n) => n.caseId === first.id && n.kind === 'case_created') || undefined;
      },
      60_000,
    );
    await handler.reload();
    await handler.locator('.ant-badge-count').first().waitFor();
    await bell.click();
    const item = handler
      .getByTestId('notifications-list')
      .getByTestId('notification')
      .filter({ hasText: first.number });
    await item.first().waitFor();
    expect(await handler.getByTestId('notifications-list').innerText()).not.toContain(PHONE);
    await shot(handler, 'cases-notifications');
    await item.first().click();
    await handler.waitForURL(`**/console/cases/${first.id}`);
    await handler.getByTestId('case-actions').waitFor();
    // Opening it marked it read.
    await waitFor('the notification read', async () => {
      const { body } = await apiAs<{ items: Notification[] }>(handler, '/notifications');
      return body.items.find((n) => n.caseId === first.id && n.kind === 'case_created')?.readAt ?? undefined;
    });
    const { body } = await apiAs<{ items: Notification[] }>(other, '/notifications');
    expect(body.items.filter((n) => n.caseId === first.id)).toEqual([]);
  });

  it('names the handler (改派, with its note required by the form)', async () => {
    const dialog = await openAction(supervisor, '改派');
    await choose(supervisor, dialog, '承办人', '测试handler');
    // The note is required for 改派: the form says so, nothing is sent.
    await clickUntil(dialog.getByRole('button', { name: '提交', exact: true }), dialog.getByText('请填写说明'));
    await shot(supervisor, 'cases-assign-validation');
    await dialog.getByLabel('说明').fill('请 1 号窗口所在科室核实并联系办事群众');
    await confirmDialog(dialog);
    await supervisor.getByTestId('case-rating').getByText('测试handler').waitFor();
    expect((await caseOf(supervisor, first.id)).handlerName).toBe('测试handler');
    await shot(supervisor, 'cases-assigned');
  });

  it('lets the handler reveal the phone for a stated purpose, then record the contact', async () => {
    await openCase(handler, first.id);
    expect(await actionsOn(handler)).toEqual(['联系核实']);
    expect(await handler.getByTestId('case-phone').innerText()).toBe(MASKED);
    await handler.getByTestId('case-rating').getByRole('button', { name: '查看' }).click();
    const dialog = handler.getByRole('dialog');
    await dialog.getByRole('button', { name: '查看号码' }).click();
    await dialog.getByText('请说明用途').waitFor();
    await dialog.getByLabel('用途').fill('电话联系办事群众核实情况');
    await dialog.getByRole('button', { name: '查看号码' }).click();
    expect(await dialog.getByTestId('case-phone-revealed').innerText()).toContain(PHONE);
    await shot(handler, 'cases-phone-revealed');
    await dialog.locator('.ant-modal-footer').getByRole('button', { name: '关闭' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await handler.locator('body').innerText()).not.toContain(PHONE);

    const contact = await openAction(handler, '联系核实');
    await choose(handler, contact, '方式', '电话');
    await contact.getByLabel('说明').fill('已电话联系，群众反映窗口人员答复不耐烦');
    await submit(handler, contact, 'verifying');
    expect(await actionsOn(handler)).toEqual(['当场解决', '限期整改', '申请无效评价', '申请无法解决']);
    await shot(handler, 'cases-verifying');
  });

  it('sets 限期整改 with a promised date, and asks an extension that the supervisor approves', async () => {
    const rectify = await openAction(handler, '限期整改');
    await rectify.getByLabel('说明').fill('对窗口人员进行服务规范培训');
    await fillDate(rectify.getByLabel('承诺整改期限'), dayFromToday(10));
    await submit(handler, rectify, 'rectifying');
    expect(await actionsOn(handler)).toEqual(['申请延期', '整改反馈']);

    const { deadlineDay } = await caseOf(handler, first.id);
    expect(deadlineDay).not.toBeNull();
    const extendedTo = addDays(deadlineDay!, 7);
    const extension = await openAction(handler, '申请延期');
    await extension.getByLabel('说明').fill('培训需待下月集中安排');
    // An extension must end after the deadline: the centre refuses, and the dialog says why.
    await fillDate(extension.getByLabel('延期至'), deadlineDay!);
    await clickUntil(
      extension.getByRole('button', { name: '提交', exact: true }),
      extension.getByRole('alert').getByText('must end after the deadline'),
    );
    await shot(handler, 'cases-extension-refused');
    await extension.locator('.ant-modal-footer').getByRole('button', { name: '取消' }).click();
    await extension.waitFor({ state: 'hidden' });
    await openAction(handler, '申请延期');
    await extension.getByLabel('说明').fill('培训需待下月集中安排');
    await fillDate(extension.getByLabel('延期至'), extendedTo);
    await confirmDialog(extension);
    await handler.getByTestId('case-extension').waitFor();
    // While it is pending, the handler may not ask again.
    expect(await actionsOn(handler)).toEqual(['整改反馈']);
    await shot(handler, 'cases-extension-requested');

    await openCase(supervisor, first.id);
    expect(await actionsOn(supervisor)).toEqual(['改派', '批准延期', '驳回延期']);
    const approve = await openAction(supervisor, '批准延期');
    await approve.getByLabel('说明').fill('同意延期');
    await confirmDialog(approve);
    await supervisor.getByTestId('case-extension').waitFor({ state: 'detached' });
    const detail = await caseOf(supervisor, first.id);
    expect(detail.deadlineDay).toBe(extendedTo);
    expect(await supervisor.getByTestId('case-deadline').innerText()).toContain(extendedTo);
    await shot(supervisor, 'cases-extension-approved');
  });

  it('records the rectification with a photo, and the department revisit', async () => {
    await openCase(handler, first.id);
    const feedback = await openAction(handler, '整改反馈');
    await feedback.getByLabel('说明').fill('已完成全员培训，附培训照片');
    await upload(feedback, '培训照片.png', 'image/png', PNG);
    await shot(handler, 'cases-feedback-upload');
    await submit(handler, feedback, 'answered');
    await handler.getByTestId('case-timeline').getByText('培训照片.png').waitFor();
    const revisit = await openAction(handler, '部门回访');
    await choose(handler, revisit, '方式', '电话');
    await revisit.getByLabel('说明').fill('已告知群众整改情况');
    await submit(handler, revisit, 'revisit');
    // 复核回访 is the centre's: nothing left for the department.
    expect(await actionsOn(handler)).toEqual([]);
    await shot(handler, 'cases-department-revisit');
  });

  it('records the centre revisit 不满意 and reopens the case to 限期整改', async () => {
    await openCase(supervisor, first.id);
    expect(await actionsOn(supervisor)).toEqual(['复核回访']);
    const revisit = await openAction(supervisor, '复核回访');
    await choose(supervisor, revisit, '回访结果', '不满意');
    await choose(supervisor, revisit, '方式', '电话');
    await revisit.getByLabel('说明').fill('群众表示窗口态度仍未改善');
    await submit(supervisor, revisit, 'review');
    await shot(supervisor, 'cases-revisit-dissatisfied');
    expect(await actionsOn(supervisor)).toEqual(['办结', '重新整改']);
    const reopen = await openAction(supervisor, '重新整改');
    await reopen.getByLabel('说明').fill('群众仍不满意，请继续整改');
    await submit(supervisor, reopen, 'rectifying');
    await supervisor.getByText('重新整改 1 次').first().waitFor();
    expect((await caseOf(supervisor, first.id)).reopenCount).toBe(1);
    await shot(supervisor, 'cases-reopened');
  });

  it('takes the second rectification, 回访 满意 with a 追评, and 复核 to 已办结', async () => {
    await openCase(handler, first.id);
    const feedback = await openAction(handler, '整改反馈');
    await feedback.getByLabel('说明').fill('调整该窗口人员岗位，负责人当面致歉');
    await submit(handler, feedback, 'answered');
    const departmentRevisit = await openAction(handler, '部门回访');
    await choose(handler, departmentRevisit, '方式', '上门/当面');
    await departmentRevisit.getByLabel('说明').fill('负责人当面致歉');
    await submit(handler, departmentRevisit, 'revisit');

    await openCase(supervisor, first.id);
    const revisit = await openAction(supervisor, '复核回访');
    await choose(supervisor, revisit, '回访结果', '满意');
    await choose(supervisor, revisit, '方式', '电话');
    await choose(supervisor, revisit, '追评等级', '满意');
    await revisit.getByLabel('说明').fill('群众对整改结果表示满意');
    await submit(supervisor, revisit, 'review');
    const close = await openAction(supervisor, '办结');
    await submit(supervisor, close, 'closed');
    expect(await actionsOn(supervisor)).toEqual([]);
    const timeline = await supervisor.getByTestId('case-timeline').innerText();
    for (const step of [
      '改派',
      '联系核实',
      '限期整改',
      '申请延期',
      '批准延期',
      '整改反馈',
      '复核回访',
      '重新整改',
      '办结',
    ]) {
      expect(timeline).toContain(step);
    }
    expect(timeline).toContain('回访结果：不满意');
    expect(timeline).toContain('回访结果：满意');
    expect(timeline).not.toContain(PHONE);
    const detail = await caseOf(supervisor, first.id);
    expect(detail).toMatchObject({ state: 'closed', followUpLevel: 4, reopenCount: 1 });
    await shot(supervisor, 'cases-closed');
    await supervisor.goto(`${centre.url}/console/cases`);
    await supervisor.getByTestId('cases-table').locator('tbody tr', { hasText: first.number }).waitFor();
    await expectCount(supervisor, 'closed', 1);
    await shot(supervisor, 'cases-list-closed');
    // Still nothing for the other department, at the end as at the start.
    expect((await apiAs(other, `/cases/${first.id}`)).status).toBe(404);
    expect((await apiAs<CasePage>(other, '/cases')).body.items).toEqual([]);
  });
});

describe('a 差评 that is not a real one: 无效评价申请 → 无效评价', () => {
  it("puts a hall terminal's 差评 with no department in the centre's triage, and the supervisor assigns it", async () => {
    // A self-service terminal in the hall (no window, no service item): enrolled and delivering through the device API.
    const created = await centre.admin('POST', '/enrollments', { mode: 'terminal', name: '大厅自助终端' });
    const identity = DeviceIdentity.create(tempDir('hcp-cases-terminal-').path);
    const res = await fetch(`${centre.url}/api/v1/devices/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        code: (created.body as { code: string }).code,
        publicKey: identity.publicKey(),
        info: { version: '0.1.0' },
      }),
    });
    expect(res.status).toBe(201);
    const terminal: Kiosk = { id: ((await res.json()) as { deviceId: string }).deviceId, identity, windowCode: null };
    const t = new Date().toISOString();
    const record = evaluation({
      channel: 'hall_terminal',
      mode: 'terminal',
      source: 'touch',
      satisfaction: 2,
      invitedAt: t,
      expiresAt: t,
      endedAt: t,
      staffNo: null,
      windowCode: null,
      departmentCode: null,
      serviceItemCode: null,
      caseNo: null,
    });
    const delivered = await centre.device(terminal, 'POST', '/api/v1/device/records', batch([record]));
    expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);
    const item = await waitFor('the second case', async () => {
      const list = await apiAs<CasePage>(supervisor, '/cases?state=triage');
      return list.body.items[0];
    });
    second = { id: item.id, number: item.number };
    expect(item.departmentCode).toBeNull();

    await openCase(supervisor, second.id);
    await stateTag(supervisor, 'triage').waitFor();
    expect(await supervisor.getByTestId('case-rating').innerText()).toContain('中心待分派');
    expect(await actionsOn(supervisor)).toEqual(['分派']);
    const assign = await openAction(supervisor, '分派');
    await choose(supervisor, assign, '责任部门', '市场监督管理局（SCJG）');
    await submit(supervisor, assign, 'assigned');
    await shot(supervisor, 'cases-triage-assigned');
  });

  it('asks 无效评价 with evidence (required by the form), and the supervisor approves it', async () => {
    await openCase(handler, second.id);
    const contact = await openAction(handler, '联系核实');
    await choose(handler, contact, '方式', '联系不上');
    await contact.getByLabel('说明').fill('终端评价未留联系方式，调取监控核实');
    await submit(handler, contact, 'verifying');

    const request = await openAction(handler, '申请无效评价');
    await request.getByLabel('说明').fill('监控显示为儿童误触终端，非办事群众评价');
    await clickUntil(request.getByRole('button', { name: '提交', exact: true }), request.getByText('请上传证据材料'));
    await shot(handler, 'cases-invalid-evidence-required');
    await upload(request, '监控截图说明.pdf', 'application/pdf', PDF);
    await submit(handler, request, 'invalid_requested');
    // The department asks; only the centre decides.
    expect(await actionsOn(handler)).toEqual([]);
    await shot(handler, 'cases-invalid-requested');

    await openCase(supervisor, second.id);
    expect(await actionsOn(supervisor)).toEqual(['认定无效评价', '驳回无效申请']);
    const approve = await openAction(supervisor, '认定无效评价');
    await approve.getByLabel('说明').fill('经核实为误触，认定无效评价');
    await submit(supervisor, approve, 'invalid');
    expect(await supervisor.getByTestId('case-timeline').innerText()).toContain('监控截图说明.pdf');
    await shot(supervisor, 'cases-invalid');
    await supervisor.goto(`${centre.url}/console/cases`);
    await supervisor.getByTestId('case-count-invalid').getByText('1').waitFor();
    // A count is a filter: 无效评价 lists the terminal's case alone, kept and flagged, not the closed one.
    await clickUntil(supervisor.getByTestId('case-count-invalid'), selected(supervisor.locator('body'), '无效评价'));
    const rows = supervisor.getByTestId('cases-table').locator('tbody tr.ant-table-row');
    await rows.filter({ hasText: second.number }).waitFor();
    await rows.filter({ hasText: first.number }).waitFor({ state: 'detached' });
    expect(await rows.count()).toBe(1);
    await shot(supervisor, 'cases-list-invalid');
    expect((await apiAs(other, `/cases/${second.id}`)).status).toBe(404);
  });
});

describe('the working-day calendar', () => {
  let admin: Page;
  const thisYear = Number(dayFromToday(0).slice(0, 4));
  const next = thisYear + 1;

  it('warns on every page while next year is missing (from 1 November), as the centre says', async () => {
    admin = await centre.signInAs('admin', { path: 'calendar', username: 'wang.admin' });
    await admin.getByTestId('calendar-table').waitFor();
    const { body: status } = await apiAs<CalendarStatus>(admin, '/calendar/status');
    const banner = admin.getByTestId('calendar-missing-year');
    if (status.missingNextYear) {
      await banner.getByText(`尚未录入 ${status.missingNextYear} 年`).waitFor();
      await shot(admin, 'cases-calendar-missing-year');
    } else {
      await admin.getByTestId('calendar-covered').waitFor();
      expect(await banner.count()).toBe(0);
    }
  });

  it("shows 2026's holidays and 调休 from the package, and edits a day", async () => {
    await pick(admin, admin.getByLabel('年份'), '2026 年', selected(admin.locator('body'), '2026 年'));
    const table = admin.getByTestId('calendar-table');
    await table.getByText('2026-10-01').waitFor();
    const worked = table.locator('tr', { hasText: '2026-09-20' });
    expect(await worked.innerText()).toContain('调休上班');
    await admin.getByRole('heading', { name: '工作日历' }).scrollIntoViewIfNeeded();
    await shot(admin, 'cases-calendar-2026');

    const dialog = admin.getByRole('dialog');
    await clickUntil(admin.getByRole('button', { name: '添加日期' }), dialog.getByLabel('名称'));
    await fillDate(dialog.getByLabel('日期'), '2026-12-31');
    await dialog.getByLabel('名称').fill('临时闭厅');
    await confirmDialog(dialog, '保存');
    const row = table.locator('tr', { hasText: '2026-12-31' });
    await row.getByText('临时闭厅').waitFor();
    await clickUntil(row.getByRole('button', { name: '删除' }), dialog.getByRole('button', { name: '删除' }));
    await confirmDialog(dialog, '删除');
    await row.waitFor({ state: 'detached' });
  });

  it('enters next year from the 通知 lines, after which it is covered and the banner is gone', async () => {
    await pick(admin, admin.getByLabel('年份'), `${next} 年`, selected(admin.locator('body'), `${next} 年`));
    const dialog = admin.getByRole('dialog');
    const text = dialog.getByLabel('全年安排');
    await clickUntil(admin.getByRole('button', { name: `录入 ${next} 年安排` }), text);
    await text.fill(`${next}-01-01 休 元旦\n${next}-02-30 休 错误`);
    await dialog.getByText('第 2 行').waitFor();
    await text.fill(`${next}-01-01 休 元旦\n${next}-02-06~${next}-02-12 休 春节\n${next}-02-14 班 春节调休`);
    await dialog.getByText('将录入节假日 8 天，调休上班 1 天').waitFor();
    await shot(admin, 'cases-calendar-enter-year');
    await confirmDialog(dialog, '保存全年安排');
    await admin.getByTestId('calendar-covered').getByText('已录入全年安排').waitFor();
    await admin.getByTestId('calendar-table').getByText('春节调休').waitFor();
    await admin.getByTestId('calendar-missing-year').waitFor({ state: 'detached' });
    const { body: status } = await apiAs<CalendarStatus>(admin, '/calendar/status');
    expect(status.coveredYears).toContain(next);
    expect(status.missingNextYear).toBeNull();
    await shot(admin, 'cases-calendar-entered');
  });
});
