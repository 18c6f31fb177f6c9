/**
 * Integration (the real local API on a loopback port, a real `ws` client): the browser host serves the UI channel
 * only to screens the technician paired, on the kiosk's own origin, in the role their token names.
 */
import { connect as connectTcp } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import {
  PAIR_PATH,
  SCREEN_UNPAIRED_CLOSE,
  TOKEN_PROTOCOL_PREFIX,
  UI_WS_PROTOCOL,
  type ScreenHello,
} from '../../shared/screen-pairing.js';
import type { UiMessage, UiRole } from '../../shared/ui-contract.js';
import { ScreenInput } from '../input/screen-input.js';
import type { KioskService } from '../kiosk-service.js';
import { runKiosk } from '../run-kiosk.js';
import { ScreenPairings } from '../screen-pairing.js';
import { transact } from '../context.js';
import { PIN_1001, provisioned, tempDir } from '../test-support/fixtures.js';
import { buildLocalApi } from './local-api.js';
import { waitFor } from '../../common/test-support/wait-for.js';

let dir: ReturnType<typeof tempDir>;
let service: KioskService;
let pairings: ScreenPairings;
let api: FastifyInstance;
let base: string;
let own: string;
const logLines: string[] = [];

beforeAll(async () => {
  dir = tempDir();
  service = await provisioned(dir.path);
  const screen = new ScreenInput();
  await service.addInput(screen);
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
  pairings = new ScreenPairings({
    db: service.context.db,
    log: logger,
    write: (work) => transact(service.context, work),
  });
  api = buildLocalApi({ service, logger, ui: { service, screen, pairing: pairings } });
  base = await api.listen({ host: '127.0.0.1', port: 0 });
  own = base; // http://127.0.0.1:<port>
});

afterAll(async () => {
  await api.close();
  await service.close();
  dir.remove();
});

afterEach(() => {
  const open = service.invitations.current();
  if (open) service.invitations.cancel(open.id);
  if (service.status().shift) service.shifts.logout();
});

function pair(role: UiRole, label = `${role} screen`): string {
  return pairings.redeem(pairings.issue(role, label).code, role).token;
}

interface Socket {
  ws: WebSocket;
  messages: (UiMessage | ScreenHello)[];
  /** Resolves with the close code, or the HTTP status of a refused upgrade. */
  ended: Promise<{ closed?: number; refused?: number }>;
  opened: Promise<boolean>;
  call(command: unknown): Promise<unknown>;
}

function connect(options: { origin?: string | null; token?: string; path?: string } = {}): Socket {
  const protocols = [UI_WS_PROTOCOL, ...(options.token ? [`${TOKEN_PROTOCOL_PREFIX}${options.token}`] : [])];
  const origin = options.origin === undefined ? own : options.origin;
  const ws = new WebSocket(`${base.replace('http', 'ws')}${options.path ?? '/ui'}`, protocols, {
    ...(origin === null ? {} : { origin }),
  });
  const messages: (UiMessage | ScreenHello)[] = [];
  ws.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8')) as UiMessage | ScreenHello));
  const ended = new Promise<{ closed?: number; refused?: number }>((resolve) => {
    ws.on('close', (code) => resolve({ closed: code }));
    ws.on('unexpected-response', (_req, res) => {
      resolve({ refused: res.statusCode });
      res.resume();
    });
    ws.on('error', () => undefined);
  });
  const opened = new Promise<boolean>((resolve) => {
    ws.on('open', () => resolve(true));
    void ended.then(() => resolve(false));
  });
  let nextId = 1;
  return {
    ws,
    messages,
    ended,
    opened,
    call: async (command) => {
      expect(await opened).toBe(true);
      const id = nextId++;
      ws.send(JSON.stringify({ type: 'command', id, command }));
      await vi.waitFor(() => expect(messages.some((m) => m.type === 'result' && m.id === id)).toBe(true), {
        timeout: 10_000,
      });
      const reply = messages.find((m) => m.type === 'result' && m.id === id);
      return reply?.type === 'result' ? reply.result : undefined;
    },
  };
}

/** Opens an invitation for the citizen to rate; returns its id. */
async function openInvitation(): Promise<string> {
  await service.shifts.login({ staffNo: '1001', pin: PIN_1001 });
  return service.invitations.open({}).id;
}

