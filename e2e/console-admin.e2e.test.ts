/**
 * The console's 配置, 账号 and 审计 end to end (issue 15), in Debian's Chromium against a real central process on
 * PostgreSQL: an admin creates a department, a window and a staff member (validated inline, in Chinese), resets
 * the PIN, imports a workbook with one bad row (the report shows it and nothing is imported) then a good one,
 * creates a handler account and an API key (each secret shown once); the audit page lists these actions with the
 * actor, and its export downloads an .xlsx that exceljs reads back with those rows; a handler sees only its
 * departments' staff and no control that changes the catalogue. Screenshots at 1920×1080.
 */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../src/shared/audit.js';
import { XLSX_CONTENT_TYPE } from '../src/shared/excel.js';
import { batch, evaluation } from '../src/central/test-support/api-harness.js';
import { shot, startConsoleCentre, type ConsoleCentre } from './console-harness.js';

let centre: ConsoleCentre;
let page: Page;
const ADMIN = 'hall-admin';

/** antd spaces a two-character Chinese button (保 存) and names its icon first (plus 新建部门): match the words. */
const words = (text: string) => new RegExp(`(^|\\s)${[...text].join('\\s*')}\\s*$`);
const button = (scope: Page | Locator, text: string) => scope.getByRole('button', { name: words(text) });
const dialog = (title: string | RegExp) => page.getByRole('dialog').filter({ hasText: title });

/** Opens the antd Select labelled `label` in `scope` and picks the option `option`. */
async function pick(scope: Locator, label: string, option: string): Promise<void> {
  await scope.getByLabel(label).click();
  await page
    .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)')
    .getByTitle(option, { exact: true })
    .click();
}

/**
 * Waits until no element matches: the dialog of a secret and the form it came from close together, and both match
 * their name while they fade (a strict-mode `waitFor` on two elements fails).
 */
const gone = (locator: Locator) => expect.poll(() => locator.count(), { timeout: 30_000 }).toBe(0);

/** A screenshot once the toasts of the last action have gone (they last a few seconds), so the page shows calm. */
async function calmShot(name: string): Promise<void> {
  await page.locator('.ant-message-notice').first().waitFor({ state: 'detached' });
  await shot(page, name);
}

