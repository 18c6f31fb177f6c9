/**
 * Integration (real PostgreSQL): the centre takes from a device only the records within its
 * enrolment (issue 13, item 7): its own window and department, its own channel and mode; a terminal names no window
 * and only the hall's departments. A refused record is stored nowhere and counted per device in the fleet list; a
 * staff number the centre does not know is taken and flagged. A window moved to another department keeps the ratings
 * given before the move (and those its kiosk gave before it learnt of it); a follow-up to another device's evaluation
 * is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../common/ids.js';
import { WINDOW_MOVE_GRACE_MS } from './scope.js';
import type { DevicePage } from '../shared/fleet-api.js';
import {
  batch,
  evaluation,
  outcomes,
  startHarness,
  strayPress,
  type Harness,
  type Kiosk,
} from './test-support/api-harness.js';

describe('device scope on PostgreSQL', () => {
  let h: Harness;
  let terminal: Kiosk;

  beforeAll(async () => {
    h = await startHarness();
    terminal = await h.enrol({ mode: 'terminal', name: '自助区 1号' });
  });
  afterAll(() => h.close());

  const fleet = async (id: string) =>
    (await h.admin('GET', '/devices?limit=500')).json<DevicePage>().items.find((d) => d.id === id)!;
  const stored = async (ids: string[]) => h.count(`records WHERE id = ANY('{${ids.join(',')}}'::uuid[])`);

  it("refuses a W01 kiosk's records for window W99, another department, another channel or mode, stores none and counts them", async () => {
    const foreign = [
      evaluation({ windowCode: 'W99' }),
      evaluation({ windowCode: 'W02', departmentCode: 'GA' }),
      evaluation({ departmentCode: 'GA' }),
      evaluation({ windowCode: null }),
      evaluation({ departmentCode: null }),
      evaluation({ channel: 'hotline' }),
      evaluation({ channel: 'hall_terminal' }),
      evaluation({ mode: 'terminal', channel: 'hall_terminal' }),
      {
        kind: 'shift_event',
        id: uuidv7(),
        shiftId: uuidv7(),
        type: 'login',
        staffNo: '1001',
        windowCode: 'W02',
        reason: null,
        at: new Date().toISOString(),
      },
    ];
    const good = evaluation();
    const before = await fleet(h.kiosk.id);
    const res = await h.device('POST', '/api/v1/device/records', batch([good, ...foreign]));
    expect(res.statusCode).toBe(200);
    expect(outcomes(res)).toEqual([
      'accepted',
      'rejected:scope_window',
      'rejected:scope_window',
      'rejected:scope_department',
      'rejected:scope_window',
      'rejected:scope_department',
      'rejected:scope_channel',
      'rejected:scope_channel',
      'rejected:scope_mode',
      'rejected:scope_window',
    ]);
    expect(await stored([good.id])).toBe(1);
    expect(await stored(foreign.map((r) => r.id))).toBe(0);
    expect(await h.count(`evaluations WHERE window_code = 'W99' OR department_code = 'GA'`)).toBe(0);
    const after = await fleet(h.kiosk.id);
    expect(after.rejectedRecords - before.rejectedRecords).toBe(9);
    expect(after.rejectedByCode).toMatchObject({
      scope_window: (before.rejectedByCode.scope_window ?? 0) + 4,
      scope_department: (before.rejectedByCode.scope_department ?? 0) + 2,
      scope_channel: (before.rejectedByCode.scope_channel ?? 0) + 2,
      scope_mode: (before.rejectedByCode.scope_mode ?? 0) + 1,
    });
    // Refused again when sent again (a technician's retry), and counted again: it is never stored.
    const again = await h.device('POST', '/api/v1/device/records', batch([foreign[0]]));
    expect(outcomes(again)).toEqual(['rejected:scope_window']);
    expect((await fleet(h.kiosk.id)).rejectedByCode.scope_window).toBe(after.rejectedByCode.scope_window! + 1);
  });

  it('takes a staff number the centre does not know, flags it, and shows it in the list and the fleet', async () => {
    const before = (await fleet(h.kiosk.id)).unknownStaffEvaluations;
    const ghost = evaluation({ staffNo: 'NOBODY' });
    const otherDepartment = evaluation({ staffNo: '3001' });
    const known = evaluation();
    const res = await h.device(
      'POST',
      '/api/v1/device/records',
      batch([ghost, otherDepartment, known, strayPress({ staffNo: 'NOBODY' })]),
    );
    expect(outcomes(res)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
    const items = (await h.admin('GET', '/evaluations?limit=1000')).json<{
      items: { id: string; staffUnknown: boolean }[];
    }>().items;
    const flag = (id: string) => items.find((i) => i.id === id)?.staffUnknown;
    expect([flag(ghost.id), flag(otherDepartment.id), flag(known.id)]).toEqual([true, true, false]);
    expect((await fleet(h.kiosk.id)).unknownStaffEvaluations).toBe(before + 2);
    const flagged = (await h.admin('GET', '/evaluations?staffUnknown=true&limit=1000')).json<{
      items: { id: string }[];
    }>().items;
    expect(flagged.map((i) => i.id)).toEqual(expect.arrayContaining([ghost.id, otherDepartment.id]));
    expect(flagged.map((i) => i.id)).not.toContain(known.id);
    expect(await h.count("stray_presses WHERE staff_no = 'NOBODY' AND staff_unknown")).toBe(1);
  });

  it("takes a terminal's records of no window and of a catalogue department, and refuses the rest", async () => {
    const t = { mode: 'terminal', channel: 'hall_terminal', staffNo: null, windowCode: null };
    const records = [
      evaluation({ ...t, departmentCode: null }),
      evaluation({ ...t, departmentCode: 'GA' }),
      evaluation({ ...t, departmentCode: 'NOPE' }),
      evaluation({ ...t, windowCode: 'W01', departmentCode: 'SCJG' }),
      evaluation({ ...t, channel: 'hall_window' }),
      evaluation({ ...t, channel: 'web' }),
    ];
    const res = await h.device('POST', '/api/v1/device/records', batch(records), terminal);
    expect(outcomes(res)).toEqual([
      'accepted',
      'accepted',
      'rejected:unknown_department',
      'rejected:scope_window',
      'rejected:scope_channel',
      'rejected:scope_channel',
    ]);
    expect((await fleet(terminal.id)).rejectedRecords).toBe(4);
  });

  it('knows a department or window created a moment ago through the admin API', async () => {
    expect((await h.admin('POST', '/departments', { code: 'SW', name: '税务局' })).statusCode).toBe(201);
    const t = { mode: 'terminal', channel: 'hall_terminal', staffNo: null, windowCode: null, departmentCode: 'SW' };
    const res = await h.device('POST', '/api/v1/device/records', batch([evaluation(t)]), terminal);
    expect(outcomes(res)).toEqual(['accepted']);
  });
  const HOUR = 3600_000;
  const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
  const rated = (windowCode: string, departmentCode: string, invitedAt: string) =>
    evaluation({ windowCode, departmentCode, invitedAt, expiresAt: invitedAt, endedAt: invitedAt, staffNo: null });
  const send = (records: unknown[], who?: Kiosk) => h.device('POST', '/api/v1/device/records', batch(records), who);

  it('takes the ratings a window gave its old department before it moved, and those its kiosk gave before it learnt of the move', async () => {
    expect((await h.admin('POST', '/windows', { code: 'W03', name: '3', departmentCode: 'SCJG' })).statusCode).toBe(
      201,
    );
    const w03 = await h.enrol({ mode: 'window', windowCode: 'W03', name: '3号窗口' });
    expect(outcomes(await send([rated('W03', 'SCJG', ago(2 * HOUR))], w03))).toEqual(['accepted']);
    expect((await h.admin('PATCH', '/windows/W03', { departmentCode: 'GA' })).statusCode).toBe(200);
    const res = await send(
      [
        rated('W03', 'SCJG', ago(HOUR)), // made before the move, delivered after it (an offline kiosk)
        rated('W03', 'SCJG', ago(0)), // made after the move by a kiosk not yet told of it
        rated('W03', 'GA', ago(0)), // made after it learnt
        rated('W03', 'GA', ago(2 * HOUR)), // the new department, before the move: no kiosk can have known it
        rated('W03', 'SW', ago(0)),
      ],
      w03,
    );
    expect(outcomes(res)).toEqual([
      'accepted',
      'accepted',
      'accepted',
      'rejected:scope_department',
      'rejected:scope_department',
    ]);
  });

  it('refuses the old department once WINDOW_MOVE_GRACE_MS has passed since the move', async () => {
    expect((await h.admin('POST', '/windows', { code: 'W04', name: '4', departmentCode: 'SCJG' })).statusCode).toBe(
      201,
    );
    const w04 = await h.enrol({ mode: 'window', windowCode: 'W04', name: '4号窗口' });
    expect((await h.admin('PATCH', '/windows/W04', { departmentCode: 'GA' })).statusCode).toBe(200);
    // The window and its move, as if made longer ago than the grace (before the catalogue is read again).
    const movedAt = Date.now() - WINDOW_MOVE_GRACE_MS - 2 * HOUR;
    await h.db.query(
      `UPDATE window_departments SET since = CASE department_code WHEN 'GA' THEN $1::timestamptz ELSE $2::timestamptz END
        WHERE window_code = 'W04'`,
      [new Date(movedAt), new Date(movedAt - 24 * HOUR)],
    );
    const res = await send(
      [
        rated('W04', 'SCJG', ago(0)),
        rated('W04', 'SCJG', new Date(movedAt - HOUR).toISOString()),
        rated('W04', 'SCJG', new Date(movedAt + HOUR).toISOString()),
        rated('W04', 'GA', ago(0)),
      ],
      w04,
    );
    expect(outcomes(res)).toEqual(['rejected:scope_department', 'accepted', 'accepted', 'accepted']);
  });

  it('writes a stray press with the department its window had when it was pressed', async () => {
    expect((await h.admin('POST', '/windows', { code: 'W05', name: '5', departmentCode: 'SCJG' })).statusCode).toBe(
      201,
    );
    const w05 = await h.enrol({ mode: 'window', windowCode: 'W05', name: '5号窗口' });
    expect((await h.admin('PATCH', '/windows/W05', { departmentCode: 'GA' })).statusCode).toBe(200);
    const before = strayPress({ at: ago(HOUR) });
    const after = strayPress({ at: ago(0) });
    expect(outcomes(await send([before, after], w05))).toEqual(['accepted', 'accepted']);
    const rows = await h.db.query<{ id: string; department_code: string }>(
      'SELECT id::text AS id, department_code FROM stray_presses WHERE id = ANY($1::uuid[])',
      [[before.id, after.id]],
    );
    expect(Object.fromEntries(rows.map((r) => [r.id, r.department_code]))).toEqual({
      [before.id]: 'SCJG',
      [after.id]: 'GA',
    });
  });

  it("refuses a follow-up to another device's evaluation, and takes one whose evaluation is not there yet", async () => {
    const w02 = await h.enrol({ mode: 'window', windowCode: 'W02', name: '2号窗口' });
    const followup = (evaluationId: string) => ({
      kind: 'followup',
      id: uuidv7(),
      evaluationId,
      reasonTags: ['attitude'],
      callbackPhone: '13800138000',
      comment: '态度差',
      at: new Date().toISOString(),
    });
    const theirs = evaluation();
    expect(outcomes(await send([theirs]))).toEqual(['accepted']);
    const planted = followup(theirs.id);
    const ahead = followup(uuidv7());
    const res = await send([planted, ahead], w02);
    expect(outcomes(res)).toEqual(['rejected:scope_evaluation', 'accepted']);
    expect(await stored([planted.id])).toBe(0);
    expect((await fleet(w02.id)).rejectedByCode.scope_evaluation).toBe(1);
    // Its own evaluation in the same batch, even listed after the follow-up: the evaluation is written first.
    const mine = evaluation({ windowCode: 'W02', departmentCode: 'GA', staffNo: '3001', serviceItemCode: null });
    const own = followup(mine.id);
    expect(outcomes(await send([own, mine], w02))).toEqual(['accepted', 'accepted']);
    expect(await h.count(`followups WHERE evaluation_id = '${mine.id}'`)).toBe(1);
  });
});
