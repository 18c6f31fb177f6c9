import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KioskEvent } from '../shared/kiosk-events.js';
import type { EvaluationRecord, FollowUpRecord, StrayPressRecord } from '../shared/records.js';
import { KioskService } from './kiosk-service.js';
import { PIN_1001, outboxPayloads, provisioned, tempDir, terminalConfig } from './test-support/fixtures.js';

let dir: ReturnType<typeof tempDir>;
let service: KioskService;
let events: KioskEvent[];

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  dir = tempDir();
  service = await provisioned(dir.path);
  await service.shifts.login({ staffNo: '1001', pin: PIN_1001 });
  events = [];
  service.subscribe((e) => events.push(e));
});

afterEach(async () => {
  await service.close();
  vi.useRealTimers();
  dir.remove();
});

const outbox = <T>(kind: string): T[] => outboxPayloads<T>(service, kind);

describe('invitation lifecycle', () => {
  it('open → rated: the first press rates it, and the evaluation record is queued in the same commit', () => {
    const inv = service.invitations.open({ serviceItemCode: 'SC-0001', caseNo: 'A-1', ticketNo: 'T-7' });
    expect(service.invitations.get(inv.id).state).toBe('open');

    const outcome = service.press({ level: 4, source: 'touch' });

    expect(outcome).toEqual({ kind: 'rated', invitationId: inv.id, followUpUntil: null });
    expect(service.invitations.get(inv.id).state).toBe('rated');
    const [record] = outbox<EvaluationRecord>('evaluation');
    expect(record).toMatchObject({
      id: inv.id,
      outcome: 'rated',
      satisfaction: 4,
      channel: 'hall_window',
      staffNo: '1001',
      windowCode: 'W01',
      departmentCode: 'SCJG',
      serviceItemCode: 'SC-0001',
      caseNo: 'A-1',
      ticketNo: 'T-7',
    });
    expect(events.map((e) => e.type)).toEqual(['invitation.opened', 'invitation.rated']);
  });

  it('an item code the catalogue lacks: the screens get no name for it, and the record is flagged unknownItem', () => {
    const inv = service.invitations.open({ serviceItemCode: 'NOT-IN-CATALOGUE' });
    expect(service.screenView().invitation?.serviceItem).toEqual({ code: 'NOT-IN-CATALOGUE', name: null });
    service.press({ level: 5, source: 'touch' });
    const record = outbox<EvaluationRecord>('evaluation').find((r) => r.id === inv.id);
    expect(record).toMatchObject({ serviceItemCode: 'NOT-IN-CATALOGUE', unknownItem: true });
    const known = service.invitations.open({ serviceItemCode: 'SC-0001' });
    service.press({ level: 5, source: 'touch' });
    expect(outbox<EvaluationRecord>('evaluation').find((r) => r.id === known.id)).not.toHaveProperty('unknownItem');
  });

  it('open → unrated when the rating window runs out; the record still goes to the centre', () => {
    const inv = service.invitations.open({});
    vi.advanceTimersByTime(19_999);
    expect(service.invitations.get(inv.id).state).toBe('open');
    vi.advanceTimersByTime(1);
    expect(service.invitations.get(inv.id).state).toBe('unrated');
    expect(outbox<EvaluationRecord>('evaluation')).toMatchObject([
      { id: inv.id, outcome: 'unrated', satisfaction: null },
    ]);
    expect(events.at(-1)).toEqual({ type: 'invitation.expired', id: inv.id });
  });

  it('open → cancelled, recorded for the centre to audit', () => {
    const inv = service.invitations.open({});
    service.invitations.cancel(inv.id);
    expect(service.invitations.get(inv.id).state).toBe('cancelled');
    expect(outbox<EvaluationRecord>('evaluation')).toMatchObject([{ id: inv.id, outcome: 'cancelled' }]);
    vi.advanceTimersByTime(60_000);
    expect(service.invitations.get(inv.id).state).toBe('cancelled');
  });

  it('an ended invitation cannot be cancelled, rated again or expire again', () => {
    const inv = service.invitations.open({});
    service.press({ level: 5, source: 'touch' });
    expect(() => service.invitations.cancel(inv.id)).toThrow(expect.objectContaining({ code: 'invitation_closed' }));
    expect(service.press({ level: 1, source: 'touch' })).toEqual({ kind: 'stray' });
    vi.advanceTimersByTime(60_000);
    expect(service.invitations.get(inv.id).state).toBe('rated');
    expect(outbox<EvaluationRecord>('evaluation')).toHaveLength(1);
    expect(outbox<EvaluationRecord>('evaluation')[0]!.satisfaction).toBe(5);
  });

  it('a press after the window passed, before the timer fired, ends it unrated and is itself a stray press', () => {
    const inv = service.invitations.open({});
    // Move the clock without running timers (a busy event loop).
    vi.setSystemTime(Date.now() + 25_000);
    expect(service.press({ level: 5, source: 'touch' })).toEqual({ kind: 'stray' });
    expect(service.invitations.get(inv.id).state).toBe('unrated');
    expect(outbox<StrayPressRecord>('stray_press')).toHaveLength(1);
  });

  it('allows one open invitation at a time', () => {
    service.invitations.open({});
    expect(() => service.invitations.open({})).toThrow(expect.objectContaining({ code: 'invitation_open' }));
  });

  it('needs a logged-in, unpaused staff member in window mode', () => {
    service.shifts.pause('午休');
    expect(() => service.invitations.open({})).toThrow(expect.objectContaining({ code: 'paused' }));
    service.shifts.resume();
    service.shifts.logout();
    expect(() => service.invitations.open({})).toThrow(expect.objectContaining({ code: 'no_shift' }));
  });

  it('unknown invitation ids are not_found', () => {
    expect(() => service.invitations.get('01900000-0000-7000-8000-000000000000')).toThrow(
      expect.objectContaining({ code: 'not_found' }),
    );
  });

  it('uses the configured rating window', async () => {
    service.shifts.logout();
    await service.provision({ ...terminalConfig(), ratingWindowSeconds: 5 });
    const inv = service.invitations.open({ serviceItemCode: 'SB-0101' });
    vi.advanceTimersByTime(5_000);
    expect(service.invitations.get(inv.id).state).toBe('unrated');
  });
});

