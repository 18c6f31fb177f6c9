/**
 * Serves the centre's console (src/console, built into dist/console by `npm run build`) at /console/. Runs in Node.
 *
 * - `/console/assets/*`: the hashed files of the build, cached for a year (`immutable`: a new build has new names);
 *   a missing one is a 404, never the page.
 * - any other path under /console/ without a file extension is one of the app's pages: index.html, never cached,
 *   so that a new build reaches every browser at its next load. A path with an extension that is not a file of
 *   the build (`/console/favicon.ico`, `/console/x.js`) is a 404.
 * - Content-Security-Policy (replacing helmet's default for these answers): `script-src 'self'`, and styles from
 *   'self' or carrying this answer's nonce. antd writes its CSS-in-JS as <style> elements at run time; the page
 *   gives antd the nonce (a meta tag, read by main.tsx into `ConfigProvider csp`), so no 'unsafe-inline' is needed.
 *   A fresh nonce per answer: it is only worth something if it cannot be guessed. See docs/security.md.
 * - Without a build (dist/console/index.html missing), /console/ answers 503 with a page saying to run
 *   `npm run build` (and restart the centre: the assets' folder is mounted at start).
 * - `/favicon.ico`: the hall's icon, from the build (the kiosk screens' own file), for every page the centre serves.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** dist/console at the package's root, from src/central/console/ (tsx, tests) or dist/central/console/ (built). */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../dist/console/', import.meta.url));

const NONCE_PLACEHOLDER = '__CSP_NONCE__';

/** The console's policy: everything from the centre itself; inline styles only with this answer's nonce. */
export function consoleCsp(nonce: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const MISSING_BUILD = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>管理后台未构建 · Console not built</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:4em auto;line-height:1.6">
<h1>管理后台尚未构建</h1>
<p>中心服务器找不到管理后台的页面文件（dist/console）。请在程序目录运行 <code>npm run build</code>，再重启中心服务（hcp central）。</p>
<h2>The console is not built</h2>
<p>The central server cannot find the console's files (dist/console). Run <code>npm run build</code> in the
program's folder, then restart the centre (hcp central).</p>
</body></html>`;

/** Registers /console/ on `app` (its own plugin scope). `dir` is for tests; the build's folder by default. */
export function registerConsole(app: FastifyInstance, dir = CONSOLE_DIST): void {
  void app.register(async (scope) => {
    const indexFile = `${dir}/index.html`;
    const built = existsSync(indexFile);
    // Read at every page load (it is small): a page of an earlier build would name assets a new build removed.
    const readIndex = () => {
      try {
        return readFileSync(indexFile, 'utf8');
      } catch {
        return null;
      }
    };

    const page = async (request: FastifyRequest, reply: FastifyReply) => {
      const path = request.url.split('?')[0]!;
      const last = path.slice(path.lastIndexOf('/') + 1);
      // A file that is not there (it has an extension), not a page of the app.
      if (last.includes('.')) return reply.callNotFound();
      const indexHtml = readIndex();
      if (indexHtml === null) {
        return reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(MISSING_BUILD);
      }
      const nonce = randomBytes(16).toString('base64');
      return reply
        .header('content-security-policy', consoleCsp(nonce))
        .header('cache-control', 'no-cache')
        .type('text/html; charset=utf-8')
        .send(indexHtml.replaceAll(NONCE_PLACEHOLDER, nonce));
    };
    // Pages, not API: left out of the OpenAPI document.
    const hidden = { schema: { hide: true } };
    scope.get('/console', hidden, (_request, reply) => reply.redirect('/console/', 301));
    scope.get('/console/', hidden, page);
    scope.get('/console/*', hidden, page);
    // The icon of every page the centre serves (console, QR rating, 意见箱), from the console's build.
    scope.get('/favicon.ico', hidden, (_request, reply) => {
      let icon: Buffer;
      try {
        icon = readFileSync(`${dir}/favicon.ico`);
      } catch {
        return reply.callNotFound();
      }
      return reply.type('image/x-icon').header('cache-control', 'public, max-age=86400').send(icon);
    });

    if (built && existsSync(`${dir}/assets`)) {
      await scope.register(fastifyStatic, {
        root: `${dir}/assets`,
        prefix: '/console/assets/',
        decorateReply: false,
        index: false,
        immutable: true,
        maxAge: '365d',
      });
    }
  });
}
