/**
 * Pairing the browser host's screens in the e2e tests the way a technician does (docs/install.md, "Pairing the
 * screens"): the first technician screen with a code from `hcp kiosk pair` on the kiosk PC's command line, every
 * other screen with a code issued in technician mode's 屏幕配对, typed on the screen's keypad or opened as the link
 * technician mode shows. No token is ever written into the database by a test.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { waitFor } from '../src/common/test-support/wait-for.js';
import { HCP_BIN } from '../src/kiosk/test-support/kiosk-process.js';
import { ROLE_LABELS, ROLE_PATHS } from '../src/shared/screen-pairing.js';
import type { UiRole } from '../src/shared/ui-contract.js';

const PATHS = ROLE_PATHS;
const TYPES = ROLE_LABELS;

/**
 * What this page's browser profile keeps under its one storage key: the screen token and its role, or null. Read
 * with a string evaluated by the devtools protocol (the page's CSP forbids evaluating strings inside it, and this
 * file is type-checked without the DOM's types).
 */
export function storedScreen(screen: Page): Promise<{ token: string; role: UiRole } | null> {
  return screen.evaluate<{ token: string; role: UiRole } | null>(`JSON.parse(localStorage.getItem('hcp.screen'))`);
}

/** The screen token this page's browser profile holds, or null. */
export async function storedToken(screen: Page): Promise<string | null> {
  return (await storedScreen(screen))?.token ?? null;
}

/** Runs `hcp kiosk pair` for real and returns the code it printed. */
export async function codeFromCommandLine(dataDir: string, role: UiRole): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [
    HCP_BIN,
    'kiosk',
    'pair',
    '--data',
    dataDir,
    '--role',
    role,
  ]);
  const match = /: (\d{4}) (\d{4})\n/.exec(stdout);
  if (!match) throw new Error(`hcp kiosk pair printed no code:\n${stdout}`);
  return match[1]! + match[2]!;
}

/** Opens the screen's page, sees it unpaired, and types the code on its keypad. */
export async function enterCode(screen: Page, url: string, role: UiRole, code: string): Promise<void> {
  await screen.goto(`${url}${PATHS[role]}`);
  await screen.waitForSelector('[data-screen="unpaired"] >> text=本屏幕尚未配对，请联系技术人员', { timeout: 20_000 });
  for (const digit of code) await screen.click(`[data-screen="unpaired"] .keypad button[aria-label="${digit}"]`);
  await screen.click('[data-screen="unpaired"] button:text-is("配对")');
  await screen.waitForSelector('[data-screen="unpaired"]', { state: 'detached', timeout: 20_000 });
}

/** On an unlocked technician screen: 屏幕配对 → a code for `role`; returns the code and the link shown. */
export async function issueOnTech(tech: Page, role: UiRole, label: string): Promise<{ code: string; link: string }> {
  await tech.click('nav button:has-text("屏幕配对")');
  await tech.selectOption('select[aria-label="屏幕类型"]', { label: TYPES[role] });
  await tech.fill('input[aria-label="屏幕名称"]', label);
  await tech.click('button:text-is("生成配对码")');
  // The box of this code, named by its label: a box from an earlier code of the same role may still be showing.
  const issued = tech.locator(`.issued[data-role="${role}"]`, { hasText: label });
  await issued.waitFor();
  const code = (await issued.locator('output.pairing-code').textContent())!.replace(/\s/g, '');
  const link = (await issued.locator('.link code').textContent())!;
  return { code, link };
}

/** Pairs `screen` as `role` through the technician screen, by the code typed on its keypad or by the link. */
export async function pairThroughTech(
  tech: Page,
  screen: Page,
  url: string,
  role: UiRole,
  label: string,
  by: 'code' | 'link' = 'code',
): Promise<void> {
  const { code, link } = await issueOnTech(tech, role, label);
  if (by === 'code') return enterCode(screen, url, role, code);
  await screen.goto(link);
  // The profile's one token now pairs `role` (whatever it held before: a new code replaces it).
  await waitFor(`the page to keep a ${role} token`, async () => (await storedScreen(screen))?.role === role);
  await screen.waitForSelector('[data-screen="unpaired"]', { state: 'detached', timeout: 20_000 });
  if (new URL(screen.url()).hash !== '') throw new Error('the pairing code stayed in the address bar');
}
