/**
 * Integration (real processes): the `hcp` command as a new user runs it, from provisioning with the example file in
 * the repo to the README's walk-through, plus the errors bad files and options get.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { verifyPin } from '../common/pin-hash.js';
import { tempDir } from '../kiosk/test-support/fixtures.js';
import { HCP_BIN } from '../kiosk/test-support/kiosk-process.js';
import { waitForListening } from '../common/test-support/listening.js';
import { waitFor } from '../common/test-support/wait-for.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/provision-window.json', import.meta.url));

let dir: ReturnType<typeof tempDir>;
beforeAll(() => (dir = tempDir('hcp-cli-')));
afterAll(() => dir.remove());

const hcp = (...args: string[]) =>
  spawnSync(process.execPath, [HCP_BIN, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('hcp kiosk provision', () => {
  it('sets a kiosk up from the example file in the repo', () => {
    const run = hcp('kiosk', 'provision', '--file', EXAMPLE, '--data', join(dir.path, 'kiosk'));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/provisioned window W01: 2 staff, 3 service items, 9 reason tags/);
  });

  it.each([
    ['a missing file', null, /cannot read/],
    ['a file that is not JSON', '{"mode": "window",', /is not valid JSON/],
    [
      'a file with a bad field',
      JSON.stringify({ mode: 'window', window: { code: 'W1', name: 'x' }, ratingWindowSeconds: 500 }),
      /ratingWindowSeconds: .*120/,
    ],
    ['a file with an unknown mode', JSON.stringify({ mode: 'counter' }), /mode: /],
  ])('refuses %s with a clear message and exit code 2, changing nothing', (_name, content, message) => {
    const file = join(dir.path, `bad-${Math.random()}.json`);
    if (content !== null) writeFileSync(file, content);
    const data = join(dir.path, 'bad-data');
    const run = hcp('kiosk', 'provision', '--file', file, '--data', data);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/^hcp: /);
    expect(existsSync(data)).toBe(false);
  });
});

describe('hcp kiosk', () => {
  it('serves the local API: the README walk-through, then stops cleanly on SIGTERM', async () => {
    const data = join(dir.path, 'walk');
    expect(hcp('kiosk', 'provision', '--file', EXAMPLE, '--data', data).status).toBe(0);
    const child = spawn(process.execPath, [HCP_BIN, 'kiosk', '--data', data, '--port', '0'], {
      env: { ...process.env, HCP_LOG_LEVEL: 'warn' },
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = await waitForListening(child, 'kiosk');
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${url}/api/v1${path}`, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    expect(await call('POST', '/shift/login', { staffNo: '1001', pin: '246810' })).toMatchObject({ status: 200 });
    const invitation = await call('POST', '/invitations', { serviceItemCode: 'SC-0001', caseNo: '2026-001' });
    expect(invitation.status).toBe(201);
    const status = await call('GET', '/status');
    expect(status.body).toMatchObject({
      mode: 'window',
      window: { code: 'W01', name: '1号窗口' },
      shift: { staffNo: '1001', name: '王丽' },
      invitation: { id: invitation.body.id, state: 'open' },
    });

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses to listen beyond loopback without a token', () => {
    const run = hcp('kiosk', '--data', join(dir.path, 'x'), '--host', '0.0.0.0', '--port', '0');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--api-token/);
  });

  it('refuses a bad port', () => {
    const run = hcp('kiosk', '--port', 'eighty');
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/port/);
  });
});

describe('hcp kiosk pair', () => {
  it('prints a one-time pairing code and the link that carries it, and refuses an unknown role', () => {
    const data = join(dir.path, 'pair');
    const run = hcp('kiosk', 'pair', '--data', data, '--role', 'staff');
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/pairing code for a staff panel: \d{4} \d{4}\n/);
    expect(run.stdout).toMatch(/open http:\/\/127\.0\.0\.1:8710\/staff#pair=\d{8} there/);
    const bad = hcp('kiosk', 'pair', '--data', data, '--role', 'admin');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/citizen, staff, technician/);
  });
});

describe('hcp pin-hash', () => {
  it('prints a scrypt hash that verifies, and refuses a PIN that is not 4–8 digits', async () => {
    const run = hcp('pin-hash', '4321');
    expect(run.status).toBe(0);
    expect(await verifyPin('4321', run.stdout.trim())).toBe(true);
    expect(hcp('pin-hash', '12').status).not.toBe(0);
  });
});

describe('hcp demo (npm start)', () => {
  it('runs a central system and an enrolled kiosk whose simulated evaluator keys 1–5 in the terminal press', async () => {
    const data = join(dir.path, 'demo');
    const child = spawn(
      process.execPath,
      [HCP_BIN, 'demo', '--data', data, '--port', '0', '--central-port', '0', '--no-browser'],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // A failed expectation must not leave the demo (and its embedded PostgreSQL) running: stop it as Ctrl-C does.
    onTestFinished(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        await exited;
      }
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    // The first start creates the central system's embedded database: seconds here, more on a busy machine.
    const printed = (pattern: RegExp) =>
      waitFor(
        () => `hcp demo to print ${pattern}; it printed:\n${out}`,
        () => pattern.exec(out),
        90_000,
      );
    const url = (await printed(/kiosk service on (http:\/\/\S+)/))[1]!;
    const centralUrl = (await printed(/central system on (http:\/\/\S+)/))[1]!;
    expect(out).toMatch(/staff panel .*\/staff/);
    // The demo pairs its own screens: each printed link carries a one-time code the browser host redeems.
    for (const role of ['citizen', 'staff', 'technician'] as const) {
      const label = { citizen: 'citizen screen', staff: 'staff panel', technician: 'technician mode' }[role];
      const code = new RegExp(`${label}\\s+http://\\S+#pair=(\\d{8})`).exec(out)?.[1];
      const paired = await fetch(`${url}/ui/pair`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: url },
        body: JSON.stringify({ code, role }),
      });
      expect(paired.status, role).toBe(200);
    }
    expect(out).toMatch(/technician mode .*\/tech.*admin PIN 123456/);
    const post = (path: string, body: unknown) =>
      fetch(`${url}/api/v1${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    // The centre's console opens signed in as the demo admin, on a month of the demo hall, two kiosks offline.
    const ticket = /centre console\s+http:\/\/\S+\/console\/#ticket=(\S+)/.exec(out)?.[1];
    const signedIn = await fetch(`${centralUrl}/api/v1/auth/ticket`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ticket }),
    });
    expect(signedIn.status).toBe(200);
    const session = { cookie: signedIn.headers.getSetCookie()[0]!.split(';')[0]! };
    expect(((await signedIn.json()) as { account: { username: string } }).account.username).toBe('demo');
    const devices = (await (await fetch(`${centralUrl}/api/v1/admin/devices`, { headers: session })).json()) as {
      counts: { online: number; offline: number };
    };
    expect(devices.counts.offline).toBe(2);
    expect(devices.counts.online).toBeGreaterThanOrEqual(5);
    const monthAgo = new Date(Date.now() - 27 * 86_400_000).toISOString().slice(0, 10);
    const old = (await (
      await fetch(`${centralUrl}/api/v1/admin/evaluations?to=${monthAgo}&limit=1000`, { headers: session })
    ).json()) as { items: unknown[] };
    expect(old.items.length).toBeGreaterThan(0);
    // Its 差评 made their cases, and the demo's two colleagues moved a few along the loop.
    const cases = (await (await fetch(`${centralUrl}/api/v1/admin/cases/counts`, { headers: session })).json()) as {
      byState: Record<string, number>;
    };
    expect(cases.byState).toMatchObject({ verifying: 1, rectifying: 1, explain_requested: 1, closed: 1 });
    expect(cases.byState.assigned).toBeGreaterThan(0);
    // Its 意见箱 has three items left through the public API, one referred already.
    const box = (await (await fetch(`${centralUrl}/api/v1/admin/suggestions`, { headers: session })).json()) as {
      items: { state: string }[];
    };
    expect(box.items.map((i) => i.state).sort()).toEqual(['pending', 'pending', 'referred']);
    expect(out).toMatch(/差评工单: demo\.supervisor \(督办\) and demo\.handler \(承办\), password HcpDemo-2026/);
    // A ticket is good once.
    const again = await fetch(`${centralUrl}/api/v1/auth/ticket`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ticket }),
    });
    expect(again.status).toBe(401);

    const token = readFileSync(join(data, 'central', 'admin-token'), 'utf8').trim();
    const level4Of = async (item: string) => {
      const stats = (await (
        await fetch(`${centralUrl}/api/v1/admin/stats?groupBy=serviceItem`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json()) as { groups: { key: string; counts: Record<string, number> }[] };
      return stats.groups.find((g) => g.key === item)?.counts['4'] ?? 0;
    };
    const before = await level4Of('SC-0002');
    expect((await post('/shift/login', { staffNo: '1001', pin: '246810' })).status).toBe(200);
    const { id } = (await (await post('/invitations', { serviceItemCode: 'SC-0002' })).json()) as { id: string };
    await printed(/PROMPT/);
    child.stdin.write('2');
    await printed(/THANKS/);
    const state = (await (await fetch(`${url}/api/v1/invitations/${id}`)).json()) as { state: string };
    expect(state.state).toBe('rated');
    // The rating reaches the embedded central system, once.
    let rated = before;
    for (const deadline = Date.now() + 60_000; rated === before && Date.now() < deadline;) {
      rated = await level4Of('SC-0002');
      if (rated === before) await new Promise((r) => setTimeout(r, 100));
    }
    expect(rated).toBe(before + 1);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 240_000);
});
