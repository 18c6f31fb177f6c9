/**
 * The 意见箱 end to end in Chromium, on a real centre process and PostgreSQL (issue 17, 第十一条): a citizen leaves
 * a 建议 and a 投诉 on the public page at 390×844; the supervisor refers the 建议 to 市场监督管理局 in the console, the
 * department's handler answers it (and sees nothing else), the supervisor closes it; the 投诉 becomes a 差评 case
 * whose page opens from the item. The contact left is never on any console page.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickUntil, pickUntil, shot, startConsoleCentre, type ConsoleCentre } from './console-harness.js';

const CONTACT = '13900002222';

let centre: ConsoleCentre;
let phone: Page;
let supervisor: Page;
let handler: Page;
const numbers: Record<'suggestion' | 'complaint', string> = { suggestion: '', complaint: '' };

async function leave(kind: '建议' | '投诉', text: string): Promise<string> {
  await phone.goto(`${centre.url}/suggest`);
  await phone.getByLabel(kind).check();
  await phone.getByLabel(/内容/).fill(text);
  await phone.getByLabel(/涉及部门/).selectOption({ label: '市场监督管理局' });
  await phone.getByLabel(/联系方式/).fill(CONTACT);
  await shot(phone, `suggest-${kind === '建议' ? 'form' : 'complaint'}`);
  await phone.getByRole('button', { name: '提交' }).click();
  await phone.getByRole('heading', { name: '感谢您的意见' }).waitFor();
  const number = (await phone.locator('strong').innerText()).trim();
  expect(number).toMatch(/^YJ\d{8}-\d{4}$/);
  return number;
}

/** Opens the item `number` in the drawer of 意见箱. */
async function open(page: Page, number: string): Promise<void> {
  await page.goto(`${centre.url}/console/suggestions`);
  const row = page.getByTestId('suggestions-table').locator('tbody tr', { hasText: number });
  await clickUntil(row.getByTestId('suggestion-open'), page.getByTestId('suggestion-view').getByText(number));
}

const stateIs = (page: Page, state: string) =>
  page.getByTestId('suggestion-view').locator(`[data-testid="suggestion-state"][data-state="${state}"]`);

beforeAll(async () => {
  centre = await startConsoleCentre();
  for (const [path, body] of [
    ['/departments', { code: 'SCJG', name: '市场监督管理局' }],
    ['/departments', { code: 'GA', name: '公安局' }],
  ] as const) {
    const res = await centre.admin('POST', path, body);
    if (res.status !== 201) throw new Error(`seeding ${path} answered ${res.status}`);
  }
  phone = await centre.newPage({ width: 390, height: 844 });
  supervisor = await centre.signInAs('supervisor', { path: 'suggestions', username: 'sun.supervisor' });
  handler = await centre.signInAs('handler', { departments: ['SCJG'], path: 'suggestions', username: 'zhou.handler' });
});

afterAll(async () => {
  await centre?.close();
});

describe('the 意见箱, from a phone to 已办结', () => {
  it('takes a 建议 and a 投诉 on the public page, with a number for each', async () => {
    numbers.suggestion = await leave('建议', '建议大厅增加老年人休息座椅');
    await shot(phone, 'suggest-thanks');
    numbers.complaint = await leave('投诉', '窗口工作人员态度很差，让我来回跑了三次');
  });

  it('lists them for the supervisor, never with the contact', async () => {
    await supervisor.goto(`${centre.url}/console/suggestions`);
    const table = supervisor.getByTestId('suggestions-table');
    await table.locator('tbody tr', { hasText: numbers.complaint }).waitFor();
    await table.locator('tbody tr', { hasText: numbers.suggestion }).waitFor();
    expect(await supervisor.locator('body').innerText()).not.toContain(CONTACT);
    await shot(supervisor, 'suggestions-list');
    // The department sees nothing the centre has not referred to it.
    await handler.reload();
    await handler.getByTestId('suggestions-table').getByText('没有符合条件的意见').waitFor();
  });

  it('refers the 建议 to 市场监督管理局, whose handler answers it; the supervisor closes it', async () => {
    await open(supervisor, numbers.suggestion);
    const option = '市场监督管理局（SCJG）';
    await pickUntil(
      supervisor,
      '转办给',
      option,
      supervisor.locator(`.ant-select-content[title="${option}"], .ant-select-content-value[title="${option}"]`),
    );
    await clickUntil(supervisor.getByRole('button', { name: '转办', exact: true }), stateIs(supervisor, 'referred'));

    await open(handler, numbers.suggestion);
    // A handler answers; referring, closing and 转为差评工单 are the centre's.
    expect(await handler.getByRole('button', { name: '办结' }).count()).toBe(0);
    expect(await handler.getByRole('button', { name: '转办', exact: true }).count()).toBe(0);
    await handler.getByLabel('答复').fill('已安排，下周起大厅东侧增加座椅 20 个');
    await shot(handler, 'suggestion-answer');
    await clickUntil(handler.getByRole('button', { name: '答复', exact: true }), stateIs(handler, 'answered'));

    await open(supervisor, numbers.suggestion);
    await clickUntil(supervisor.getByRole('button', { name: '办结' }), stateIs(supervisor, 'closed'));
    const timeline = await supervisor.getByTestId('suggestion-timeline').innerText();
    for (const step of ['提交', '转办', '答复', '办结', 'sun.supervisor', 'zhou.handler', '已安排']) {
      expect(timeline).toContain(step);
    }
    expect(await supervisor.locator('body').innerText()).not.toContain(CONTACT);
    await shot(supervisor, 'suggestion-closed');
  });

  it('turns the 投诉 into a 差评 case, whose page opens from the item', async () => {
    await open(supervisor, numbers.complaint);
    await supervisor.getByRole('button', { name: '转为差评工单' }).click();
    await clickUntil(
      supervisor.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定|OK/ }),
      stateIs(supervisor, 'closed'),
    );
    await shot(supervisor, 'suggestion-to-case');
    await clickUntil(supervisor.getByRole('link', { name: '查看差评工单' }), supervisor.getByTestId('case-rating'));
    const rating = await supervisor.getByTestId('case-rating').innerText();
    expect(rating).toContain('不满意');
    expect(rating).toContain('来回跑了三次');
    expect(rating).not.toContain(CONTACT);
  });
});