describe('terminal mode (一事一评)', () => {
  it('opens invitations with no staff and records them on the terminal channel', async () => {
    service.shifts.logout();
    await service.provision(terminalConfig());
    const inv = service.invitations.open({ serviceItemCode: 'SB-0101' });
    service.press({ level: 3, source: 'touch' });
    const record = outbox<EvaluationRecord>('evaluation').find((r) => r.id === inv.id);
    expect(record).toMatchObject({ channel: 'hall_terminal', mode: 'terminal', staffNo: null, satisfaction: 3 });
  });
});

describe('stray presses (第四条)', () => {
  it('records a press with no invitation open, and never counts it as a rating', () => {
    expect(service.press({ level: 1, source: 'touch', key: 5 })).toEqual({ kind: 'stray' });
    expect(service.press({ level: 5, source: 'keyboard' })).toEqual({ kind: 'stray' });

    expect(outbox<StrayPressRecord>('stray_press')).toMatchObject([
      { satisfaction: 1, key: 5, source: 'touch', staffNo: '1001' },
      { satisfaction: 5, key: null, source: 'keyboard' },
    ]);
    expect(outbox('evaluation')).toHaveLength(0);
    const summary = service.shifts.logout();
    expect(summary).toMatchObject({ invitations: 0, rated: 0, strayPresses: 2 });
  });
});

