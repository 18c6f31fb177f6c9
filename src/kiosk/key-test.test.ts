import type { KioskEvent } from '../shared/kiosk-events.js';
import { eventForRole } from '../shared/ui-contract.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KEY_TEST_MAX_MS, type KeyTestRecord } from '../shared/records.js';
import { KioskError } from '../shared/kiosk-errors.js';
import { KioskService } from './kiosk-service.js';
import { PIN_1001, outboxPayloads, provisioned, tempDir, terminalConfig } from './test-support/fixtures.js';

let dir: ReturnType<typeof tempDir>;
let service: KioskService;

beforeEach(async () => {
  dir = tempDir();
  service = await provisioned(dir.path);
});

afterEach(async () => {
  vi.useRealTimers();
  await service.close();
  dir.remove();
});

const outbox = <T>(kind: string): T[] => outboxPayloads<T>(service, kind);

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    if (error instanceof KioskError) return error.code;
    throw error;
  }
  return undefined;
};

describe('the key test never swallows a rating', () => {
  it('does not start while a staff member is logged in (shift_open)', async () => {
    await service.shifts.login({ staffNo: '1001', pin: PIN_1001 });
    expect(codeOf(() => service.startKeyTest())).toBe('shift_open');
    // So a press now is still a stray press on record, not a test press.
    expect(service.press({ level: 5, source: 'serial', key: 1 })).toEqual({ kind: 'stray' });
  });

  it('does not start while an invitation is open, and the press rates it (invitation_open)', async () => {
    await service.provision(terminalConfig());
    const inv = service.invitations.open({});
    expect(codeOf(() => service.startKeyTest())).toBe('invitation_open');
    expect(service.press({ level: 2, source: 'serial', key: 4 })).toMatchObject({
      kind: 'rated',
      invitationId: inv.id,
    });
  });

  it('while on, no invitation opens and no one logs in (key_test_on)', async () => {
    const end = service.startKeyTest();
    await expect(service.shifts.login({ staffNo: '1001', pin: PIN_1001 })).rejects.toMatchObject({
      code: 'key_test_on',
    });
    await service.provision(terminalConfig());
    expect(codeOf(() => service.invitations.open({}))).toBe('key_test_on');
    end();
    expect(service.invitations.open({}).state).toBe('open');
  });

  it('records each session for the centre: start, end, how it ended and the presses counted, never the keys', () => {
    const end = service.startKeyTest();
    for (const key of [1, 2, 3]) {
      expect(service.press({ level: 5, source: 'serial', key })).toEqual({ kind: 'test' });
    }
    expect(outbox('key_test')).toEqual([]);
    end();
    end(); // a second call does nothing
    const [record, ...more] = outbox<KeyTestRecord>('key_test');
    expect(more).toEqual([]);
    expect(record).toMatchObject({ kind: 'key_test', endedBy: 'technician', presses: 3 });
    expect(Date.parse(record!.endedAt)).toBeGreaterThanOrEqual(Date.parse(record!.startedAt));
    expect(Object.keys(record!).sort()).toEqual(['endedAt', 'endedBy', 'id', 'kind', 'presses', 'startedAt']);
    expect(outbox('stray_press')).toEqual([]);
    // Over: the next press is a stray press again.
    expect(service.press({ level: 5, source: 'serial', key: 1 })).toEqual({ kind: 'stray' });
  });

  it('ends by itself after KEY_TEST_MAX_MS, as a timeout, and tells technician screens which session ended', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const told: KioskEvent[] = [];
    service.subscribe((e) => told.push(e));
    const end = service.startKeyTest();
    expect(end.endsAt - Date.now()).toBe(KEY_TEST_MAX_MS);
    service.press({ level: 5, source: 'serial', key: 1 });
    vi.advanceTimersByTime(KEY_TEST_MAX_MS - 1);
    expect(outbox('key_test')).toEqual([]);
    vi.advanceTimersByTime(1);
    const [record] = outbox<KeyTestRecord>('key_test');
    expect(record).toMatchObject({ endedBy: 'timeout', presses: 1 });
    expect(Date.parse(record!.endedAt) - Date.parse(record!.startedAt)).toBe(KEY_TEST_MAX_MS);
    expect(told.filter((e) => e.type === 'keytest.ended')).toEqual([
      { type: 'keytest.ended', id: end.id, endedBy: 'timeout' },
    ]);
    expect(record!.id).toBe(end.id);
    expect(eventForRole(told.at(-1)!, 'staff')).toBeNull();
    expect(service.press({ level: 5, source: 'serial', key: 1 })).toEqual({ kind: 'stray' });
  });

  it('ends by the service clock too: once it has run KEY_TEST_MAX_MS, a press is no test press', () => {
    const ctx = service.context;
    const start = ctx.now();
    ctx.now = () => start;
    service.startKeyTest();
    ctx.now = () => start + KEY_TEST_MAX_MS;
    expect(service.press({ level: 4, source: 'serial', key: 2 })).toEqual({ kind: 'stray' });
    expect(outbox<KeyTestRecord>('key_test')).toMatchObject([{ endedBy: 'timeout', presses: 0 }]);
  });

  it('does not keep the process alive while on', () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const end = service.startKeyTest();
    expect(timers()).toBe(before);
    end();
  });

  it('closes, at the next start, a session left on by a process that died', async () => {
    service.startKeyTest();
    service.press({ level: 5, source: 'serial', key: 1 });
    service.press({ level: 4, source: 'serial', key: 2 });
    // The process dies: nothing ends the session, and the database is simply opened again.
    service.context.db.close();
    service = KioskService.open({ dataDir: dir.path });
    const [record, ...more] = outbox<KeyTestRecord>('key_test');
    expect(more).toEqual([]);
    expect(record).toMatchObject({ endedBy: 'closed', presses: 2 });
    expect(await service.shifts.login({ staffNo: '1001', pin: PIN_1001 })).toMatchObject({ staffNo: '1001' });
  });

  it('ends a session as closed when the service closes', async () => {
    service.startKeyTest();
    await service.close();
    service = KioskService.open({ dataDir: dir.path });
    expect(outbox<KeyTestRecord>('key_test')).toMatchObject([{ endedBy: 'closed', presses: 0 }]);
  });
});
