/**
 * QR rating on a phone, end to end (issue 17, 第十条(四)): a real kiosk process enrolled with a real centre (a real
 * PostgreSQL), its citizen screen in Chromium at 800×480 paired as a technician pairs it. A service nobody rates at
 * the counter leaves a QR code on the screen; the test reads the code from the screenshot's pixels (jsQR), opens its
 * URL in a phone-sized context (390×844), rates 不满意 with a reason, and finds one rating and one case at the
 * centre; opening the code again says 已评价. Then the same with the kiosk cut off from the centre (a fault proxy
 * refusing): the phone's rating lands first, and the kiosk's record joins it when the network is back. Last, the
 * hall's citizen-screen settings set at the centre (larger text, spoken prompts) reach the screen, and an item code
 * the catalogue lacks is shown as 政务服务 and kept apart at the centre (未知事项).
 */
import { join } from 'node:path';
import jsqr from 'jsqr';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultProxy, freePort } from '../src/common/test-support/fault-proxy.js';
import { tempDir } from '../src/common/test-support/temp-dir.js';
import { waitFor } from '../src/common/test-support/wait-for.js';
import { enrollKioskProcess, startKioskProcess, type KioskProcess } from '../src/kiosk/test-support/kiosk-process.js';
import type { StatusView } from '../src/shared/local-api.js';
import { SCREENSHOTS } from './browser.js';
import { startConsoleCentre, type ConsoleCentre } from './console-harness.js';
import { atEachSize, expectFits } from './layout.js';
import { codeFromCommandLine, enterCode } from './pairing.js';

let centre: ConsoleCentre;
let proxy: FaultProxy;
let dir: ReturnType<typeof tempDir>;
let kiosk: KioskProcess;
let citizen: Page;
let phone: Page;
let db: pg.Pool;

const status = async () => (await kiosk.api('GET', '/status')).body as StatusView;

/** The QR code on the citizen screen, read from a screenshot of the whole screen as a phone's camera reads it. */
async function scanScreen(name: string): Promise<string> {
  await citizen.locator('[data-screen="qr"] [data-testid="rating-qr"] svg').waitFor({ timeout: 30_000 });
  const png = await citizen.screenshot({ path: join(SCREENSHOTS, `qr-${name}.png`) });
  // The PNG's pixels, decoded by the browser itself (a blank page of the phone's context; no image library here).
  const pixels = await phone.evaluate<{ width: number; height: number; data: number[] }>(`(async () => {
    const img = new Image();
    img.src = 'data:image/png;base64,${png.toString('base64')}';
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d');
    context.drawImage(img, 0, 0);
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    return { width: canvas.width, height: canvas.height, data: Array.from(data) };
  })()`);
  // jsQR is CommonJS: its function is both the module and its `default`, which is what its types declare.
  const code = jsqr.default(Uint8ClampedArray.from(pixels.data), pixels.width, pixels.height);
  if (!code) throw new Error(`no QR code could be read from the screenshot qr-${name}.png`);
  return code.data;
}

/** On the phone: open the code's page, rate 不满意 with the reason 服务态度, and see the thanks. */
async function rateOnPhone(url: string, name: string): Promise<void> {
  await phone.goto(url);
  await phone.getByText('个体工商户设立登记 · 1号窗口').waitFor();
  await phone.screenshot({ path: join(SCREENSHOTS, `qr-${name}-phone-levels.png`), fullPage: true });
  await phone.getByRole('link', { name: '不满意', exact: true }).click();
  await phone.getByRole('heading', { name: '您的评价：不满意' }).waitFor();
  await phone.getByLabel('服务态度').check();
  await phone.locator('#comment').fill('窗口让我等了很久');
  await phone.screenshot({ path: join(SCREENSHOTS, `qr-${name}-phone-details.png`), fullPage: true });
  await phone.getByRole('button', { name: '提交评价' }).click();
  await phone.getByRole('heading', { name: '感谢您的评价' }).waitFor();
  await phone.screenshot({ path: join(SCREENSHOTS, `qr-${name}-phone-thanks.png`) });
}

