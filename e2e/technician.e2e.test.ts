/**
 * End to end in a real browser: a technician sets up a fresh kiosk in technician mode — admin PIN, a provision file
 * for a hall with no network, the serial evaluator on a real pty with "press each key", the connectivity check —
 * then reads the diagnostics and exports them. The technician's screens are paired first, as on any browser host:
 * the first with a code from `hcp kiosk pair` on the kiosk PC, the next from technician mode (e2e/pairing.ts).
 * Screenshots go to test-results/screenshots.
 */
import BetterSqlite3 from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, SCREENSHOTS } from './browser.js';
import { atEachSize, expectFits } from './layout.js';
import { codeFromCommandLine, enterCode, pairThroughTech } from './pairing.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../src/common/test-support/temp-dir.js';
import { waitFor } from '../src/common/test-support/wait-for.js';
import { startEvaluatorLine, type EvaluatorLine } from '../src/hardware/test-support/evaluator-line.js';
import { startKioskProcess, type KioskProcess } from '../src/kiosk/test-support/kiosk-process.js';
import type { StatusView } from '../src/shared/local-api.js';

const ROOT = join(import.meta.dirname, '..');

let dir: ReturnType<typeof tempDir>;
let line: EvaluatorLine;
let kiosk: KioskProcess;
let browser: Browser;
let tech: Page;

