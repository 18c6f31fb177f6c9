import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../../shared/result.js';
import type { UiMessage } from '../../shared/ui-contract.js';
import { ScreenInput } from '../input/screen-input.js';
import type { KioskService } from '../kiosk-service.js';
import { silentLogger } from '../../common/logger.js';
import { PIN_1001, provisioned, tempDir } from '../test-support/fixtures.js';
import { serveUiChannel, type MessageTransport } from './ui-channel.js';
import { citizenHandlers, staffHandlers, technicianHandlers, type RoleHandlers } from './ui-handlers.js';
import { roleCommandNames, UI_ROLES } from '../../shared/ui-contract.js';
import { pino } from 'pino';

let dir: ReturnType<typeof tempDir>;
let service: KioskService;
let screen: ScreenInput;
let sent: UiMessage[];
let deliver: (raw: unknown) => void;
let stop: () => void;

beforeEach(async () => {
  dir = tempDir();
  service = await provisioned(dir.path);
  screen = new ScreenInput();
  await service.addInput(screen);
  sent = [];
  const transport: MessageTransport = {
    send: (m) => sent.push(m),
    onMessage: (receive) => {
      deliver = receive;
      return () => undefined;
    },
  };
  stop = serveUiChannel(transport, { service, screen }, 'citizen', silentLogger);
});

afterEach(async () => {
  stop();
  await service.close();
  dir.remove();
});

/** Sends a command over a channel and waits for its result among the messages the channel sent back. */
async function callOver(
  send: (raw: unknown) => void,
  sentBack: UiMessage[],
  command: unknown,
): Promise<Result<unknown>> {
  const id = Math.floor(Math.random() * 1e9);
  send({ type: 'command', id, command });
  for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
    const reply = sentBack.find((m) => m.type === 'result' && m.id === id);
    if (reply?.type === 'result') return reply.result;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('no reply in 10 s');
}

const call = (command: unknown) => callOver(deliver, sent, command);

describe('UI channel', () => {
  it('takes a press from the screen, rates the open invitation and pushes the events', async () => {
    await service.shifts.login({ staffNo: '1001', pin: PIN_1001 });
    expect(service.status().evaluator).toEqual({ state: 'connected', kind: 'touch' });
    const inv = service.invitations.open({});
    const result = await call({ name: 'press', level: 2, source: 'touch' });
    expect(result).toMatchObject({ ok: true, value: { kind: 'rated', invitationId: inv.id } });
    expect(sent.filter((m) => m.type === 'event').map((m) => m.type === 'event' && m.event.type)).toEqual([
      'shift.started',
      'invitation.opened',
      'invitation.rated',
    ]);
    const follow = await call({ name: 'followUp', request: { invitationId: inv.id, reasonTags: ['efficiency'] } });
    expect(follow).toMatchObject({ ok: true });
  });

  it.each([
    ['an unknown command', { name: 'rate', level: 5 }],
    ['a level out of range', { name: 'press', level: 6, source: 'touch' }],
    ['a level as a string', { name: 'press', level: '5', source: 'touch' }],
    ['an unknown source', { name: 'press', level: 5, source: 'serial' }],
    ['an extra field', { name: 'press', level: 5, source: 'touch', staffNo: '1001' }],
    [
      'a follow-up with nothing in it',
      { name: 'followUp', request: { invitationId: crypto.randomUUID(), reasonTags: [] } },
    ],
  ])('answers %s with invalid_request and changes nothing', async (_name, command) => {
    const before = service.status().queue.pending;
    const result = await call(command);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(service.status().queue.pending).toBe(before);
  });

  it('drops frames that are not commands without answering or failing', async () => {
    for (const raw of [null, 42, 'press', { type: 'command' }, { type: 'command', id: -1, command: {} }]) deliver(raw);
    await new Promise((r) => setTimeout(r, 20));
    expect(sent.filter((m) => m.type === 'result')).toEqual([]);
    expect((await call({ name: 'status' })).ok).toBe(true);
  });

  it('answers a domain refusal with its code', async () => {
    const result = await call({
      name: 'followUp',
      request: { invitationId: crypto.randomUUID(), reasonTags: ['process'] },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'followup_not_allowed' } });
  });
});

