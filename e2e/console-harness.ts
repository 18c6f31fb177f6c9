/**
 * The centre's console end to end (issue 15): a real `hcp central` process on the test PostgreSQL (a fresh
 * database of the global setup's cluster), whose first start prints the first admin's one-time password (captured
 * here), Debian's Chromium (e2e/browser.ts), pages signed in as a given role (the account created through the API),
 * kiosks enrolled and delivering records through the real, signed device API, and `shot(page, name)` writing
 * test-results/screenshots/console-<name>.png.
 */
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { inject } from 'vitest';
import { DeviceIdentity } from '../src/common/device-identity.js';
import { freePort } from '../src/common/test-support/fault-proxy.js';
import { tempDir } from '../src/common/test-support/temp-dir.js';
import { startCentralProcess, type CentralProcess } from '../src/central/test-support/central-process.js';
import { createTestDatabase } from '../src/central/test-support/pg-cluster.js';
import type { Role } from '../src/shared/abilities.js';
import type { SignedIn } from '../src/shared/accounts-api.js';
import { launchChromium, SCREENSHOTS } from './browser.js';

/** The password every account signed in by `signInAs` ends with (it meets the policy). */
export const TEST_PASSWORD = 'Console-Test-2026';

export interface Kiosk {
  id: string;
  identity: DeviceIdentity;
  windowCode: string | null;
}

export interface ConsoleCentre {
  central: CentralProcess;
  /** http://127.0.0.1:<port> */
  url: string;
  /** Its PostgreSQL database, for a test to check what landed (never to write). */
  databaseUrl: string;
  /** The first admin's one-time password, as the first start printed it. */
  firstAdminPassword: string;
  browser: Browser;
  /** The admin API with the legacy static token (seeding only: what a test proves goes through the console). */
  admin: CentralProcess['admin'];
  /** A new account (through the admin API), with its one-time password. */
  createAccount(role: Role, departments?: string[], username?: string): Promise<{ username: string; password: string }>;
  /**
   * A page at 1920×1080, signed in as a new account of `role` whose one-time password was changed to TEST_PASSWORD
   * (both through the API, on the page's own cookie jar), opened at `/console/<path>`.
   */
  signInAs(role: Role, options?: { departments?: string[]; path?: string; username?: string }): Promise<Page>;
  /** A fresh context's page at 1920×1080 (or `viewport`), signed in as nobody. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  /** A kiosk enrolled for `windowCode` (window mode) as a technician does, with a heartbeat. */
  enrolKiosk(windowCode: string, name?: string): Promise<Kiosk>;
  /** A signed request of `kiosk` to the device API. */
  device(
    kiosk: Kiosk,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/** test-results/screenshots/console-<name>.png */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `console-${name}.png`) });
}

/** Tries of `until`: a click that the console did not take is made again, at most this many times in all. */
const TRIES = 3;

/**
 * Clicks `target` until `done` shows. On a loaded two-core machine a click can be lost (seen in CI: an antd option
 * picked while its list was still opening, a button clicked in the frame it re-rendered); `done` must be something
 * the click alone makes appear, so that a click taken is never made twice.
 */
export async function clickUntil(target: Locator, done: Locator): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await target.click({ timeout: 10_000 });
      await done.waitFor({ timeout: 10_000 });
      return;
    } catch (error) {
      if (attempt === TRIES) throw error;
    }
  }
}

/** Opens the antd Select labelled `label` and picks `option`, until `done` shows (as `clickUntil`). */
export async function pickUntil(page: Page, label: string, option: string, done: Locator): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      // A list left open by a lost pick is closed first, so that the click on the select opens it again.
      if (attempt > 1) await page.keyboard.press('Escape');
      await page.getByLabel(label).click({ timeout: 10_000 });
      await page
        .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)')
        .getByTitle(option, { exact: true })
        .click({ timeout: 10_000 });
      await done.waitFor({ timeout: 10_000 });
      return;
    } catch (error) {
      if (attempt === TRIES) throw error;
    }
  }
}

