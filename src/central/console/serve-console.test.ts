import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../common/test-support/temp-dir.js';
import { registerConsole } from './serve-console.js';

const ICON = Buffer.from([0, 0, 1, 0, 1, 0]);
const INDEX = '<html><head><meta name="csp-nonce" content="__CSP_NONCE__"></head><body>console</body></html>';

describe('the console served at /console/', () => {
  const dir = tempDir('hcp-console-dist-');
  let app: FastifyInstance;
  beforeAll(async () => {
    writeFileSync(join(dir.path, 'index.html'), INDEX);
    mkdirSync(join(dir.path, 'assets'));
    writeFileSync(join(dir.path, 'assets', 'index-AbC123.js'), 'console.log(1)');
    writeFileSync(join(dir.path, 'favicon.ico'), ICON);
    app = Fastify();
    registerConsole(app, dir.path);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    dir.remove();
  });

  it("answers the app's pages with index.html, never cached, under a CSP whose style nonce is the page's", async () => {
    for (const url of ['/console/', '/console/devices', '/console/evaluations?from=2026-01-01', '/console/a/b']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      const nonce = /content="([^"]+)"/.exec(res.body)![1]!;
      expect(nonce).not.toBe('__CSP_NONCE__');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain(`style-src 'self' 'nonce-${nonce}'`);
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
    }
  });

  it('gives every answer a fresh nonce', async () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 5; i++)
      nonces.add(/content="([^"]+)"/.exec((await app.inject({ url: '/console/' })).body)![1]!);
    expect(nonces.size).toBe(5);
  });

  it('serves the hashed assets with a year-long immutable cache', async () => {
    const res = await app.inject({ url: '/console/assets/index-AbC123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toMatch(/max-age=31536000/);
    expect(res.headers['cache-control']).toMatch(/immutable/);
  });

  it('serves the hall icon at /favicon.ico', async () => {
    const res = await app.inject({ url: '/favicon.ico' });
    expect([res.statusCode, res.headers['content-type'], res.rawPayload]).toEqual([200, 'image/x-icon', ICON]);
  });

  it('answers 404, not the page, for a missing asset or any missing file', async () => {
    for (const url of ['/console/assets/gone-123.js', '/console/favicon.ico', '/console/x/app.css']) {
      expect((await app.inject({ url })).statusCode, url).toBe(404);
    }
  });

  it('redirects /console to /console/', async () => {
    const res = await app.inject({ url: '/console' });
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/console/');
  });

  it('answers 503 saying to run npm run build when the console is not built', async () => {
    const empty = tempDir('hcp-console-none-');
    const bare = Fastify();
    registerConsole(bare, join(empty.path, 'console'));
    const res = await bare.inject({ url: '/console/overview' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build');
    await bare.close();
    empty.remove();
  });
});
