/**
 * e2e (Debian's Chromium, a real central API on PostgreSQL over HTTP): /api/docs shows the OpenAPI document in
 * Swagger UI under the centre's security headers — its scripts and styles load, the operations of every tag are
 * listed, and the browser reports no Content-Security-Policy violation — when reached over plain HTTP by a hall
 * address (a host name, not loopback: where helmet's `upgrade-insecure-requests` would send every file to https).
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../src/central/test-support/api-harness.js';
import { OPENAPI_TAGS } from '../src/central/openapi-docs.js';
import { launchChromium, SCREENSHOTS } from './browser.js';

describe('the API documentation page', () => {
  let h: Harness;
  let browser: Browser;
  let base: string;
  beforeAll(async () => {
    h = await startHarness();
    const address = new URL(await h.app.listen({ host: '127.0.0.1', port: 0 }));
    base = `http://centre.hall.example:${address.port}`;
    browser = await launchChromium(['--host-resolver-rules=MAP centre.hall.example 127.0.0.1']);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('renders every tag’s operations in Swagger UI with no CSP violation, over plain HTTP at a hall address', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const violations: string[] = [];
    page.on('console', (message) => {
      // (Not the notice that COOP is ignored on an http origin: that is what plain HTTP means.)
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(request.url()));
    const res = await page.goto(`${base}/api/docs`);
    expect(res?.status()).toBe(200);
    await page.locator('.opblock').first().waitFor({ timeout: 10_000 });
    for (const tag of OPENAPI_TAGS) {
      await expect(page.locator(`[data-tag="${tag.name}"]`).count()).resolves.toBe(1);
    }
    expect(await page.locator('.opblock').count()).toBeGreaterThanOrEqual(40);
    await page.screenshot({ path: join(SCREENSHOTS, 'api-docs.png') });
    expect(violations).toEqual([]);
    expect(failed).toEqual([]);
  });
});