describe('follow-up after a 差评', () => {
  it('takes reason tags, a sealed callback number and a comment within 60 s, once', () => {
    const inv = service.invitations.open({});
    const outcome = service.press({ level: 2, source: 'touch' });
    expect(outcome.kind === 'rated' && outcome.followUpUntil).toBeTruthy();

    vi.advanceTimersByTime(59_000);
    const { id } = service.invitations.followUp({
      invitationId: inv.id,
      reasonTags: ['efficiency', 'attitude'],
      callbackPhone: '13800138000',
      comment: '排队太久',
    });
    const [record] = outbox<FollowUpRecord>('followup');
    expect(record).toMatchObject({
      id,
      evaluationId: inv.id,
      reasonTags: ['efficiency', 'attitude'],
      comment: '排队太久',
    });
    expect(JSON.stringify(record)).not.toContain('13800138000');
    expect(service.context.sealer.open(Buffer.from(record!.callbackPhone!.sealed, 'base64'), id)).toBe('13800138000');

    expect(() => service.invitations.followUp({ invitationId: inv.id, reasonTags: ['process'] })).toThrow(
      expect.objectContaining({ code: 'followup_not_allowed' }),
    );
  });

  it('is refused after 60 s, after a good rating, and with unknown tags', () => {
    const good = service.invitations.open({});
    service.press({ level: 5, source: 'touch' });
    expect(() => service.invitations.followUp({ invitationId: good.id, reasonTags: ['process'] })).toThrow(
      expect.objectContaining({ code: 'followup_not_allowed' }),
    );

    const bad = service.invitations.open({});
    service.press({ level: 1, source: 'touch' });
    expect(() => service.invitations.followUp({ invitationId: bad.id, reasonTags: ['no-such-tag'] })).toThrow(
      expect.objectContaining({ code: 'unknown_reason_tag' }),
    );
    vi.advanceTimersByTime(60_001);
    expect(() => service.invitations.followUp({ invitationId: bad.id, reasonTags: ['process'] })).toThrow(
      expect.objectContaining({ code: 'followup_not_allowed' }),
    );
    expect(outbox('followup')).toHaveLength(0);
  });
});

describe('rater identity (第五条)', () => {
  it('is unreadable in the database files and returned by nothing', () => {
    const rater = { name: '赵六一', idNumber: '110101199003077777', phone: '13912345678' };
    const inv = service.invitations.open({ rater });
    service.press({ level: 1, source: 'touch' });
    service.invitations.followUp({ invitationId: inv.id, reasonTags: [], callbackPhone: '13612349876' });
    service.context.db.pragma('wal_checkpoint(PASSIVE)');

    const files = readdirSync(dir.path).filter((f) => f.startsWith('kiosk.db'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const bytes = readFileSync(join(dir.path, file));
      for (const secret of [rater.name, rater.idNumber, rater.phone, '13612349876']) {
        expect(bytes.includes(Buffer.from(secret)), `${secret} in ${file}`).toBe(false);
      }
    }
    expect(JSON.stringify(service.status())).not.toContain(rater.idNumber);
    expect(JSON.stringify(service.invitations.get(inv.id))).not.toContain(rater.idNumber);

    // It is kept, sealed to the record it belongs to.
    const [record] = outbox<EvaluationRecord>('evaluation');
    expect(service.context.sealer.open(Buffer.from(record!.rater!.sealed, 'base64'), inv.id)).toEqual(rater);
  });
});

describe('restart', () => {
  it('ends an invitation whose window passed while the kiosk was down, and re-arms one still running', async () => {
    const expired = service.invitations.open({});
    await service.close();
    vi.setSystemTime(Date.now() + 30_000);
    service = KioskService.open({ dataDir: dir.path });
    expect(service.invitations.get(expired.id).state).toBe('open');
    vi.advanceTimersByTime(0);
    expect(service.invitations.get(expired.id).state).toBe('unrated');

    const running = service.invitations.open({});
    await service.close();
    vi.setSystemTime(Date.now() + 5_000);
    service = KioskService.open({ dataDir: dir.path });
    vi.advanceTimersByTime(14_999);
    expect(service.invitations.get(running.id).state).toBe('open');
    expect(service.press({ level: 4, source: 'touch' }).kind).toBe('rated');
  });
});
