/**
 * The demo's signed-in console link (contract 6), end to end in Debian's Chromium: a ticket the central process
 * issued, in the fragment of /console/#ticket=…, opens the console signed in and leaves the address bar without
 * it; the same link again opens only the login page, saying why. The centre runs in this test's process (only its
 * code can issue a ticket), on the test PostgreSQL.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { silentLogger } from '../src/common/logger.js';
import { tempDir } from '../src/common/test-support/temp-dir.js';
import { createAccount } from '../src/central/accounts/accounts.js';
import { runCentral, type RunningCentral } from '../src/central/run-central.js';
import { createTestDatabase } from '../src/central/test-support/pg-cluster.js';
import { launchChromium } from './browser.js';

let dir: ReturnType<typeof tempDir>;
let central: RunningCentral;
let browser: Browser;
let accountId: string;

beforeAll(async () => {
  dir = tempDir('hcp-console-ticket-');
  central = await runCentral({
    dataDir: join(dir.path, 'central'),
    databaseUrl: await createTestDatabase(inject('pgUrl'), 'console_ticket'),
    port: 0,
    logger: silentLogger,
  });
  const account = await createAccount(
    central.db,
    { username: 'demo.leader', displayName: '演示领导', role: 'leader', departments: [] },
    'Demo-Leader-2026',
  );
  await central.db.query('UPDATE accounts SET must_change_password = false WHERE id = $1', [account.id]);
  accountId = account.id;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await central?.stop();
  dir?.remove();
});

describe("the console's sign-in ticket", () => {
  it('opens the console signed in, once, and takes the ticket out of the address', async () => {
    const link = `${central.url}/console/#ticket=${central.signInTickets.issue(accountId)}`;
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(link);
    await page.getByTestId('signed-in-account').getByText('演示领导').waitFor();
    await page.waitForURL('**/console/overview');
    expect(page.url()).not.toContain('ticket');

    const again = await browser.newPage();
    await again.goto(link);
    await again.getByText('登录凭据无效或已过期').waitFor();
    expect(new URL(again.url()).pathname).toBe('/console/login');
    expect(again.url()).not.toContain('ticket');
  });
});