const status = async () => (await kiosk.api('GET', '/status')).body as StatusView;
const count = (sql: string) => {
  const db = new BetterSqlite3(join(dir.path, 'kiosk.db'), { readonly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
};

beforeAll(async () => {
  dir = tempDir('hcp-tech-');
  line = await startEvaluatorLine(dir.path);
  kiosk = await startKioskProcess(dir.path, [], { ipc: false });
  browser = await launchChromium();
  tech = await browser.newPage({ viewport: { width: 1920, height: 1080 }, acceptDownloads: true });
  await enterCode(tech, kiosk.url, 'technician', await codeFromCommandLine(dir.path, 'technician'));
});

afterAll(async () => {
  await browser?.close();
  await kiosk?.kill('SIGTERM');
  await line?.stop();
  dir?.remove();
});

describe('technician mode: first-run wizard and diagnostics', () => {
  it('sets the admin PIN at first run, and asks for it afterwards', async () => {
    await tech.waitForSelector('text=首次使用', { timeout: 20_000 });
    await tech.fill('input[aria-label="管理员密码"]', '864209');
    await tech.fill('input[aria-label="再次输入"]', '864209');
    await tech.click('button:text-is("设置并进入")');
    await tech.waitForSelector('nav >> text=接入中心', { timeout: 20_000 });
    const again = await browser.newPage({ viewport: { width: 800, height: 480 } });
    await pairThroughTech(tech, again, kiosk.url, 'technician', '第二个技术人员屏幕');
    await tech.click('nav button:has-text("接入中心")');
    await again.waitForSelector('text=请输入管理员密码', { timeout: 20_000 });
    await again.fill('input[aria-label="管理员密码"]', '000000');
    await again.click('button:text-is("进入")');
    await again.waitForSelector('[role="alert"]', { timeout: 20_000 });
    await again.fill('input[aria-label="管理员密码"]', '864209');
    await again.click('button:text-is("进入")');
    await again.waitForSelector('nav >> text=诊断', { timeout: 20_000 });
    await again.screenshot({ path: join(SCREENSHOTS, 'tech-800x480-connect.png') });
    await again.close();
  });

  it('loads a provision file for a hall with no network', async () => {
    await tech.setInputFiles('input[aria-label="配置文件"]', join(ROOT, 'examples', 'provision-window.json'));
    await tech.waitForSelector('text=串口评价器');
    expect((await status()).mode).toBe('window');
  });

  it('sets the serial evaluator on a pty, and tests every key without recording a press', async () => {
    await tech.check('input[type="radio"] >> nth=0');
    await tech.fill('input[aria-label="串口"]', line.pty.hostPath);
    await tech.selectOption('select[aria-label="波特率"]', '9600');
    await tech.click('button:text-is("保存")');
    for (let i = 0; i < 100 && (await status()).evaluator.state !== 'connected'; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect((await status()).evaluator).toMatchObject({ state: 'connected', kind: 'serial', model: 'HCP-SIM-5' });

    const before = count('SELECT count(*) AS n FROM outbox');
    await tech.click('button:text-is("按键测试：请依次按下每个键")');
    for (const key of [1, 2, 3, 4, 5]) {
      expect((await line.sim.press(key)).acked).toBe(true);
      await tech.waitForSelector(`li.seen[data-key="${key}"]`);
    }
    await tech.screenshot({ path: join(SCREENSHOTS, 'tech-1920x1080-keytest.png') });
    expect(count('SELECT count(*) AS n FROM outbox')).toBe(before); // tested, not recorded
    await tech.click('button:text-is("结束按键测试")');
    await tech.click('button.next');
  });

  it('checks the connection and says what it found', async () => {
    await tech.click('button:text-is("检查与中心系统的连接")');
    await tech.waitForSelector('[data-check="failed"]');
    expect(await tech.textContent('[data-check]')).toContain('评价会保存在本机');
    await tech.click('button:text-is("完成")');
  });

  it('shows diagnostics and exports them without personal data', async () => {
    await tech.waitForSelector('[data-diag="evaluator"] >> text=已连接');
    // States and counters in the screen's words, not the service's code names.
    const counters = await tech.locator('[data-diag="evaluator"] .counters span').allTextContents();
    expect(counters.map((c) => c.replace(/ \d+$/, ''))).toEqual([
      '收到帧',
      '发出帧',
      '校验错误',
      '重新同步',
      '重发',
      '重新连接',
    ]);
    // A kiosk set up from a provision file, with no central system: said as such, not as `not_enrolled`.
    expect(await tech.locator('[data-diag="sync"] p').first().textContent()).toBe('中心系统：未接入');
    await tech.waitForSelector('pre.frames >> text=KEY');
    await tech.screenshot({ path: join(SCREENSHOTS, 'tech-1920x1080-diagnostics.png') });
    const [download] = await Promise.all([
      tech.waitForEvent('download'),
      tech.click('button:text-is("导出诊断文件（不含个人信息）")'),
    ]);
    const file = join(dir.path, 'diagnostics.json');
    await download.saveAs(file);
    const text = readFileSync(file, 'utf8');
    const exported = JSON.parse(text) as { evaluator: { status: { state: string } }; versions: { app: string } };
    expect(exported.evaluator.status.state).toBe('connected');
    expect(exported.versions.app).toBe('0.1.0');
    expect(text).not.toMatch(/246810|scrypt|pinHash|rater|callback/);
    // No key either, not even the key test's: KEY frames are masked. Every surface the counter can reach is searched
    // for the five levels in src/kiosk/counter-privacy.integration.test.ts.
    const { frames } = (JSON.parse(text) as { evaluator: { frames: { type: string; hex: string }[] } }).evaluator;
    expect(frames.some((f) => f.type === 'KEY')).toBe(true);
    for (const f of frames.filter((f) => f.type === 'KEY')) expect(f.hex).toMatch(/^[0-9a-f]{12}(••)+$/);
  });

  it('leaves a kiosk that takes ratings from the evaluator it set up', async () => {
    expect((await kiosk.api('POST', '/shift/login', { staffNo: '1001', pin: '246810' })).status).toBe(200);
    const prompted = new Promise((r) => line.sim.once('prompt', r));
    const { id } = (await kiosk.api('POST', '/invitations', {})).body as { id: string };
    await prompted;
    expect((await line.sim.press(2)).acked).toBe(true);
    expect(((await kiosk.api('GET', `/invitations/${id}`)).body as { state: string }).state).toBe('rated');
  });

  /** No Chinese on the technician screen but the language button's own name (中文, to switch back). */
  const chineseLeft = async () =>
    ((await tech.textContent('main.tech')) ?? '').replace('中文', '').match(/[\u4e00-\u9fff]+/g) ?? [];

  it('fits every step at 1920×1080, 1280×800 and 800×480, in Chinese and in English, nothing out of reach', async () => {
    for (const [step, name, ready] of [
      ['接入中心', 'connect', 'text=接入中心系统'],
      ['评价器', 'evaluator', 'text=串口评价器'],
      ['连接检查', 'check', 'button:text-is("检查与中心系统的连接")'],
      ['诊断', 'diagnostics', '[data-diag="evaluator"]'],
      ['屏幕配对', 'screens', 'select[aria-label="屏幕类型"]'],
    ] as const) {
      await tech.click(`nav button:has-text("${step}")`);
      await tech.waitForSelector(ready);
      await atEachSize(tech, () => expectFits(tech, `tech-${name}`));
    }
    await tech.click('nav button:has-text("诊断")');
    await tech.click('header button.lang');
    await tech.waitForSelector('nav >> text=Diagnostics');
    await tech.waitForSelector('[data-diag="sync"] >> text=Central system');
    expect(await chineseLeft()).toEqual([]);
    await atEachSize(tech, () => expectFits(tech, 'tech-diagnostics-en'));
    await tech.click('nav button:has-text("Evaluator")');
    await tech.waitForSelector('text=Serial evaluator');
    expect(await chineseLeft()).toEqual([]);
    await atEachSize(tech, () => expectFits(tech, 'tech-evaluator-en'));
    await tech.click('header button.lang');
    await tech.waitForSelector('nav >> text=诊断');
  });

  it('shows the serial evaluator in use as the chosen input, and says in words when no port listing is possible', async () => {
    await tech.click('nav button:has-text("评价器")');
    await tech.waitForSelector('text=串口评价器');
    expect(await tech.isChecked('input[type="radio"] >> nth=0')).toBe(true);
    expect(await tech.inputValue('input[aria-label="串口"]')).toBe(line.pty.hostPath);
    // This machine may or may not have udevadm: either the ports are listed, or the screen says why not.
    await tech.waitForSelector('p.ports');
    expect(await tech.textContent('main.tech')).not.toContain('操作未成功');
  });

  it('lets a touch-only technician unlock, set up and read the diagnostics with the on-screen keypad alone', async () => {
    const touch = await browser.newPage({ viewport: { width: 800, height: 480 }, hasTouch: true });
    try {
      // Paired with a code from the kiosk PC, tapped on the screen's own keypad.
      await enterCode(touch, kiosk.url, 'technician', await codeFromCommandLine(dir.path, 'technician'));
      await touch.waitForSelector('text=请输入管理员密码', { timeout: 20_000 });
      await atEachSize(touch, () => expectFits(touch, 'tech-lock'));
      const tap = (selector: string) => touch.click(selector);
      // A wrong PIN first: said in words, with the keypad still there.
      for (const k of ['1', '2', '3', '4', '5', '6', 'OK']) await tap(`.lock .keypad button:text-is("${k}")`);
      await touch.waitForSelector('[role="alert"] >> text=/剩余次数/');
      for (const k of ['8', '6', '4', '2', '0', '9']) await tap(`.lock .keypad button:text-is("${k}")`);
      await tap('.lock button:text-is("进入")');
      // Set up already: the diagnostics first.
      await touch.waitForSelector('[data-diag="evaluator"]', { timeout: 20_000 });
      expect(await touch.getAttribute('nav button.on', 'class')).toContain('on');
      expect(await touch.textContent('nav button.on')).toContain('诊断');
      await tap('nav button:has-text("评价器")');
      await tap('label:has-text("仅触摸屏")');
      await tap('.evaluator-step button:text-is("保存")');
      await waitFor('the touch input', async () => {
        const s = (await kiosk.api('GET', '/status')).body as StatusView;
        return s.evaluator.state === 'none';
      });
      await tap('button.next');
      await tap('button:text-is("检查与中心系统的连接")');
      await touch.waitForSelector('[data-check]');
      await tap('button:text-is("完成")');
      await touch.waitForSelector('[data-diag="sync"] >> text=中心系统');
      await expectFits(touch, 'tech-touch-diagnostics');
    } finally {
      await touch.close();
    }
  });
});
