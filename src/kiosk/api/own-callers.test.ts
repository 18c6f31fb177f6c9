import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KioskService } from '../kiosk-service.js';
import { PIN_1001, provisioned, tempDir } from '../test-support/fixtures.js';
import { buildLocalApi } from './local-api.js';
import { hostnameOf } from './own-callers.js';

let dir: ReturnType<typeof tempDir>;
let service: KioskService;
let api: FastifyInstance;
let url: string;

beforeAll(async () => {
  dir = tempDir();
  service = await provisioned(dir.path);
  api = buildLocalApi({ service });
  url = await api.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await api.close();
  await service.close();
  dir.remove();
});

const shiftOpen = () => service.status().shift !== null;

describe('local API: only the kiosk’s own callers', () => {
  it('refuses a web page of another site logging staff in, and nothing is written', async () => {
    const res = await fetch(`${url}/api/v1/shift/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ staffNo: '1001', pin: PIN_1001 }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: 'forbidden_origin' });
    expect(shiftOpen()).toBe(false);
  });

  it('refuses a page on a name that resolves to this PC (DNS rebinding), even with no Origin', async () => {
    const port = new URL(url).port;
    for (const host of [`evil.example:${port}`, `127.0.0.1.evil.example:${port}`]) {
      const res = await api.inject({ method: 'GET', url: '/api/v1/status', headers: { host } });
      expect(res.statusCode, host).toBe(403);
      expect(res.json()).toMatchObject({ error: 'forbidden_host' });
    }
  });

  it('refuses the null origin of a sandboxed frame or a file:// page, and the kiosk’s name on another port', async () => {
    for (const origin of ['null', 'http://127.0.0.1:1', 'https://127.0.0.1', 'file://']) {
      const res = await fetch(`${url}/api/v1/shift/pause`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ reason: '午休' }),
      });
      expect(res.status, origin).toBe(403);
    }
  });

  it('serves the hall’s programs (no Origin) and the kiosk’s own pages', async () => {
    const program = await fetch(`${url}/api/v1/status`);
    expect(program.status).toBe(200);
    const own = await fetch(`${url}/api/v1/shift/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url },
      body: JSON.stringify({ staffNo: '1001', pin: PIN_1001 }),
    });
    expect(own.status).toBe(200);
    expect(shiftOpen()).toBe(true);
    const local = await api.inject({ method: 'GET', url: '/api/v1/status', headers: { host: 'localhost' } });
    expect(local.statusCode).toBe(200);
  });

  it('with an API token, any host name with the token is served, and other sites’ pages still are not', async () => {
    const tokenApi = buildLocalApi({ service, host: '0.0.0.0', token: 'a-long-hall-token' });
    try {
      const auth = { authorization: 'Bearer a-long-hall-token' };
      const byName = await tokenApi.inject({
        method: 'GET',
        url: '/api/v1/status',
        headers: { ...auth, host: 'kiosk-w01.hall.example:8710' },
      });
      expect(byName.statusCode).toBe(200);
      const page = await tokenApi.inject({
        method: 'GET',
        url: '/api/v1/status',
        headers: { ...auth, host: 'kiosk-w01.hall.example:8710', origin: 'https://evil.example' },
      });
      expect(page.statusCode).toBe(403);
    } finally {
      await tokenApi.close();
    }
  });

  it('reads the host name out of a Host header', () => {
    expect(hostnameOf('127.0.0.1:8710')).toBe('127.0.0.1');
    expect(hostnameOf('[::1]:8710')).toBe('[::1]');
    expect(hostnameOf('LOCALHOST')).toBe('localhost');
    expect(hostnameOf('')).toBe('');
  });
});