describe('UI channel roles', () => {
  let staffSent: UiMessage[];
  let deliverStaff: (raw: unknown) => void;
  let stopStaff: () => void;

  beforeEach(() => {
    staffSent = [];
    stopStaff = serveUiChannel(
      {
        send: (m) => staffSent.push(m),
        onMessage: (receive) => {
          deliverStaff = receive;
          return () => undefined;
        },
      },
      { service, screen },
      'staff',
      silentLogger,
    );
  });
  afterEach(() => stopStaff());

  const callStaff = (command: unknown) => callOver(deliverStaff, staffSent, command);

  it('lets the staff panel run a shift but never press a rating', async () => {
    expect(await callStaff({ name: 'login', request: { staffNo: '1001', pin: PIN_1001 } })).toMatchObject({ ok: true });
    expect(await callStaff({ name: 'invite', request: { caseNo: 'C-1' } })).toMatchObject({ ok: true });
    const pressed = await callStaff({ name: 'press', level: 5, source: 'touch' });
    expect(pressed).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(service.status().invitation?.state).toBe('open');
    // The citizen screen may not run the shift.
    expect(await call({ name: 'logout' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('tells the staff panel that an invitation was rated, never how', async () => {
    await callStaff({ name: 'login', request: { staffNo: '1001', pin: PIN_1001 } });
    await callStaff({ name: 'invite', request: {} });
    await call({ name: 'press', level: 1, source: 'touch' });
    const staffEvents = staffSent.flatMap((m) => (m.type === 'event' ? [m.event] : []));
    expect(staffEvents.map((e) => e.type)).toContain('invitation.done');
    expect(JSON.stringify(staffEvents)).not.toMatch(/followUpUntil|"source"/);
    const citizenEvents = sent.flatMap((m) => (m.type === 'event' ? [m.event] : []));
    expect(citizenEvents.find((e) => e.type === 'invitation.rated')).toMatchObject({
      followUpUntil: expect.any(String) as unknown,
    });
  });
});

describe('UI channel: one handler map per role', () => {
  it.each(['__proto__', 'toString', 'constructor', 'hasOwnProperty'])(
    'answers the inherited name %s with invalid_request, never a crash',
    async (name) => {
      expect(await call({ name })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    },
  );

  it('refuses a technician command on the citizen screen as forbidden, and logs it without its fields', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const citizenSent: UiMessage[] = [];
    let deliverCitizen: (raw: unknown) => void = () => undefined;
    const stopCitizen = serveUiChannel(
      {
        send: (m) => citizenSent.push(m),
        onMessage: (receive) => ((deliverCitizen = receive), () => undefined),
      },
      { service, screen },
      'citizen',
      log,
    );
    try {
      const result = await callOver(deliverCitizen, citizenSent, { name: 'setAdminPin', pin: '13572468' });
      expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(lines.join('')).toContain('refused a command of another role');
      expect(lines.join('')).not.toContain('13572468');
    } finally {
      stopCitizen();
    }
  });

  it('keeps technician commands locked until the admin PIN, the pairing commands too', async () => {
    const techSent: UiMessage[] = [];
    let deliverTech: (raw: unknown) => void = () => undefined;
    const stopTech = serveUiChannel(
      { send: (m) => techSent.push(m), onMessage: (receive) => ((deliverTech = receive), () => undefined) },
      { service, screen },
      'technician',
      silentLogger,
    );
    try {
      for (const command of [
        { name: 'pairScreen', role: 'citizen', label: '市民屏' },
        { name: 'listScreens' },
        { name: 'revokeScreen', id: crypto.randomUUID() },
        { name: 'diagnostics' },
      ]) {
        const result = await callOver(deliverTech, techSent, command);
        expect(result, command.name).toMatchObject({ ok: false, error: { code: 'tech_locked' } });
      }
    } finally {
      stopTech();
    }
  });

  it('declares every command once: each role answers exactly the names UI_COMMANDS gives it', () => {
    const host = { service, screen };
    const maps = {
      citizen: citizenHandlers(host),
      staff: staffHandlers(host),
      technician: technicianHandlers(host, { unlocked: false }),
    };
    for (const role of UI_ROLES) expect(Object.keys(maps[role]).sort()).toEqual(roleCommandNames(role).sort());
  });

  it('does not compile a handler map with a handler missing or extra', () => {
    const host = { service, screen };
    const { followUp: _left, ...missing } = citizenHandlers(host);
    // @ts-expect-error followUp is missing
    const incomplete: RoleHandlers<'citizen'> = missing;
    // @ts-expect-error the citizen screen has no login
    const extra: RoleHandlers<'citizen'> = { ...citizenHandlers(host), login: () => null };
    expect([incomplete, extra]).toHaveLength(2);
  });
});