const ratedCount = () =>
  (service.context.db.prepare("SELECT count(*) AS n FROM invitations WHERE state = 'rated'").get() as { n: number }).n;

describe('browser host: a screen gets a role only by proving it', () => {
  it('refuses a page on another origin (https://evil.example) as role=citizen sending press 5: nothing is stored', async () => {
    const id = await openInvitation();
    const before = ratedCount();
    const evil = connect({ origin: 'https://evil.example', path: '/ui?role=citizen', token: pair('citizen') });
    if (await evil.opened)
      evil.ws.send(JSON.stringify({ type: 'command', id: 1, command: { name: 'press', level: 5, source: 'touch' } }));
    expect(await evil.ended).toEqual({ refused: 403 });
    expect(service.invitations.get(id).state).toBe('open');
    expect(ratedCount()).toBe(before);
    // Refused by the local API's own-callers check before the browser host's own (either logs it).
    expect(logLines.join('')).toMatch(/refused a request from (a web page of )?another origin/);
  });

  it('ends the connection of a refused upgrade itself: a page on another origin cannot hold sockets open', async () => {
    const { port } = new URL(base);
    const socket = connectTcp(Number(port), '127.0.0.1');
    let ended = false;
    socket.on('close', () => (ended = true));
    socket.on('error', () => undefined);
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.write(
      [
        'GET /ui HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        'Origin: https://evil.example',
        'Connection: Upgrade',
        'Upgrade: websocket',
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        `Sec-WebSocket-Protocol: ${UI_WS_PROTOCOL}`,
        '',
        '',
      ].join('\r\n'),
    );
    await waitFor('the kiosk to end the refused connection', () => ended, 10_000);
    expect(answer).toMatch(/^HTTP\/1\.1 403/);
  });

  it('refuses a socket with no Origin, and one whose Host names another site (DNS rebinding)', async () => {
    expect(await connect({ origin: null, token: pair('citizen') }).ended).toEqual({ refused: 403 });
    const port = new URL(base).port;
    const rebound = new WebSocket(`${base.replace('http', 'ws')}/ui`, [UI_WS_PROTOCOL], {
      headers: { host: `evil.example:${port}` },
      origin: `http://evil.example:${port}`,
    });
    const status = await new Promise((resolve) => {
      rebound.on('unexpected-response', (_req, res) => resolve(res.statusCode));
      rebound.on('open', () => resolve('open'));
      rebound.on('error', () => undefined);
    });
    expect(status).toBe(403);
  });

  it.each([
    ['no token', undefined],
    ['a forged token', 'A'.repeat(43)],
    ['a malformed token', 'not-a-screen-token'],
  ])('closes a socket with %s as unpaired, answering no command', async (_name, token) => {
    const id = await openInvitation();
    const socket = connect({ token, path: '/ui?role=citizen' });
    if (await socket.opened)
      socket.ws.send(JSON.stringify({ type: 'command', id: 1, command: { name: 'press', level: 5, source: 'touch' } }));
    expect(await socket.ended).toEqual({ closed: SCREEN_UNPAIRED_CLOSE });
    expect(socket.messages).toEqual([]);
    expect(service.invitations.get(id).state).toBe('open');
  });

  it('closes a revoked screen’s open socket at once, and refuses its token afterwards', async () => {
    const token = pair('citizen', '被撤销的屏幕');
    const socket = connect({ token });
    expect(await socket.opened).toBe(true);
    expect(await socket.call({ name: 'status' })).toMatchObject({ ok: true });
    const [screen] = pairings.list().filter((s) => s.label === '被撤销的屏幕');
    expect(screen?.connected).toBe(true);
    pairings.revoke(screen!.id);
    expect(await socket.ended).toEqual({ closed: SCREEN_UNPAIRED_CLOSE });
    const id = await openInvitation();
    const again = connect({ token });
    if (await again.opened)
      again.ws.send(JSON.stringify({ type: 'command', id: 1, command: { name: 'press', level: 5, source: 'touch' } }));
    expect(await again.ended).toEqual({ closed: SCREEN_UNPAIRED_CLOSE });
    expect(service.invitations.get(id).state).toBe('open');
    expect(logLines.join('')).toContain('refused a revoked screen');
  });

  it('takes the role from the token, not the URL: a staff token sending press is refused and logged', async () => {
    const id = await openInvitation();
    const staff = connect({ token: pair('staff'), path: '/ui?role=citizen' });
    expect(await staff.call({ name: 'press', level: 5, source: 'touch' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(service.invitations.get(id).state).toBe('open');
    expect(logLines.join('')).toMatch(/"role":"staff".*"command":"press".*refused a command of another role/);
    staff.ws.close();
  });

  it('tells a screen first which role its token pairs, whatever the URL asked for', async () => {
    const staff = connect({ token: pair('staff', '员工屏'), path: '/ui?role=citizen' });
    expect(await staff.opened).toBe(true);
    await vi.waitFor(() => expect(staff.messages.length).toBeGreaterThan(0), { timeout: 10_000 });
    expect(staff.messages[0]).toEqual({ type: 'screen', role: 'staff', label: '员工屏' });
    staff.ws.close();
  });

  it('lets a paired citizen screen on the kiosk’s own origin rate', async () => {
    const id = await openInvitation();
    const citizen = connect({ token: pair('citizen') });
    expect(await citizen.call({ name: 'press', level: 4, source: 'touch' })).toMatchObject({
      ok: true,
      value: { kind: 'rated', invitationId: id },
    });
    expect(citizen.ws.protocol).toBe(UI_WS_PROTOCOL);
    citizen.ws.close();
  });

  it('never writes a screen token into the log', () => {
    const tokens = [pair('citizen'), pair('staff'), pair('technician')];
    connect({ token: tokens[0] }).ws.close();
    const log = logLines.join('');
    for (const token of tokens) expect(log).not.toContain(token);
  });
});

describe('browser host: redeeming a pairing code', () => {
  const redeem = (body: unknown, origin: string | null = own) =>
    fetch(`${base}${PAIR_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(origin === null ? {} : { origin }) },
      body: JSON.stringify(body),
    });

  it('pairs once, from the kiosk’s own origin only', async () => {
    const { code } = pairings.issue('staff', '工作人员面板');
    expect((await redeem({ code, role: 'staff' }, 'https://evil.example')).status).toBe(403);
    expect((await redeem({ code, role: 'staff' }, null)).status).toBe(403);
    expect((await redeem({ code, role: 'citizen' })).status).toBe(409); // wrong role: kept
    const paired = await redeem({ code: `${code.slice(0, 4)} ${code.slice(4)}`, role: 'staff' });
    expect(paired.status).toBe(200);
    const body = (await paired.json()) as { token: string; role: string; label: string };
    expect(body).toMatchObject({ role: 'staff', label: '工作人员面板' });
    expect(pairings.authenticate(body.token)?.role).toBe('staff');
    const twice = await redeem({ code, role: 'staff' });
    expect([twice.status, ((await twice.json()) as { error: string }).error]).toEqual([403, 'pairing_code_invalid']);
  });

  it.each([
    ['a code with letters', { code: 'abcdefgh', role: 'citizen' }],
    ['an unknown role', { code: '12345678', role: 'admin' }],
    ['an extra field', { code: '12345678', role: 'citizen', token: 'x' }],
  ])('answers %s with 400 invalid_request', async (_name, body) => {
    const res = await redeem(body);
    expect([res.status, ((await res.json()) as { error: string }).error]).toEqual([400, 'invalid_request']);
  });
});

describe('under the Electron shell', () => {
  it('does not serve the browser host’s WebSocket at /ui (a utility process with a parent port)', async () => {
    const shellDir = tempDir();
    const parentPort = { on: () => undefined, postMessage: () => undefined };
    Object.defineProperty(process, 'parentPort', { value: parentPort, configurable: true });
    try {
      const running = await runKiosk({ dataDir: shellDir.path, port: 0, logger: pino({ level: 'silent' }) });
      try {
        expect(running.pairing).toBeNull();
        const ws = new WebSocket(`${running.url.replace('http', 'ws')}/ui?role=citizen`, [UI_WS_PROTOCOL], {
          origin: running.url,
        });
        const status = await new Promise((resolve) => {
          ws.on('unexpected-response', (_req, res) => resolve(res.statusCode));
          ws.on('open', () => resolve('open'));
          ws.on('error', () => undefined);
        });
        expect(status).toBe(404);
      } finally {
        await running.stop();
      }
    } finally {
      Reflect.deleteProperty(process, 'parentPort');
      shellDir.remove();
    }
  });
});
