/**
 * End to end in a real browser (Debian's Chromium driven by Playwright): the kiosk service as a real process serves
 * the built screens and the UI channel (the browser host); a simulated evaluator speaks on a real pty. The citizen
 * screen runs at 800×480 and the staff panel at 1920×1080 (and the other way round for the screenshots), saving
 * screenshots to test-results/screenshots. Every screen is paired the way a technician pairs it (e2e/pairing.ts).
 */
import BetterSqlite3 from 'better-sqlite3';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, SCREENSHOTS } from './browser.js';
import { codeFromCommandLine, enterCode, pairThroughTech, storedScreen, storedToken } from './pairing.js';
import { atEachSize, expectFits } from './layout.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DeviceIdentity } from '../src/common/device-identity.js';
import { tempDir } from '../src/common/test-support/temp-dir.js';
import { startEvaluatorLine, type EvaluatorLine } from '../src/hardware/test-support/evaluator-line.js';
import { KioskService } from '../src/kiosk/kiosk-service.js';
import { PIN_1001, windowConfig } from '../src/kiosk/test-support/fixtures.js';
import { startKioskProcess, type KioskProcess } from '../src/kiosk/test-support/kiosk-process.js';

let dir: ReturnType<typeof tempDir>;
let line: EvaluatorLine;
let kiosk: KioskProcess;
let browser: Browser;
let citizen: Page;
let staff: Page;
let tech: Page;
const ADMIN_PIN = '864209';

const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });

