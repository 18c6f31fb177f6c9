/**
 * Integration (real PostgreSQL): cancelling cannot hide a bad rating in the statistics (issue 13, item 8). Every
 * grouping counts cancelled invitations (`cancelled`, `cancelRate` over all invitations of the group) and stray
 * presses beside the ratings, and the evaluation list filters by outcome.
 */
import type { StatsRow } from '../../shared/evaluations-api.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelRate } from '../../shared/figures.js';
import { batch, evaluation, outcomes, startHarness, strayPress, type Harness } from '../test-support/api-harness.js';

type Group = Omit<StatsRow, 'counts'>;

describe('statistics count cancellations and stray presses', () => {
  let h: Harness;
  let w02: Awaited<ReturnType<Harness['enrol']>>;

  beforeAll(async () => {
    h = await startHarness();
    w02 = await h.enrol({ mode: 'window', windowCode: 'W02', name: '2号窗口' });
    // Staff 1001 at W01: 2 rated (one 非常不满意), 3 cancelled, 1 unrated, and 2 stray presses.
    const cancelled = { outcome: 'cancelled', satisfaction: null, source: null };
    const w01 = await h.device(
      'POST',
      '/api/v1/device/records',
      batch([
        evaluation({ satisfaction: 5 }),
        evaluation({ satisfaction: 1 }),
        evaluation(cancelled),
        evaluation(cancelled),
        evaluation(cancelled),
        evaluation({ outcome: 'unrated', satisfaction: null, source: null }),
        strayPress(),
        strayPress({ shiftId: null, staffNo: null }),
      ]),
    );
    expect(outcomes(w01)).toEqual(Array(8).fill('accepted'));
    // Staff 3001 at W02 (GA): one rated, no cancellation, one stray press.
    const other = { staffNo: '3001', windowCode: 'W02', departmentCode: 'GA', serviceItemCode: null };
    const res = await h.device(
      'POST',
      '/api/v1/device/records',
      batch([evaluation({ ...other, satisfaction: 4 }), strayPress({ staffNo: '3001' })]),
      w02,
    );
    expect(outcomes(res)).toEqual(['accepted', 'accepted']);
  });
  afterAll(() => h.close());

  const stats = async (groupBy: string) =>
    (await h.admin('GET', `/stats?groupBy=${groupBy}`)).json<{ groups: Group[] }>().groups;

  it.each([
    ['staff', '1001', '3001'],
    ['window', 'W01', 'W02'],
    ['department', 'SCJG', 'GA'],
  ])('per %s: cancelled, cancelRate over all invitations, and stray presses', async (groupBy, mine, theirs) => {
    const groups = await stats(groupBy);
    const of = (key: string) => groups.find((g) => g.key === key)!;
    expect(of(mine)).toMatchObject({
      invitations: 6,
      rated: 2,
      unrated: 1,
      cancelled: 3,
      cancelRate: 0.5,
      bad: 1,
      badRate: 0.5,
      // Per staff, the press outside a shift (no staff number) is not this staff member's.
      strayPresses: groupBy === 'staff' ? 1 : 2,
    });
    expect(of(theirs)).toMatchObject({ invitations: 1, cancelled: 0, cancelRate: 0, strayPresses: 1 });
    if (groupBy === 'staff') expect(groups.find((g) => g.key === null)).toMatchObject({ strayPresses: 1 });
  });

  it('per service item: cancellations counted, stray presses not applicable', async () => {
    const item = (await stats('serviceItem')).find((g) => g.key === 'SC-0001')!;
    expect(item).toMatchObject({ cancelled: 3, invitations: 6, strayPresses: null });
  });

  it('declares the rate once: cancelled over all invitations, none without invitations', () => {
    expect([cancelRate(3, 6), cancelRate(0, 0)]).toEqual([0.5, null]);
  });

  it('lists the cancelled evaluations on their own', async () => {
    const page = (await h.admin('GET', '/evaluations?outcome=cancelled')).json<{
      items: { outcome: string; staffNo: string }[];
    }>();
    expect(page.items).toHaveLength(3);
    expect(page.items.every((i) => i.outcome === 'cancelled' && i.staffNo === '1001')).toBe(true);
    expect((await h.admin('GET', '/evaluations?outcome=deleted')).statusCode).toBe(400);
  });
});
