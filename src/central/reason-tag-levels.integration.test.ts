/**
 * Integration (real PostgreSQL): reason tags per level (配置). A tag names the levels it is offered after (the
 * two of 差评 when it names none); a kiosk, which asks for reasons only after a 差评, is sent exactly the tags of
 * either of those levels; levels outside the five, repeated or none are refused with a clear 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support/api-harness.js';

describe('reason tags per level', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const tagsOfKiosk = async () =>
    (await h.device('GET', '/api/v1/device/config'))
      .json<{ reasonTags: { code: string }[] }>()
      .reasonTags.map((t) => t.code);

  it('offers a kiosk the tags of 差评 levels only, and the two of 差评 by default', async () => {
    expect((await h.admin('POST', '/reason-tags', { code: 'slow', label: '等候太久' })).json()).toMatchObject({
      levels: [2, 1],
    });
    expect((await h.admin('POST', '/reason-tags', { code: 'rude', label: '态度生硬', levels: [1] })).statusCode).toBe(
      201,
    );
    expect(
      (await h.admin('POST', '/reason-tags', { code: 'warm', label: '热情周到', levels: [5, 4] })).statusCode,
    ).toBe(201);
    const codes = await tagsOfKiosk();
    expect(codes).toEqual(expect.arrayContaining(['slow', 'rude']));
    expect(codes).not.toContain('warm');

    // A tag moved to the good levels leaves the kiosks' list.
    expect((await h.admin('PATCH', '/reason-tags/slow', { levels: [3] })).json()).toMatchObject({ levels: [3] });
    expect(await tagsOfKiosk()).not.toContain('slow');
  });

  it('refuses levels outside the five, repeated or none', async () => {
    for (const levels of [[6], [0], [1, 1], [], ['2'], [2.5]]) {
      const res = await h.admin('POST', '/reason-tags', { code: 'bad', label: '不行', levels });
      expect(res.statusCode, JSON.stringify(levels)).toBe(400);
      expect(res.json<{ error: string }>().error).toBe('invalid_request');
    }
    expect((await h.admin('PATCH', '/reason-tags/rude', { levels: [] })).statusCode).toBe(400);
  });
});
