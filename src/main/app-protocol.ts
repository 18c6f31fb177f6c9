/**
 * Serves the screens on `app://hcp` (app-origin.ts says why not file://): a privileged scheme, standard and secure,
 * so it has a real origin and relative URLs resolve. The handler answers only files inside the renderer's build
 * folder; anything else is a 404, whatever the encoding of the path. Runs in Electron main.
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { CustomScheme } from 'electron';
import { APP_SCHEME, isAppUrl } from './app-origin.js';
import { CONTENT_SECURITY_POLICY } from './security.js';

/** Registered before the app is ready (Electron's rule): a real origin, a secure context, fetch allowed. */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/**
 * The file inside `root` that `url` names, or null: another scheme or host, a path that does not decode, a NUL, or
 * a path that resolves outside `root` (`..`, encoded or not, and encoded separators) names nothing.
 */
export function resolveAppPath(root: string, url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (!isAppUrl(url)) return null;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  if (path.split('/').includes('..')) return null;
  if (path === '/' || path === '') path = '/index.html';
  const base = resolve(root);
  const file = resolve(base, `.${path}`);
  return file.startsWith(base + sep) ? file : null;
}

/** Reads a file, or null when there is none (or it is a folder). */
export type ReadAppFile = (path: string) => Promise<Buffer | null>;

const readFromDisk: ReadAppFile = async (path) => {
  try {
    return await readFile(path);
  } catch {
    return null;
  }
};

/**
 * The `protocol.handle` handler for `app:`: GET and HEAD of a file inside `root`, with its content type, the CSP and
 * no sniffing; 404 for anything else it could name, 405 for other methods.
 */
export function appProtocolHandler(
  root: string,
  read: ReadAppFile = readFromDisk,
): (request: { url: string; method: string }) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } });
    }
    const file = resolveAppPath(root, request.url);
    const body = file ? await read(file) : null;
    if (!file || !body) return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain' } });
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: {
        'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
      },
    });
  };
}
