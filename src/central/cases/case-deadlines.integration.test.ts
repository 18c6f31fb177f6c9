/**
 * Integration (real PostgreSQL, the centre's seeded calendar): the deadlines of cases across the 2026 National Day
 * holiday (10-01..07 off, the 调休 Sunday 09-20 and Saturday 10-10 worked, 中秋 09-25..27 off) and into 2027, a year
 * the calendar (chinese-days 1.5.7) lacks. The centre's clock for cases is set by the test (CentralApiOptions.clock);
 * the expected days are counted by hand from the State Council's arrangement, not by the code under test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseCounts, CaseDetail, CasePage } from '../../shared/cases-api.js';
import { startHarness, type Harness, type Kiosk } from '../test-support/api-harness.js';
import { deliverBadRating, deliverTriageCase, signInPeople, type People } from './test-support/case-fixtures.js';

/** An instant in Beijing wall-clock time. */
const beijing = (wallClock: string) => new Date(`${wallClock}+08:00`);
/** The end of a Beijing day, as a deadline on it is due. */
const endOf = (day: string) => new Date(Date.parse(`${day}T00:00:00+08:00`) + 86_400_000).toISOString();

describe('case deadlines on the working-day calendar', () => {
  let h: Harness;
  let p: People;
  let terminal: Kiosk;
  let now = beijing('2026-09-30T10:00:00');

  const detail = async (id: string) => (await p.detail('supervisor', id)).json<CaseDetail>();
  const triageCase = () => deliverTriageCase(h, terminal);

  beforeAll(async () => {
    h = await startHarness(undefined, { clock: () => now });
    p = await signInPeople(h);
    terminal = await h.enrol({ mode: 'terminal', name: '大厅评价终端' });
  });
  afterAll(() => h.close());

  it('counts 核实 from the eve of National Day to the first working day after it, 核实中 onto the 调休 Saturday, and 限期整改 15 working days from creation', async () => {
    now = beijing('2026-09-30T10:00:00');
    const { item } = await deliverBadRating(h);
    expect(item).toMatchObject({ state: 'assigned', dueAt: endOf('2026-10-08'), deadlineUncovered: false });
    expect((await detail(item.id)).deadlineDay).toBe('2026-10-08');

    now = beijing('2026-10-08T09:00:00');
    let d = await p.move('scjg', item.id, 'contact', { method: 'phone', note: '节后联系' });
    // 10-09 (Fri) is the first, 10-10 (Sat, 调休) the second working day.
    expect(d).toMatchObject({ state: 'verifying', deadlineDay: '2026-10-10', dueAt: endOf('2026-10-10') });

    now = beijing('2026-10-09T15:00:00');
    d = await p.move('scjg', item.id, 'rectify', { note: '整改', promisedBy: '2026-10-20' });
    // From 09-30: 10-08, 09, 10, 12, 13, 14, 15, 16, 19, 20, 21, 22, 23, 26, 27.
    expect(d).toMatchObject({ state: 'rectifying', deadlineDay: '2026-10-27', dueAt: endOf('2026-10-27') });
    // Left after 10-09: 10-10, 12–16, 19–23, 26, 27.
    expect(d.workingDaysLeft).toBe(13);

    d = await p.move('scjg', item.id, 'request_extension', { note: '需采购设备', newDueDay: '2026-11-20' });
    expect(d.deadlineDay).toBe('2026-10-27');
    d = await p.move('supervisor', item.id, 'approve_extension', {});
    expect(d).toMatchObject({ deadlineDay: '2026-11-20', dueAt: endOf('2026-11-20'), extensionPending: false });
  });

  it('dues a case in 待分派 made on a Saturday on the 调休 Sunday after it, and one made in 中秋 on the Monday after', async () => {
    now = beijing('2026-09-19T11:00:00');
    expect((await triageCase()).dueAt).toBe(endOf('2026-09-20'));
    now = beijing('2026-09-25T11:00:00');
    expect((await triageCase()).dueAt).toBe(endOf('2026-09-28'));
    // A working day: the same day.
    now = beijing('2026-09-29T11:00:00');
    expect((await triageCase()).dueAt).toBe(endOf('2026-09-29'));
  });

  it('flags a case due soon once no working day is left before its deadline, and overdue once it has passed', async () => {
    now = beijing('2026-09-30T10:00:00');
    const { item } = await deliverBadRating(h);
    expect(item).toMatchObject({ dueAt: endOf('2026-10-08'), dueSoon: false, overdue: false });
    const ids = async (query: string) =>
      (await p.request('supervisor', 'GET', `/cases?limit=200&${query}`)).json<CasePage>().items.map((i) => i.id);

    // In the holiday: 09-30 was the last working day before 10-08, so the warning is due.
    now = beijing('2026-10-05T10:00:00');
    expect(await detail(item.id)).toMatchObject({ dueSoon: true, overdue: false, workingDaysLeft: 1 });
    expect(await ids('dueSoon=true')).toContain(item.id);
    expect(await ids('overdue=true')).not.toContain(item.id);
    const soon = (await p.request('supervisor', 'GET', '/cases/counts')).json<CaseCounts>();
    expect(soon.dueSoon).toBeGreaterThanOrEqual(1);

    now = beijing('2026-10-09T10:00:00');
    expect(await detail(item.id)).toMatchObject({ dueSoon: false, overdue: true, workingDaysLeft: -1 });
    expect(await ids('overdue=true')).toContain(item.id);
    expect(await ids('overdue=false')).not.toContain(item.id);
    expect(await ids('dueSoon=true')).not.toContain(item.id);
    const counts = (await p.request('supervisor', 'GET', '/cases/counts')).json<CaseCounts>();
    expect(counts.overdue).toBeGreaterThanOrEqual(1);

    // Overdue is a flag of the current deadline: the next state's own deadline clears it.
    now = beijing('2026-10-09T11:00:00');
    await p.move('scjg', item.id, 'contact', { method: 'phone', note: 'x' });
    expect(await detail(item.id)).toMatchObject({ overdue: false, state: 'verifying' });
  });

  it('says so when a deadline is counted into 2027, which the calendar lacks', async () => {
    now = beijing('2026-12-30T10:00:00');
    const covered = (await deliverBadRating(h)).item;
    expect(covered).toMatchObject({ dueAt: endOf('2026-12-31'), deadlineUncovered: false });

    now = beijing('2026-12-31T10:00:00');
    const { item } = await deliverBadRating(h);
    // 2027-01-01 is a Friday: without 2027's arrangement only weekends are skipped, and the case says so.
    expect(item).toMatchObject({ dueAt: endOf('2027-01-01'), deadlineUncovered: true });
    await p.move('scjg', item.id, 'contact', { method: 'phone', note: 'x' });
    const d = await p.move('scjg', item.id, 'rectify', { note: 'x', promisedBy: '2027-01-10' });
    expect(d).toMatchObject({ state: 'rectifying', deadlineUncovered: true });
    expect(d.deadlineDay! > '2027-01-01').toBe(true);
    const listed = (await p.request('supervisor', 'GET', '/cases?limit=200')).json<CasePage>();
    expect(listed.items.find((i) => i.id === item.id)?.deadlineUncovered).toBe(true);
  });
});
