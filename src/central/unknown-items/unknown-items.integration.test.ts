/**
 * Integration (real PostgreSQL): 未知事项 (issue 18). A kiosk's rating that carries an item code the catalogue does
 * not hold is kept with the code apart and no item, so no report counts it as an item of its own; the admin's list
 * shows the code with its count; a mapping files its ratings under a real item, audited, and ingest files later
 * ones the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvaluationPage } from '../../shared/evaluations-api.js';
import type { UnknownItem } from '../../shared/unknown-items.js';
import { batch, evaluation, outcomes, startHarness, type Harness } from '../test-support/api-harness.js';

describe('未知事项 on PostgreSQL', () => {
  let h: Harness;
  const deliver = async (records: unknown[]) =>
    outcomes(await h.device('POST', '/api/v1/device/records', batch(records)));
  const unknownItems = async () => (await h.admin('GET', '/unknown-items')).json<UnknownItem[]>();
  const filed = (id: string) =>
    h.db.query<{ item: string | null; unknown: string | null }>(
      'SELECT service_item_code AS item, unknown_item_code AS unknown FROM evaluations WHERE id = $1',
      [id],
    );

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const good = evaluation({ serviceItemCode: 'BJ-9999', unknownItem: true });
  const bad = evaluation({ serviceItemCode: 'BJ-9999', unknownItem: true, satisfaction: 1 });

  it('keeps the code apart from the items: no item, the code in unknown_item_code, a 差评 case all the same', async () => {
    expect(await deliver([good, bad, evaluation()])).toEqual(['accepted', 'accepted', 'accepted']);
    expect(await filed(good.id)).toEqual([{ item: null, unknown: 'BJ-9999' }]);
    expect(await h.count(`cases WHERE evaluation_id = '${bad.id}' AND service_item_code IS NULL`)).toBe(1);
    expect(await unknownItems()).toEqual([
      { code: 'BJ-9999', ratings: 2, firstAt: expect.any(String) as unknown, lastAt: expect.any(String) as unknown },
    ]);
    const listed = (await h.admin('GET', '/evaluations?unknownItemCode=BJ-9999')).json<EvaluationPage>();
    expect(listed.items.map((e) => [e.serviceItemCode, e.unknownItemCode]).sort()).toEqual([
      [null, 'BJ-9999'],
      [null, 'BJ-9999'],
    ]);
    // The statistics by item know only the catalogue's items.
    const stats = await h.admin('GET', '/stats?groupBy=serviceItem');
    expect(stats.statusCode, stats.body).toBe(200);
    expect(stats.body).not.toContain('BJ-9999');
  });

  it('a code the catalogue holds is filed as it is, whatever the kiosk thought', async () => {
    const stale = evaluation({ serviceItemCode: 'SC-0001', unknownItem: true });
    expect(await deliver([stale])).toEqual(['accepted']);
    expect(await filed(stale.id)).toEqual([{ item: 'SC-0001', unknown: null }]);
  });

  it('refuses a mapping to no item, of a catalogue item, of a code no rating carries, or a body of null', async () => {
    const map = (code: string, body: unknown) =>
      h.admin('POST', `/unknown-items/${encodeURIComponent(code)}/map`, body);
    expect((await map('BJ-9999', { serviceItemCode: 'NOPE' })).json()).toMatchObject({ error: 'unknown_service_item' });
    expect((await map('SC-0001', { serviceItemCode: 'SC-0001' })).json()).toMatchObject({ error: 'item_exists' });
    expect((await map('NOBODY', { serviceItemCode: 'SC-0001' })).statusCode).toBe(404);
    const nul = await h.admin('POST', '/unknown-items/BJ-9999/map', null);
    expect([nul.statusCode, nul.json<{ error: string }>().error]).toEqual([400, 'invalid_request']);
    expect(await h.count('service_item_aliases')).toBe(0);
    expect(await h.count("evaluations WHERE unknown_item_code = 'BJ-9999' AND service_item_code IS NULL")).toBe(2);
  });

  it('maps the code: its ratings filed under the item, audited, the list empty, later ratings filed at once', async () => {
    const res = await h.admin('POST', '/unknown-items/BJ-9999/map', { serviceItemCode: 'SC-0001' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ code: 'BJ-9999', serviceItemCode: 'SC-0001', ratings: 2 });
    expect(await filed(good.id)).toEqual([{ item: 'SC-0001', unknown: 'BJ-9999' }]);
    expect(await h.count("audit_log WHERE action = 'catalogue.item_mapped' AND target = 'BJ-9999'")).toBe(1);
    expect(await unknownItems()).toEqual([]);
    const later = evaluation({ serviceItemCode: 'BJ-9999', unknownItem: true });
    expect(await deliver([later])).toEqual(['accepted']);
    expect(await filed(later.id)).toEqual([{ item: 'SC-0001', unknown: null }]);
    // Mapping again to the same item is a no-op; to another one, a conflict.
    expect((await h.admin('POST', '/unknown-items/BJ-9999/map', { serviceItemCode: 'SC-0001' })).json()).toMatchObject({
      ratings: 0,
    });
    await h.admin('POST', '/service-items', { code: 'SC-0002', name: '变更登记', departmentCode: 'SCJG' });
    expect((await h.admin('POST', '/unknown-items/BJ-9999/map', { serviceItemCode: 'SC-0002' })).json()).toMatchObject({
      error: 'already_mapped',
    });
  });
});