async function workbook(rows: (string | number)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('人员');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

beforeAll(async () => {
  centre = await startConsoleCentre();
  page = await centre.signInAs('admin', { username: ADMIN, path: 'config' });
});

afterAll(async () => {
  await centre?.close();
});

describe('the console: 配置, 账号 and 审计', () => {
  it('creates a department, a window and a staff member, validating inline in Chinese', async () => {
    await page.getByRole('tab', { name: '部门' }).waitFor();
    await button(page, '新建部门').click();
    const form = dialog('新建部门');
    await form.getByLabel('部门编码').fill('人 社');
    await form.getByLabel('部门名称').fill('人力资源和社会保障局');
    await button(form, '保存').click();
    await form.getByText('只能包含字母、数字和 _ . : -').waitFor();
    await form.getByLabel('部门编码').fill('RS');
    await button(form, '保存').click();
    await page.getByRole('cell', { name: '人力资源和社会保障局' }).waitFor();
    await calmShot('config');

    await page.getByRole('tab', { name: '窗口' }).click();
    await button(page, '新建窗口').click();
    const window = dialog('新建窗口');
    await window.getByLabel('窗口编号').fill('W09');
    await window.getByLabel('窗口名称').fill('9号窗口');
    await pick(window, '所属部门', '人力资源和社会保障局（RS）');
    await button(window, '保存').click();
    await page.getByRole('cell', { name: '9号窗口' }).waitFor();

    await page.getByRole('tab', { name: '人员' }).click();
    await button(page, '新建人员').click();
    const staff = dialog('新建人员');
    await staff.getByLabel('工号').fill('5001');
    await staff.getByLabel('姓名').fill('陈静');
    await pick(staff, '所属部门', '人力资源和社会保障局（RS）');
    await staff.getByLabel('PIN', { exact: true }).fill('24');
    await staff.getByLabel('再次输入 PIN').fill('2468');
    await button(staff, '保存').click();
    await staff.getByText('应为 4 至 8 位数字').waitFor();
    await staff.getByText('两次输入的 PIN 不一致').waitFor();
    await staff.getByLabel('PIN', { exact: true }).fill('2468');
    await button(staff, '保存').click();
    await page.getByRole('cell', { name: '陈静' }).waitFor();
    const listed = await centre.admin('GET', '/staff/5001');
    expect(listed.body).toMatchObject({ staffNo: '5001', departmentCode: 'RS', active: true });
  });

  it('resets a PIN typed twice, never showing it', async () => {
    const row = page.getByRole('row').filter({ hasText: '陈静' });
    await button(row, '重置 PIN').click();
    const reset = dialog('重置 陈静（5001）的 PIN');
    await reset.getByLabel('PIN', { exact: true }).fill('1357');
    await reset.getByLabel('再次输入 PIN').fill('1357');
    expect(await reset.getByLabel('PIN', { exact: true }).getAttribute('type')).toBe('password');
    await calmShot('config-pin-reset');
    await button(reset, '重置').click();
    await page.getByText('陈静 的 PIN 已重置').waitFor();
    await reset.waitFor({ state: 'detached' });
    // Nowhere on the page, nor left in an input.
    expect(await page.locator('body').innerText()).not.toContain('1357');
    for (const input of await page.locator('input').all()) expect(await input.inputValue()).not.toMatch(/1357|2468/);
    await calmShot('config-staff');
  });

  it('imports a workbook with one bad row (reported, nothing imported), then a good one', async () => {
    await page.getByRole('tab', { name: 'Excel 导入' }).click();
    const template = page.getByRole('link', { name: /下载模板/ });
    expect(await template.getAttribute('href')).toBe('/api/v1/admin/imports/staff/template.xlsx');
    const header = ['工号', '姓名', '部门编码', '初始PIN'];
    const bad = await workbook([header, ['5101', '周敏', 'RS', '0101'], ['5102', '吴刚', 'NOPE', '0202']]);
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: '人员.xlsx', mimeType: XLSX_CONTENT_TYPE, buffer: bad });
    await page.getByTestId('import-file').getByText('人员.xlsx').waitFor();
    await button(page, '导入').click();
    await page.getByTestId('import-outcome').getByText('有 1 行错误，整个文件都没有导入').waitFor();
    const errorRow = page.getByRole('row').filter({ hasText: '5102' });
    await errorRow.getByText('没有编码为 NOPE 的部门').waitFor();
    await calmShot('config-import');
    expect((await centre.admin('GET', '/staff/5101')).status).toBe(404);

    const good = await workbook([header, ['5101', '周敏', 'RS', '0101'], ['5102', '吴刚', 'RS', '0202']]);
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: '人员-改.xlsx', mimeType: XLSX_CONTENT_TYPE, buffer: good });
    await button(page, '导入').click();
    await page.getByTestId('import-outcome').getByText('已导入').waitFor();
    expect((await centre.admin('GET', '/staff/5102')).body).toMatchObject({ name: '吴刚', departmentCode: 'RS' });
  });

  it('shows the hall settings', async () => {
    await page.getByRole('tab', { name: '大厅设置' }).click();
    await page.getByLabel('评价等待时间').waitFor();
    await calmShot('config-settings');
  });

  it('creates a handler account and an API key, each secret shown once', async () => {
    await page.getByRole('menu').getByText('账号').click();
    await button(page, '新建账号').click();
    const form = dialog('新建账号');
    await form.getByLabel('登录名').fill('rs-handler');
    await form.getByLabel('姓名').fill('刘办理');
    await pick(form, '角色', '部门办理人');
    await pick(form, '部门', '人力资源和社会保障局');
    await button(form, '保存').click();
    const secret = page.getByTestId('one-time-secret');
    await secret.waitFor();
    expect(await secret.locator('code').textContent()).toMatch(/^[A-Za-z0-9]{16}$/);
    await calmShot('accounts-created');
    await button(dialog('账号 rs-handler 已创建'), '我已记下').click();
    await gone(dialog('账号 rs-handler 已创建'));
    const row = page.getByRole('row').filter({ hasText: 'rs-handler' });
    await row.getByText('部门办理人').waitFor();
    await row.getByText('人力资源和社会保障局').waitFor();
    await row.getByText('从未登录').waitFor();
    // The admin signed in: its last login is shown, not 从未登录.
    expect(await page.getByRole('row').filter({ hasText: ADMIN }).textContent()).not.toContain('从未登录');
    await calmShot('accounts');

    await page.getByRole('tab', { name: 'API 密钥' }).click();
    await button(page, '新建 API 密钥').click();
    const keyForm = dialog('新建 API 密钥');
    await keyForm.getByLabel('名称').fill('办件系统对接');
    await pick(keyForm, '权限范围', '领导');
    await button(keyForm, '创建').click();
    await page
      .getByTestId('one-time-secret')
      .locator('code')
      .getByText(/^hcpk_/)
      .waitFor();
    await button(dialog('办件系统对接'), '我已记下').click();
    await gone(dialog('办件系统对接'));
    await page.getByRole('row').filter({ hasText: '办件系统对接' }).getByText('从未使用').waitFor();
    await calmShot('accounts-keys');
  });

  it('lists these actions in the audit log with their actor, and exports them to an .xlsx', async () => {
    await page.getByRole('menu').getByText('审计').click();
    for (const action of ['新建配置项', '修改配置项', 'Excel 导入', '新建账号', '新建 API 密钥']) {
      await page.getByRole('row').filter({ hasText: action }).filter({ hasText: ADMIN }).first().waitFor();
    }
    await calmShot('audit');
    // Usable at 1280×720 as well: nothing wider than the window.
    await page.setViewportSize({ width: 1280, height: 720 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1280);
    await shot(page, 'audit-1280x720');
    await page.setViewportSize({ width: 1920, height: 1080 });

    const api = (await centre.admin('GET', '/audit?actor=hall-admin&limit=500')).body as { entries: AuditRecord[] };
    const mine = api.entries.map((e) => `${e.action} ${e.target ?? ''}`);
    expect(mine).toEqual(
      expect.arrayContaining([
        'catalog.created departments:RS',
        'catalog.created windows:W09',
        'catalog.created staff:5001',
        'catalog.updated staff:5001',
        'catalog.imported staff:*',
        expect.stringMatching(/^account\.created account:/),
        expect.stringMatching(/^api_key\.created api_key:/),
      ]),
    );
    // The PIN reset is there as a PIN set, with no PIN.
    const pinReset = api.entries.find((e) => e.action === 'catalog.updated' && e.target === 'staff:5001')!;
    expect(pinReset.summary).toMatchObject({ pinSet: true });
    // No PIN in any summary (ids and hashes are random hex, where any four digits may occur).
    expect(JSON.stringify(api.entries.map((e) => e.summary))).not.toMatch(/\b(1357|2468|0101|0202)\b/);

    await page.getByLabel('操作者').fill(ADMIN);
    // By keyboard: Enter in a filter searches.
    await page.getByLabel('操作者').press('Enter');
    await page.getByRole('row').filter({ hasText: 'legacy-admin-token' }).waitFor({ state: 'detached' });
    const download = page.waitForEvent('download');
    await page.getByTestId('audit-export').click();
    const file = await (await download).path();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(file) as unknown as ExcelJS.Buffer);
    const sheet = wb.getWorksheet('审计日志')!;
    const rows: string[] = [];
    sheet.eachRow((row, n) => {
      if (n > 1) rows.push(`${row.getCell(4).text} ${row.getCell(6).text} ${row.getCell(7).text}`);
    });
    expect(rows).toEqual(
      expect.arrayContaining([
        `${ADMIN} catalog.created departments:RS`,
        `${ADMIN} catalog.imported staff:*`,
        expect.stringMatching(new RegExp(`^${ADMIN} account\\.created account:`)),
        expect.stringMatching(new RegExp(`^${ADMIN} api_key\\.created api_key:`)),
      ]),
    );
    expect(rows.every((r) => r.startsWith(`${ADMIN} `))).toBe(true);
    // The export itself is in the log, with its filter.
    const newest = (await centre.admin('GET', '/audit?action=audit.exported')).body as { entries: AuditRecord[] };
    expect(newest.entries[0]).toMatchObject({ actor: { name: ADMIN }, summary: { filters: { actor: ADMIN } } });
  });

  it('lists an item code the catalogue lacks under 未知事项, and maps it to a real item', async () => {
    expect(
      (await centre.admin('POST', '/service-items', { code: 'RS-0001', name: '社保卡申领', departmentCode: 'RS' }))
        .status,
    ).toBe(201);
    const kiosk = await centre.enrolKiosk('W09', '9号窗口评价器');
    const at = new Date().toISOString();
    const records = [5, 1].map((satisfaction) => ({
      ...evaluation({ windowCode: 'W09', departmentCode: 'RS', staffNo: '5001', satisfaction, invitedAt: at }),
      serviceItemCode: 'BJ-RS-88',
      unknownItem: true,
    }));
    const delivered = await centre.device(kiosk, 'POST', '/api/v1/device/records', batch(records));
    expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);
    await page.getByRole('menu').getByText('配置').click();
    await page.getByRole('tab', { name: '未知事项' }).click();
    const row = page.getByRole('row', { name: /BJ-RS-88/ });
    await row.getByRole('cell', { name: '2', exact: true }).waitFor();
    await calmShot('config-unknown-items');
    await row.getByLabel('选择目录中的事项').click();
    await page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)')
      .getByTitle('社保卡申领（RS-0001）')
      .click();
    await row.getByRole('button', { name: '对应' }).click();
    await page.getByText('BJ-RS-88 已对应，2 条评价已计入该事项').waitFor();
    await page.getByText('没有未知事项').waitFor();
    const listed = await centre.admin('GET', '/evaluations?serviceItemCode=RS-0001');
    expect((listed.body as { items: { unknownItemCode: string }[] }).items.map((e) => e.unknownItemCode)).toEqual([
      'BJ-RS-88',
      'BJ-RS-88',
    ]);
  });

  it('shows a handler only its departments’ staff, and no control that changes the catalogue', async () => {
    expect((await centre.admin('POST', '/departments', { code: 'GA', name: '公安局' })).status).toBe(201);
    const other = { staffNo: '3001', name: '李强', departmentCode: 'GA', pin: '135790' };
    expect((await centre.admin('POST', '/staff', other)).status).toBe(201);
    const handler = await centre.signInAs('handler', { departments: ['RS'], path: 'config' });
    await handler.getByRole('tab', { name: '人员' }).click();
    await handler.getByRole('cell', { name: '陈静' }).waitFor();
    expect(await handler.getByRole('cell', { name: '李强' }).count()).toBe(0);
    expect(await button(handler, '新建人员').count()).toBe(0);
    expect(await button(handler, '重置 PIN').count()).toBe(0);
    for (const tab of ['大厅设置', 'Excel 导入']) expect(await handler.getByRole('tab', { name: tab }).count()).toBe(0);
    const menu = await handler.getByRole('menu').innerText();
    expect(menu).not.toContain('账号');
    expect(menu).not.toContain('审计');
  });
});