/** The centre's view of one kiosk service: its ratings by channel, its cases, and whether the kiosk's record joined. */
async function atCentre(recordId: string) {
  const { rows } = await db.query<{ channel: string; satisfaction: number }>(
    `SELECT e.channel, e.satisfaction FROM evaluations e JOIN services s ON s.id = e.service_id
      WHERE s.kiosk_record_id = $1 ORDER BY e.channel`,
    [recordId],
  );
  const cases = await db.query<{ channel: string }>(
    `SELECT c.channel FROM cases c JOIN evaluations e ON e.id = c.evaluation_id JOIN services s ON s.id = e.service_id
      WHERE s.kiosk_record_id = $1`,
    [recordId],
  );
  const records = await db.query('SELECT 1 FROM records WHERE id = $1', [recordId]);
  return { ratings: rows, cases: cases.rows.map((c) => c.channel), kioskRecord: records.rowCount === 1 };
}

async function unratedService(): Promise<string> {
  const opened = await kiosk.api('POST', '/invitations', { serviceItemCode: 'SC-0001', caseNo: 'BJ-SC-2026-0100' });
  expect(opened.status).toBe(201);
  await citizen.locator('[data-screen="prompt"]').waitFor({ timeout: 30_000 });
  // Nobody presses: the rating window runs out and the code takes the screen.
  return (opened.body as { id: string }).id;
}

beforeAll(async () => {
  centre = await startConsoleCentre();
  for (const [path, body] of [
    ['/departments', { code: 'SCJG', name: '市场监督管理局' }],
    ['/windows', { code: 'W01', name: '1号窗口', departmentCode: 'SCJG' }],
    ['/staff', { staffNo: '1001', name: '王丽', departmentCode: 'SCJG', pin: '246810' }],
    ['/service-items', { code: 'SC-0001', name: '个体工商户设立登记', departmentCode: 'SCJG' }],
    ['/reason-tags', { code: 'attitude', label: '服务态度', levels: [1, 2] }],
  ] as const) {
    const res = await centre.admin('POST', path, body);
    if (res.status !== 201) throw new Error(`seeding ${path} answered ${res.status}`);
  }
  // Kiosks reach the centre through the hall network (here a proxy the test can cut); phones reach its public
  // address, which the settings name for the QR codes.
  const port = Number(new URL(centre.url).port);
  proxy = new FaultProxy(port, await freePort());
  await proxy.start();
  const settings = await centre.admin('PATCH', '/settings', { ratingWindowSeconds: 6, ratingPageUrl: centre.url });
  expect(settings.status).toBe(200);
  db = new pg.Pool({ connectionString: centre.databaseUrl, max: 2 });

  dir = tempDir('hcp-qr-e2e-');
  const created = await centre.admin('POST', '/enrollments', { mode: 'window', windowCode: 'W01', name: '1号窗口' });
  const enrolled = await enrollKioskProcess(dir.path, proxy.url, (created.body as { code: string }).code);
  expect(enrolled.stdout).toMatch(/enrolled as device/);
  kiosk = await startKioskProcess(dir.path, [], { ipc: false });
  await waitFor('the centre’s configuration', async () => (await status()).window?.code === 'W01', 30_000);
  citizen = await centre.newPage({ width: 800, height: 480 });
  await enterCode(citizen, kiosk.url, 'citizen', await codeFromCommandLine(dir.path, 'citizen'));
  phone = await centre.newPage({ width: 390, height: 844 });
  expect((await kiosk.api('POST', '/shift/login', { staffNo: '1001', pin: '246810' })).status).toBe(200);
});

afterAll(async () => {
  await kiosk?.kill('SIGTERM');
  await db?.end();
  await proxy?.stop();
  await centre?.close();
  dir?.remove();
});