/** A computed CSS property of the element (the tests' tsconfig has no DOM types: the page's window, untyped). */
export function cssOf(locator: Locator, property: string): Promise<string> {
  type Window = { getComputedStyle(element: unknown): Record<string, string> };
  return locator.evaluate((e, p) => (globalThis as unknown as Window).getComputedStyle(e)[p] ?? '', property);
}

/** The nonce of each <style> element of the page (a nonce is hidden from getAttribute once applied). */
export function styleNonces(page: Page): Promise<string[]> {
  return page.locator('style').evaluateAll((els) => els.map((e) => (e as unknown as { nonce: string }).nonce));
}

/** The one-time password of the first start's line on stderr, once it is there. */
async function firstAdminPassword(central: CentralProcess): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const match = /account "admin" created with the one-time password (\S+)/.exec(central.stderr());
    if (match) return match[1]!;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the first start printed no one-time password: ${central.stderr()}`);
}

/** Logs `context` in through the API (the same cookie jar as its pages); answers the session's CSRF token. */
export async function apiLogin(context: BrowserContext, url: string, username: string, password: string) {
  const res = await context.request.post(`${url}/api/v1/auth/login`, { data: { username, password } });
  if (!res.ok()) throw new Error(`login of ${username} answered ${res.status()}: ${await res.text()}`);
  return (await res.json()) as SignedIn;
}

export async function startConsoleCentre(): Promise<ConsoleCentre> {
  const dir = tempDir('hcp-console-e2e-');
  const databaseUrl = await createTestDatabase(inject('pgUrl'), 'console_e2e');
  const central = await startCentralProcess({
    dataDir: join(dir.path, 'central'),
    port: await freePort(),
    databaseUrl,
    enrollPerMinute: 1000,
  });
  const url = central.url;
  const password = await firstAdminPassword(central);
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  let accounts = 0;

  const newPage: ConsoleCentre['newPage'] = async (viewport = { width: 1920, height: 1080 }) => {
    const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    contexts.push(context);
    return context.newPage();
  };

  const createAccount: ConsoleCentre['createAccount'] = async (role, departments = [], username) => {
    const name = username ?? `${role}${++accounts}`;
    const res = await central.admin('POST', '/accounts', {
      username: name,
      displayName: `测试${role}`,
      role,
      departments,
    });
    if (res.status !== 201) throw new Error(`creating ${name} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return { username: name, password: (res.body as { oneTimePassword: string }).oneTimePassword };
  };

  const device: ConsoleCentre['device'] = async (kiosk, method, path, body) => {
    const bytes = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...kiosk.identity.sign(kiosk.id, method, path, bytes),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : bytes,
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
  };

  return {
    central,
    url,
    databaseUrl,
    firstAdminPassword: password,
    browser,
    admin: central.admin,
    createAccount,
    newPage,
    signInAs: async (role, options = {}) => {
      const account = await createAccount(role, options.departments, options.username);
      const page = await newPage();
      const signedIn = await apiLogin(page.context(), url, account.username, account.password);
      const changed = await page.request.post(`${url}/api/v1/auth/password`, {
        data: { current: account.password, next: TEST_PASSWORD },
        headers: { 'x-csrf-token': signedIn.csrfToken },
      });
      if (!changed.ok()) throw new Error(`changing the password answered ${changed.status()}`);
      await page.goto(`${url}/console/${options.path ?? ''}`);
      return page;
    },
    enrolKiosk: async (windowCode, name = `${windowCode} 评价器`) => {
      const created = await central.admin('POST', '/enrollments', { mode: 'window', windowCode, name });
      if (created.status !== 201) throw new Error(`enrolment code answered ${created.status}`);
      const identity = DeviceIdentity.create(tempDir('hcp-console-kiosk-').path);
      const res = await fetch(`${url}/api/v1/devices/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          code: (created.body as { code: string }).code,
          publicKey: identity.publicKey(),
          info: { version: '0.1.0' },
        }),
      });
      if (res.status !== 201) throw new Error(`enrolment answered ${res.status}: ${await res.text()}`);
      return { id: ((await res.json()) as { deviceId: string }).deviceId, identity, windowCode };
    },
    device,
    close: async () => {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await central.kill('SIGTERM');
      dir.remove();
    },
  };
}
