/**
 * Integration (real PostgreSQL): what the fleet list shows of each kiosk (issue 13, items 3, 4
 * and 6): the key map in force and where it came from, the last reconciliation, the last key test; the key map a
 * record was read with when a technician's local one was in force; key-test records taken exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../common/ids.js';
import type { DevicePage } from '../shared/fleet-api.js';
import { batch, evaluation, outcomes, startHarness, strayPress, type Harness } from './test-support/api-harness.js';

const heartbeat = (extra: Record<string, unknown> = {}) => ({
  version: '0.1.0',
  queueDepth: 0,
  oldestPendingAt: null,
  evaluator: { state: 'connected', kind: 'serial' },
  ...extra,
});

describe('the fleet on PostgreSQL', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const mine = async () =>
    (await h.admin('GET', '/devices?limit=500')).json<DevicePage>().items.find((d) => d.id === h.kiosk.id)!;

  it("shows the heartbeat's key map in force, its source and the last reconciliation", async () => {
    const reconciled = '2026-11-30T02:00:00.000Z';
    const res = await h.device(
      'POST',
      '/api/v1/device/heartbeat',
      heartbeat({ keyMap: { map: [1, 2, 3, 4, 5], source: 'local' }, lastReconciledAt: reconciled }),
    );
    expect(res.statusCode).toBe(200);
    const shown = await mine();
    expect(shown).toMatchObject({ keyMap: [1, 2, 3, 4, 5], keyMapSource: 'local' });
    expect(Date.parse(shown.lastReconciledAt!)).toBe(Date.parse(reconciled));
    // An older kiosk's heartbeat says neither: what the centre knew stays.
    await h.device('POST', '/api/v1/device/heartbeat', heartbeat());
    expect(await mine()).toMatchObject({ keyMap: [1, 2, 3, 4, 5], keyMapSource: 'local' });
    // A map that is not a permutation of the five levels is refused, and changes nothing.
    const bad = await h.device(
      'POST',
      '/api/v1/device/heartbeat',
      heartbeat({ keyMap: { map: [5, 5, 5, 5, 5], source: 'local' } }),
    );
    expect(bad.statusCode).toBe(400);
    expect((await mine()).keyMap).toEqual([1, 2, 3, 4, 5]);
  });

  it('stores the local key map a rating and a stray press were read with, and none under the centre’s', async () => {
    const local = evaluation({ localKeyMap: [1, 2, 3, 4, 5] });
    const central = evaluation();
    const press = strayPress({ localKeyMap: [2, 1, 3, 4, 5] });
    const res = await h.device('POST', '/api/v1/device/records', batch([local, central, press]));
    expect(outcomes(res)).toEqual(['accepted', 'accepted', 'accepted']);
    const rows = await h.db.query<{ id: string; local_key_map: number[] | null }>(
      `SELECT id::text AS id, local_key_map FROM evaluations WHERE id = ANY($1::uuid[])
       UNION ALL SELECT id::text, local_key_map FROM stray_presses WHERE id = $2`,
      [[local.id, central.id], press.id],
    );
    const of = (id: string) => rows.find((r) => r.id === id)!.local_key_map;
    expect([of(local.id), of(central.id), of(press.id)]).toEqual([[1, 2, 3, 4, 5], null, [2, 1, 3, 4, 5]]);
    const listed = (await h.admin('GET', '/evaluations?limit=1000')).json<{
      items: { id: string; localKeyMap: number[] | null }[];
    }>();
    expect(listed.items.find((i) => i.id === local.id)!.localKeyMap).toEqual([1, 2, 3, 4, 5]);
    const rogue = await h.device(
      'POST',
      '/api/v1/device/records',
      batch([evaluation({ localKeyMap: [5, 5, 5, 5, 5] })]),
    );
    expect(outcomes(rogue)).toEqual(['rejected:invalid_record']);
  });

  it('takes a key-test record exactly once, into the ledger, and shows the last one per device', async () => {
    const test = (endedAt: string, presses: number) => ({
      kind: 'key_test',
      id: uuidv7(),
      startedAt: new Date(Date.parse(endedAt) - 60_000).toISOString(),
      endedAt,
      endedBy: 'timeout',
      presses,
    });
    const older = test('2026-11-30T08:00:00.000Z', 3);
    const newer = test('2026-11-30T09:00:00.000Z', 12);
    const body = batch([older, newer]);
    expect(outcomes(await h.device('POST', '/api/v1/device/records', body))).toEqual(['accepted', 'accepted']);
    expect(outcomes(await h.device('POST', '/api/v1/device/records', body))).toEqual(['duplicate', 'duplicate']);
    expect(await h.count(`key_tests WHERE id IN ('${older.id}', '${newer.id}')`)).toBe(2);
    expect(await h.count(`records WHERE kind = 'key_test' AND id IN ('${older.id}', '${newer.id}')`)).toBe(2);
    const last = (await mine()).lastKeyTest!;
    expect([Date.parse(last.endedAt), last.presses, last.endedBy]).toEqual([Date.parse(newer.endedAt), 12, 'timeout']);
  });
});