describe('a service nobody rated at the counter, rated on a phone from the QR code', () => {
  it('online: the kiosk’s record is there first, the phone’s 不满意 is its one rating and opens one case', async () => {
    const recordId = await unratedService();
    const url = await scanScreen('online');
    expect(url.startsWith(`${centre.url}/r/`)).toBe(true);
    // The receipt's code is the screen's code.
    expect((await kiosk.api('GET', `/invitations/${recordId}/qr`)).body).toMatchObject({ url });
    await waitFor('the kiosk to deliver', async () => (await status()).queue.pending === 0, 30_000);
    expect(await atCentre(recordId)).toEqual({ ratings: [], cases: [], kioskRecord: true });

    await rateOnPhone(url, 'online');
    expect(await atCentre(recordId)).toEqual({
      ratings: [{ channel: 'qr_code', satisfaction: 2 }],
      cases: ['qr_code'],
      kioskRecord: true,
    });
    await phone.goto(url);
    await phone.getByRole('heading', { name: '已评价' }).waitFor();
    await phone.screenshot({ path: join(SCREENSHOTS, 'qr-online-phone-again.png') });
    // The screen goes back to who is serving once its rating window has passed.
    await citizen.locator('[data-screen="idle"]').waitFor({ timeout: 30_000 });
    expect((await atCentre(recordId)).ratings).toHaveLength(1);
  });

  it('offline: the phone’s rating lands before the kiosk’s record, which joins it when the network is back', async () => {
    await proxy.set('refuse');
    const recordId = await unratedService();
    const url = await scanScreen('offline');
    await waitFor('the kiosk to see the centre gone', async () => (await status()).central.state === 'offline', 60_000);
    expect((await status()).queue.pending).toBeGreaterThan(0);

    await rateOnPhone(url, 'offline');
    expect(await atCentre(recordId)).toEqual({
      ratings: [{ channel: 'qr_code', satisfaction: 2 }],
      cases: ['qr_code'],
      kioskRecord: false,
    });

    await proxy.set('pass');
    await waitFor('the kiosk to deliver', async () => (await status()).queue.pending === 0, 60_000);
    expect(await atCentre(recordId)).toEqual({
      ratings: [{ channel: 'qr_code', satisfaction: 2 }],
      cases: ['qr_code'],
      kioskRecord: true,
    });
    await phone.goto(url);
    await phone.getByRole('heading', { name: '已评价' }).waitFor();
  });
});

describe('the hall’s citizen-screen settings, and an item the catalogue lacks', () => {
  it('larger text and spoken prompts set at the centre reach the screen; an unknown item shows 政务服务 and is flagged', async () => {
    const set = await centre.admin('PATCH', '/settings', {
      citizenScreen: { speech: true, volume: 60, largeText: true },
    });
    expect(set.status).toBe(200);
    await citizen.locator('main.citizen.large').waitFor({ timeout: 90_000 });
    await atEachSize(citizen, () => expectFits(citizen, 'citizen-large-idle'));

    const opened = await kiosk.api('POST', '/invitations', { serviceItemCode: 'BJ-RAW-0001', caseNo: 'BJ-2026-7' });
    expect(opened.status).toBe(201);
    const id = (opened.body as { id: string }).id;
    const prompt = citizen.locator('[data-screen="prompt"]');
    await prompt.waitFor({ timeout: 30_000 });
    await expectFits(citizen, 'citizen-large-prompt');
    expect(await prompt.textContent()).toContain('办理事项：政务服务');
    expect(await citizen.textContent('body')).not.toContain('BJ-RAW-0001');
    // Headless Chromium has no voice of its own: the bundled recording is played.
    expect(await citizen.getAttribute('main.citizen', 'data-spoken')).toMatch(/^rate_prompt:(system|recording)$/);

    // Nobody presses: the unrated record reaches the centre with the code apart, listed for an admin to map.
    await waitFor(
      'the record at the centre',
      async () =>
        (
          await db.query(
            `SELECT 1 FROM evaluations WHERE id = $1 AND unknown_item_code = 'BJ-RAW-0001' AND service_item_code IS NULL`,
            [id],
          )
        ).rowCount === 1,
      60_000,
    );
    const listed = await centre.admin('GET', '/unknown-items');
    expect(listed.body).toEqual([expect.objectContaining({ code: 'BJ-RAW-0001', ratings: 1 })]);
  });
});
