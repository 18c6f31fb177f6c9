import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ShiftEventRecord } from '../shared/records.js';
import { KioskService } from './kiosk-service.js';
import { LOCKOUT_MS } from './shift-service.js';
import { PIN_1001, provisioned, tempDir, terminalConfig } from './test-support/fixtures.js';

let dir: ReturnType<typeof tempDir>;
let service: KioskService;

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  dir = tempDir();
  service = await provisioned(dir.path);
});

afterEach(async () => {
  await service.close();
  vi.useRealTimers();
  dir.remove();
});

const wrong = () => service.shifts.login({ staffNo: '1001', pin: '000000' });
const right = () => service.shifts.login({ staffNo: '1001', pin: PIN_1001 });

function shiftEvents(): ShiftEventRecord[] {
  return service.context.db
    .prepare("SELECT payload FROM outbox WHERE kind = 'shift_event' ORDER BY seq")
    .all()
    .map((r) => JSON.parse((r as { payload: string }).payload) as ShiftEventRecord);
}

describe('login', () => {
  it('opens a shift for the right staff number and PIN, hashed PINs and clear ones alike', async () => {
    const shift = await right();
    expect(shift).toMatchObject({ staffNo: '1001', name: '王丽', paused: false });
    expect(service.status().shift?.staffNo).toBe('1001');
    service.shifts.logout();
    // 1002 was provisioned with a clear PIN, hashed on load.
    await expect(service.shifts.login({ staffNo: '1002', pin: '135790' })).resolves.toMatchObject({ name: '李强' });
    const stored = service.context.roster.staff('1002')!.pinHash;
    expect(stored).toMatch(/^scrypt\$/);
    expect(stored).not.toContain('135790');
  });

  it('refuses a wrong PIN and an unknown staff number alike, counting down', async () => {
    await expect(wrong()).rejects.toMatchObject({ code: 'bad_credentials', details: { attemptsLeft: 4 } });
    await expect(service.shifts.login({ staffNo: '9999', pin: '123456' })).rejects.toMatchObject({
      code: 'bad_credentials',
    });
    expect(service.status().shift).toBeNull();
  });

  it('locks a staff number for 5 minutes after 5 wrong PINs, even against the right PIN, then lets it in', async () => {
    for (let i = 0; i < 4; i++) await expect(wrong()).rejects.toMatchObject({ code: 'bad_credentials' });
    const locked = await wrong().catch((e: unknown) => e);
    expect(locked).toMatchObject({ code: 'locked' });
    const retryAt = Date.parse((locked as { details: { retryAt: string } }).details.retryAt);
    expect(retryAt).toBe(Date.now() + LOCKOUT_MS);

    await expect(right()).rejects.toMatchObject({ code: 'locked' });
    // Other staff numbers are not affected.
    await expect(service.shifts.login({ staffNo: '1002', pin: '135790' })).resolves.toBeTruthy();
    service.shifts.logout();

    vi.setSystemTime(retryAt - 1);
    await expect(right()).rejects.toMatchObject({ code: 'locked' });
    vi.setSystemTime(retryAt);
    await expect(right()).resolves.toMatchObject({ staffNo: '1001' });
  });

  it('starts counting again after a lock has run out', async () => {
    for (let i = 0; i < 5; i++) await wrong().catch(() => undefined);
    vi.setSystemTime(Date.now() + LOCKOUT_MS);
    await expect(wrong()).rejects.toMatchObject({ code: 'bad_credentials', details: { attemptsLeft: 4 } });
  });

  it('keeps a lock across a restart of the kiosk', async () => {
    for (let i = 0; i < 5; i++) await wrong().catch(() => undefined);
    await service.close();
    service = KioskService.open({ dataDir: dir.path });
    await expect(right()).rejects.toMatchObject({ code: 'locked' });
  });

  it('allows one staff member per window at a time', async () => {
    await right();
    await expect(service.shifts.login({ staffNo: '1002', pin: '135790' })).rejects.toMatchObject({
      code: 'shift_open',
    });
    await expect(right()).rejects.toMatchObject({ code: 'shift_open' });
  });

  it('is for window mode only', async () => {
    await service.provision(terminalConfig());
    await expect(right()).rejects.toMatchObject({ code: 'not_window_mode' });
  });
});

describe('pause, resume, logout', () => {
  it('records each change and returns a summary of counts at logout', async () => {
    await right();
    const inv = service.invitations.open({});
    service.press({ level: 5, source: 'touch' });
    service.invitations.open({});
    vi.advanceTimersByTime(20_000);
    const cancelled = service.invitations.open({});
    service.invitations.cancel(cancelled.id);
    service.press({ level: 3, source: 'touch' });

    expect(service.shifts.pause('午休')).toMatchObject({ paused: true, pauseReason: '午休' });
    expect(() => service.shifts.pause('again')).toThrow(expect.objectContaining({ code: 'paused' }));
    vi.advanceTimersByTime(90_000);
    expect(service.shifts.resume()).toMatchObject({ paused: false });
    expect(() => service.shifts.resume()).toThrow(expect.objectContaining({ code: 'not_paused' }));

    const summary = service.shifts.logout();
    expect(summary).toMatchObject({
      staffNo: '1001',
      invitations: 3,
      rated: 1,
      unrated: 1,
      cancelled: 1,
      strayPresses: 1,
      pauses: 1,
      pausedSeconds: 90,
    });
    // Counts only: nothing in the summary says how anyone rated.
    expect(Object.keys(summary)).not.toContain('satisfaction');
    expect(service.invitations.get(inv.id).state).toBe('rated');
    expect(shiftEvents().map((e) => [e.type, e.reason])).toEqual([
      ['login', null],
      ['pause', '午休'],
      ['resume', null],
      ['logout', null],
    ]);
  });

  it('refuses logout while an invitation is open', async () => {
    await right();
    service.invitations.open({});
    expect(() => service.shifts.logout()).toThrow(expect.objectContaining({ code: 'invitation_open' }));
  });

  it('needs a shift', () => {
    expect(() => service.shifts.pause('x')).toThrow(expect.objectContaining({ code: 'no_shift' }));
    expect(() => service.shifts.logout()).toThrow(expect.objectContaining({ code: 'no_shift' }));
  });
});