function rows<T>(sql: string): T[] {
  const db = new BetterSqlite3(join(dir.path, 'kiosk.db'), { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** The staff panel's item search: a few letters of the name, then the match. */
async function chooseItem(page: Page, item: string): Promise<void> {
  await page.fill('input[type="search"]', item.slice(0, 4));
  await page.click(`.matches button:text-is("${item}")`);
  await page.waitForSelector(`.chosen >> text=${item}`);
}

async function invite(item = '个体工商户设立登记', caseNo = ''): Promise<void> {
  await staff.waitForSelector('button.invite-button');
  await chooseItem(staff, item);
  await staff.fill('input[aria-label="办件编号"]', caseNo);
  await staff.click('button.invite-button');
  await citizen.waitForSelector('[data-screen="prompt"]');
}

beforeAll(async () => {
  dir = tempDir('hcp-e2e-');
  const service = KioskService.open({ dataDir: dir.path });
  await service.provision(windowConfig({ ratingWindowSeconds: 12 }));
  // Enrolled with a central system that is not there: the page must keep working, saying it is offline.
  DeviceIdentity.create(dir.path);
  service.context.settings.set('enrolment', {
    centralUrl: 'http://127.0.0.1:9',
    deviceId: '01a20f39-b9f7-7000-8ed2-018607634055',
    enrolledAt: new Date().toISOString(),
  });
  // Its key pinned, as an enrolment pins it: the centre is then offline, not misconfigured (no_central_key).
  const centre = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
  service.applyLocalPins({ centralPublicKey: centre.toString('base64') });
  await service.close();
  line = await startEvaluatorLine(dir.path);
  kiosk = await startKioskProcess(dir.path, ['--serial', line.pty.hostPath], { ipc: false });
  browser = await launchChromium();
  // The technician's own screen first, with a code from the kiosk PC's command line; then the two screens.
  tech = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await enterCode(tech, kiosk.url, 'technician', await codeFromCommandLine(dir.path, 'technician'));
  await tech.fill('input[aria-label="管理员密码"]', ADMIN_PIN);
  await tech.fill('input[aria-label="再次输入"]', ADMIN_PIN);
  await tech.click('button:text-is("设置并进入")');
  await tech.waitForSelector('nav >> text=屏幕配对', { timeout: 20_000 });
  citizen = await browser.newPage({ viewport: { width: 800, height: 480 } });
  staff = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await pairThroughTech(tech, citizen, kiosk.url, 'citizen', '1号窗口 市民屏');
  await pairThroughTech(tech, staff, kiosk.url, 'staff', '1号窗口 工作人员', 'link');
});

afterAll(async () => {
  await browser?.close();
  await kiosk?.kill('SIGTERM');
  await line?.stop();
  dir?.remove();
});

describe('browser host: citizen screen and staff panel', () => {
  it('logs staff in on the keypad and shows them on the citizen screen', async () => {
    await citizen.waitForSelector('[data-screen="paused"]');
    await shot(citizen, 'citizen-800x480-no-staff');
    for (const k of ['1', '0', '0', '1', 'OK', ...PIN_1001.split('')])
      await staff.click(`.keypad button:text-is("${k}")`);
    await staff.click('button.login-button');
    await staff.waitForSelector('text=王丽 · 1001');
    await citizen.waitForSelector('[data-screen="idle"] >> text=王丽');
    expect(await citizen.textContent('.staff-card')).toContain('1001');
    await shot(staff, 'staff-1920x1080-shift');
    await shot(citizen, 'citizen-800x480-idle');
    // Each screen names its page, and the hall's icon answers.
    expect([await citizen.title(), await staff.title(), await tech.title()]).toEqual([
      '好差评 · 服务评价',
      '好差评 · 工作人员',
      '好差评 · 技术人员模式',
    ]);
    const icon = await fetch(`${kiosk.url}/favicon.ico`);
    expect([icon.status, icon.headers.get('content-type')]).toEqual([200, 'image/vnd.microsoft.icon']);
  });

  it('takes a rating from the serial evaluator, shown on the screen the same way', async () => {
    await invite('个体工商户设立登记', '2026-0001');
    expect(await citizen.textContent('.context')).toContain('2026-0001');
    await shot(citizen, 'citizen-800x480-prompt');
    await line.sim.press(2); // key 2 = 满意 (4)
    await citizen.waitForSelector('[data-screen="thanks"]');
    await shot(citizen, 'citizen-800x480-thanks');
    await citizen.waitForSelector('[data-screen="idle"]', { timeout: 20_000 });
  });

  it('takes a rating on the touchscreen', async () => {
    await invite();
    await citizen.click('button.level-5');
    await citizen.waitForSelector('[data-screen="thanks"]');
    await citizen.waitForSelector('[data-screen="idle"]', { timeout: 20_000 });
  });

  it('takes a 差评 with reasons and a callback number on the keypad', async () => {
    await invite();
    await citizen.click('button.level-1');
    await citizen.waitForSelector('[data-screen="followup"]');
    expect(await citizen.textContent('.privacy')).toContain('加密保存');
    await citizen.click('button.tag:text-is("服务效率")');
    await citizen.click('button.tag:text-is("服务态度")');
    for (const d of '13800138000') await citizen.click(`.keypad button:text-is("${d}")`);
    await shot(citizen, 'citizen-800x480-followup');
    await citizen.click('button.submit');
    await citizen.waitForSelector('[data-screen="thanks"]');
    const [followup] = rows<{ payload: string }>("SELECT payload FROM outbox WHERE kind = 'followup'");
    const record = JSON.parse(followup!.payload) as { reasonTags: string[]; callbackPhone: unknown };
    expect(record.reasonTags).toEqual(['efficiency', 'attitude']);
    expect(JSON.stringify(record)).not.toContain('13800138000'); // sealed at rest
    await citizen.waitForSelector('[data-screen="idle"]', { timeout: 20_000 });
  });

  it('takes a key from a keyboard-wedge evaluator', async () => {
    await invite();
    await citizen.keyboard.press('F3'); // key 3 = 基本满意
    await citizen.waitForSelector('[data-screen="thanks"]');
    await citizen.waitForSelector('[data-screen="idle"]', { timeout: 20_000 });
  });

  it('goes back to the staff card when the rating window runs out, and tells the staff it went unrated', async () => {
    await invite();
    await staff.waitForSelector('[data-phase="waiting"] >> text=/等待评价 \\d+ 秒/');
    await staff.waitForSelector('[data-phase="unrated"] >> text=未评价', { timeout: 30_000 });
    await staff.waitForSelector('button.invite-button');
    await citizen.waitForSelector('[data-screen="idle"]', { timeout: 30_000 });
  });

  it('pauses with a reason and resumes', async () => {
    await staff.click('.pause button:text-is("午休")');
    await staff.click('.pause button:text-is("暂停服务")');
    await citizen.waitForSelector('[data-screen="paused"] >> text=午休');
    await shot(citizen, 'citizen-800x480-paused');
    // The evaluator's display comes over the serial line, the screen over a websocket: either may come first.
    await vi.waitFor(() => expect(line.sim.view.display).toBe('暂停服务'), { timeout: 10_000 });
    await staff.click('button:text-is("恢复服务")');
    await citizen.waitForSelector('[data-screen="idle"]');
  });

  it('never shows the rater identity on the citizen screen, nor a single rating on the staff panel', async () => {
    const rater = { name: '赵六一', idNumber: '110101199003077777', phone: '13912345678' };
    const opened = await kiosk.api('POST', '/invitations', { rater });
    expect(opened.status).toBe(201);
    await citizen.waitForSelector('[data-screen="prompt"]');
    const citizenText = await citizen.textContent('body');
    for (const secret of Object.values(rater)) expect(citizenText).not.toContain(secret);
    await citizen.click('button.level-2');
    await citizen.waitForSelector('[data-screen="followup"]');
    await citizen.click('button.skip');
    await staff.waitForSelector('button.invite-button');
    // Every level's label contains 满意: none may appear on the staff panel.
    expect(await staff.textContent('body')).not.toMatch(/满意/);
  });

  it('keeps working with the central system unreachable and the evaluator unplugged, and says so', async () => {
    await staff.waitForSelector('[data-status="central"] >> text=离线');
    expect(await staff.textContent('[data-status="queue"]')).toMatch(/待上传：[1-9]/);
    await line.pty.kill();
    await staff.waitForSelector('[data-status="evaluator"]:not(:has-text("已连接"))', { timeout: 20_000 });
    await shot(staff, 'staff-1920x1080-offline-unplugged');
    await invite();
    await citizen.click('button.level-4');
    await citizen.waitForSelector('[data-screen="thanks"]');
    await citizen.waitForSelector('[data-screen="idle"]', { timeout: 20_000 });
  });

  it('logs out with a summary of counts only', async () => {
    await staff.click('button.logout');
    await staff.waitForSelector('dialog.summary');
    const count = async (name: string) => Number(await staff.textContent(`[data-count="${name}"]`));
    expect(await count('invitations')).toBe(7);
    expect(await count('rated')).toBe(6);
    expect(await count('unrated')).toBe(1);
    expect(await count('pauses')).toBe(1);
    expect(await staff.textContent('dialog.summary')).not.toMatch(/满意/);
    await shot(staff, 'staff-1920x1080-summary');
    const levels = rows<{ satisfaction: number }>(
      "SELECT satisfaction FROM invitations WHERE state = 'rated' ORDER BY created_at",
    );
    expect(levels.map((l) => l.satisfaction)).toEqual([4, 5, 1, 3, 2, 4]);
    await citizen.waitForSelector('[data-screen="paused"]');
  });

  it('fits every state of both screens at 1920×1080, 1280×800 and 800×480: no sideways scroll, nothing out of reach', async () => {
    // The shift summary the last test left open is modal: the keypad behind it cannot be reached.
    await atEachSize(staff, () => expectFits(staff, 'staff-summary'));
    const behind = await staff.evaluate<string>(`(() => {
      const key = document.querySelector('.keypad button');
      if (!key) return 'no keypad';
      const r = key.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return hit && hit.closest('dialog') ? 'dialog' : (hit ? hit.textContent : 'nothing');
    })()`);
    expect(behind).toBe('dialog');
    await staff.click('dialog.summary button.primary');
    await staff.waitForSelector('text=工作人员登录');
    await atEachSize(staff, () => expectFits(staff, 'staff-login'));
    await citizen.waitForSelector('[data-screen="paused"]');
    await atEachSize(citizen, () => expectFits(citizen, 'citizen-no-staff'));

    for (const k of ['1', '0', '0', '1', 'OK', ...PIN_1001.split('')])
      await staff.click(`.keypad button:text-is("${k}")`);
    await staff.click('button.login-button');
    await staff.waitForSelector('button.invite-button');
    await atEachSize(staff, () => expectFits(staff, 'staff-shift'));
    await citizen.waitForSelector('[data-screen="idle"]');
    await atEachSize(citizen, () => expectFits(citizen, 'citizen-idle'));
    await staff.fill('input[type="search"]', '登记');
    await staff.waitForSelector('.matches');
    await atEachSize(staff, () => expectFits(staff, 'staff-item-search'));
    await staff.fill('input[type="search"]', '');

    // Opened by the 办件 system through the local API, with the item filled in.
    expect((await kiosk.api('POST', '/invitations', { serviceItemCode: 'SC-0001', caseNo: '2026-0009' })).status).toBe(
      201,
    );
    await citizen.waitForSelector('[data-screen="prompt"]');
    await atEachSize(citizen, () => expectFits(citizen, 'citizen-prompt'));
    await staff.waitForSelector('[data-phase="waiting"] >> text=2026-0009');
    await atEachSize(staff, () => expectFits(staff, 'staff-waiting'));
    await citizen.click('button.level-1');
    await citizen.waitForSelector('[data-screen="followup"]');
    await atEachSize(citizen, () => expectFits(citizen, 'citizen-followup'));
    await citizen.click('button.skip');
    await citizen.waitForSelector('[data-screen="thanks"]');
    await expectFits(citizen, 'citizen-thanks'); // on for a few seconds only: at the screen's own size
    await staff.waitForSelector('[data-phase="rated"]');
    await atEachSize(staff, () => expectFits(staff, 'staff-rated'));

    await staff.click('.pause button:text-is("业务咨询")');
    await staff.click('button.pause-button');
    await staff.waitForSelector('[data-phase="paused"]');
    await atEachSize(staff, () => expectFits(staff, 'staff-paused'));
    await citizen.waitForSelector('[data-screen="paused"] >> text=业务咨询');
    await atEachSize(citizen, () => expectFits(citizen, 'citizen-paused'));
    await staff.click('button:text-is("恢复服务")');
    await staff.click('button.logout');
    await staff.waitForSelector('dialog.summary');
    expect(await staff.textContent('[data-count="pausedSeconds"]')).toMatch(/\d+ 分 \d+ 秒/);
    await staff.click('dialog.summary button.primary');
    await citizen.waitForSelector('[data-screen="paused"]');
  });

  it('lays the prompt and the follow-up out at 1920×1080 too', async () => {
    const big = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const small = await browser.newPage({ viewport: { width: 800, height: 480 } });
    try {
      await pairThroughTech(tech, big, kiosk.url, 'citizen', '大屏 市民屏');
      await pairThroughTech(tech, small, kiosk.url, 'staff', '小屏 工作人员');
      await small.waitForSelector('text=工作人员登录');
      await shot(small, 'staff-800x480-login');
      await kiosk.api('POST', '/shift/login', { staffNo: '1001', pin: PIN_1001 });
      await kiosk.api('POST', '/invitations', { serviceItemCode: 'SC-0001', caseNo: 'A-7' });
      await big.waitForSelector('[data-screen="prompt"]');
      await shot(big, 'citizen-1920x1080-prompt');
      const box = await big.locator('button.level-3').boundingBox();
      expect(box!.height).toBeGreaterThanOrEqual(64);
      await big.click('button.level-2');
      await big.waitForSelector('[data-screen="followup"]');
      await shot(big, 'citizen-1920x1080-followup');
    } finally {
      await big.close();
      await small.close();
    }
  });
});

describe('browser host: pairing', () => {
  it('shows an unpaired screen the pairing screen, and takes no rating from it', async () => {
    const stranger = await browser.newPage({ viewport: { width: 800, height: 480 } });
    try {
      await stranger.goto(kiosk.url);
      await stranger.waitForSelector('[data-screen="unpaired"] >> text=本屏幕尚未配对，请联系技术人员');
      await shot(stranger, 'citizen-800x480-unpaired');
      // A wrong code is said in words, and the screen stays unpaired.
      for (const digit of '00000000') await stranger.click(`.keypad button[aria-label="${digit}"]`);
      await stranger.click('button:text-is("配对")');
      await stranger.waitForSelector('[role="alert"] >> text=配对码不正确');
      expect(await stranger.locator('button.level-5').count()).toBe(0);
    } finally {
      await stranger.close();
    }
  });

  it('lists the paired screens in technician mode without their tokens, and a revoked one is unpaired at once', async () => {
    const spare = await browser.newPage({ viewport: { width: 800, height: 480 } });
    try {
      await pairThroughTech(tech, spare, kiosk.url, 'citizen', '备用 市民屏');
      await spare.waitForSelector('[data-screen]:not([data-screen="unpaired"])');
      const row = tech.locator('table.paired tr', { hasText: '备用 市民屏' });
      await row.locator('text=在线').waitFor({ timeout: 20_000 });
      await shot(tech, 'tech-1280x800-screens');
      const token = await storedToken(spare);
      expect(token).toBeTruthy();
      expect(await tech.textContent('body')).not.toContain(token!);
      await row.locator('button:text-is("撤销")').click();
      await row.locator('button:has-text("确认撤销")').click();
      await spare.waitForSelector('[data-screen="unpaired"]', { timeout: 20_000 });
      expect(await storedToken(spare)).toBeNull();
      await tech.locator('table.paired tr', { hasText: '备用 市民屏' }).waitFor({ state: 'detached' });
    } finally {
      await spare.close();
    }
  });

  it('lets a browser profile paired as a staff panel open `/` and see the staff panel, with nothing to press', async () => {
    // One profile, paired first as a citizen screen, then given a staff panel's code: the new token replaces the old.
    const profile = await browser.newContext({ viewport: { width: 800, height: 480 } });
    try {
      const page = await profile.newPage();
      await pairThroughTech(tech, page, kiosk.url, 'citizen', '换用 市民屏');
      await page.waitForSelector('[data-screen]:not([data-screen="unpaired"])');
      await pairThroughTech(tech, page, kiosk.url, 'staff', '换用 工作人员', 'link');
      await page.waitForSelector('main.staff');
      const other = await profile.newPage();
      await other.goto(`${kiosk.url}/`);
      await other.waitForSelector('main.staff', { timeout: 20_000 });
      expect(new URL(other.url()).pathname).toBe('/staff');
      expect(await other.locator('main.citizen, button.level-5').count()).toBe(0);
      expect((await storedScreen(other))?.role).toBe('staff');
      expect(await other.evaluate<number>("Object.keys(localStorage).filter((k) => k.startsWith('hcp.')).length")).toBe(
        1,
      );
    } finally {
      await profile.close();
    }
  });
});
