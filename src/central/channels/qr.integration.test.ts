/**
 * The QR rating page (issue 17) on a real PostgreSQL through the whole Fastify stack, with tokens signed by an
 * enrolled kiosk's real key: a citizen rates a service the kiosk's record of which has not arrived (it joins when
 * it does), and the same code then says 已评价; forged, tampered, expired, unknown-device, revoked-device and
 * replayed tokens are refused with a page that says why, and write nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceIdentity } from '../../common/device-identity.js';
import { uuidv7 } from '../../common/ids.js';
import type { QrToken } from '../../common/qr-token.js';
import { tempDir } from '../../common/test-support/temp-dir.js';
import { batch, evaluation, startHarness, type Harness, type Kiosk } from '../test-support/api-harness.js';
import { applyDefaults } from './defaults.js';

const DAY = 86_400_000;

describe('the QR rating page', () => {
  let h: Harness;

  const tokenOf = (kiosk: Kiosk, overrides: Partial<QrToken> = {}) => {
    const token: QrToken = {
      recordId: uuidv7(),
      deviceId: kiosk.id,
      expiresAt: new Date(Date.now() + 7 * DAY),
      serviceItemCode: 'SC-0001',
      departmentCode: 'SCJG',
      windowCode: 'W01',
      staffNo: '1001',
      ...overrides,
    };
    return { token, text: kiosk.identity.signQr(token) };
  };
  const open = (text: string, query = '') => h.app.inject({ method: 'GET', url: `/r/${text}${query}` });
  const post = (text: string, fields: [string, string][], remoteAddress = '127.0.0.1') =>
    h.app.inject({
      method: 'POST',
      url: `/r/${text}`,
      remoteAddress,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
  const qrRatings = () => h.count(`evaluations WHERE channel = 'qr_code'`);

  beforeAll(async () => {
    h = await startHarness();
    const tag = await h.admin('POST', '/reason-tags', { code: 'attitude', label: '服务态度', levels: [1, 2] });
    expect(tag.statusCode).toBe(201);
  });
  afterAll(() => h.close());

  it('rates a service before the kiosk’s record arrives, joins it when it does, and says 已评价 after', async () => {
    const { token, text } = tokenOf(h.kiosk);
    const levels = await open(text);
    expect(levels.statusCode).toBe(200);
    expect(levels.headers['content-type']).toContain('text/html');
    expect(levels.body).toContain('个体工商户设立登记');
    expect(levels.body).toContain('1号窗口');
    for (const label of ['非常满意', '满意', '基本满意', '不满意', '非常不满意']) expect(levels.body).toContain(label);
    expect(levels.body).not.toContain('<script');

    const details = await open(text, '?level=2');
    expect(details.body).toContain('服务态度');
    expect(details.body).toContain('第五条');

    const thanks = await post(text, [
      ['level', '2'],
      ['tag', 'attitude'],
      ['comment', '等了很久'],
      ['phone', '13912345678'],
    ]);
    expect([thanks.statusCode, thanks.body.includes('感谢您的评价')]).toEqual([200, true]);
    const [rated] = await h.db.query<{
      id: string;
      satisfaction: number;
      department_code: string;
      staff_no: string;
      service: string;
    }>(
      `SELECT e.id::text, e.satisfaction, e.department_code, e.staff_no, s.kiosk_record_id::text AS service
         FROM evaluations e JOIN services s ON s.id = e.service_id WHERE e.channel = 'qr_code'`,
    );
    // Counted for the staff member who served, whose number the kiosk signed into the code.
    expect(rated).toMatchObject({
      satisfaction: 2,
      department_code: 'SCJG',
      staff_no: '1001',
      service: token.recordId,
    });
    const [c] = await h.db.query<{ department_code: string; channel: string }>(
      'SELECT department_code, channel FROM cases WHERE evaluation_id = $1',
      [rated!.id],
    );
    expect(c).toEqual({ department_code: 'SCJG', channel: 'qr_code' });
    expect(await h.count(`evaluations WHERE position('13912345678' in encode(rater_sealed, 'escape')) > 0`)).toBe(0);

    // The kiosk comes back online and delivers its record of the service: unrated, as it ended at the counter.
    const kioskRecord = evaluation({ id: token.recordId, outcome: 'unrated', satisfaction: null, source: null });
    const delivered = await h.device('POST', '/api/v1/device/records', batch([kioskRecord]));
    expect(delivered.json<{ results: { status: string }[] }>().results[0]!.status).toBe('accepted');
    const [joined] = await h.db.query<{ outcome: string; rating: number }>(
      `SELECT k.outcome, q.satisfaction AS rating FROM evaluations k
         JOIN services s ON s.kiosk_record_id = k.id JOIN evaluations q ON q.service_id = s.id WHERE k.id = $1`,
      [token.recordId],
    );
    expect(joined).toEqual({ outcome: 'unrated', rating: 2 });

    for (const again of [await open(text), await post(text, [['level', '5']])]) {
      expect([again.statusCode, again.body.includes('已评价')]).toEqual([200, true]);
    }
    expect(await qrRatings()).toBe(1);
  });

  it('says 已评价 for a service the counter rated', async () => {
    const { token, text } = tokenOf(h.kiosk);
    await h.device('POST', '/api/v1/device/records', batch([evaluation({ id: token.recordId })]));
    expect((await open(text)).body).toContain('已评价');
    expect(
      (
        await post(text, [
          ['level', '1'],
          ['comment', '差'],
        ])
      ).body,
    ).toContain('已评价');
  });

  it('refuses forged, tampered, expired, unknown-device and revoked-device tokens, and writes nothing', async () => {
    const before = await qrRatings();
    const stranger = { id: h.kiosk.id, identity: DeviceIdentity.create(tempDir('hcp-qr-stranger-').path) };
    const forged = tokenOf(stranger).text;
    const good = tokenOf(h.kiosk).text;
    const tampered = `${good.slice(0, 10)}${good[10] === 'A' ? 'B' : 'A'}${good.slice(11)}`;
    const expired = tokenOf(h.kiosk, { expiresAt: new Date(Date.now() - 1000) }).text;
    const unknown = tokenOf({ ...stranger, id: uuidv7() }).text;
    const other = await h.enrol({ mode: 'window', windowCode: 'W02', name: '2号窗口' });
    const revokedToken = tokenOf(other, { windowCode: 'W02', departmentCode: 'GA', serviceItemCode: null }).text;
    expect((await open(revokedToken)).statusCode).toBe(200);
    expect((await h.admin('POST', `/devices/${other.id}/revoke`)).statusCode).toBe(200);
    const cases: [string, number, string][] = [
      [forged, 403, '不是本中心的终端生成的'],
      [tampered, 403, '二维码无效'],
      [expired, 403, '已经过期'],
      [unknown, 403, '未在本中心登记'],
      [revokedToken, 403, '已停用'],
      ['not-a-token', 400, '无法识别'],
    ];
    for (const [text, status, words] of cases) {
      for (const [how, res] of [
        ['GET', await open(text)],
        ['POST', await post(text, [['level', '5']])],
      ] as const) {
        expect([res.statusCode, res.body.includes(words)], `${how} ${text.slice(0, 20)}`).toEqual([status, true]);
      }
    }
    expect((await open('x'.repeat(2000))).statusCode).toBe(414); // longer than any token: URI too long
    expect(await qrRatings()).toBe(before);
  });

  it('asks a 差评 for a reason, escapes what it shows back, and limits the posts of one token', async () => {
    const { text } = tokenOf(h.kiosk);
    const bare = await post(text, [['level', '1']]);
    expect([bare.statusCode, bare.body.includes('请选择一个原因')]).toEqual([400, true]);
    const hostile = await post(text, [
      ['level', '2'],
      ['comment', `<script>alert(1)</script>${'长'.repeat(600)}`],
      ['tag', 'attitude'],
      ['tag', '" onmouseover="x'],
      ['phone', '<b>'],
    ]);
    expect(hostile.statusCode).toBe(400);
    expect(hostile.body).not.toContain('<script>alert');
    expect(hostile.body).toContain('&lt;script&gt;');
    const badPhone = await post(text, [
      ['level', '4'],
      ['phone', 'call me'],
    ]);
    expect([badPhone.statusCode, badPhone.body.includes('电话号码')]).toEqual([400, true]);
    const limited: number[] = [];
    for (let i = 0; i < 10; i++) limited.push((await post(text, [['level', '1']])).statusCode);
    expect(limited.at(-1)).toBe(429);
    expect(
      await h.count(`services WHERE kiosk_record_id IS NOT NULL AND NOT EXISTS
      (SELECT 1 FROM evaluations e WHERE e.service_id = services.id)`),
    ).toBe(0);
  });

  it('puts the kiosk’s unrated service on the 7-day default’s queue, unless its QR code rated it; defaults it once', async () => {
    const ended = new Date(Date.now() - 60_000);
    const unrated = (id: string) =>
      evaluation({ id, outcome: 'unrated', satisfaction: null, source: null, endedAt: ended.toISOString() });
    // From a phone of its own: the earlier tests used up the test address's posts this minute.
    const PHONE = '127.0.0.9';
    const nobody = tokenOf(h.kiosk);
    const byPhone = tokenOf(h.kiosk);
    const send = async (record: Record<string, unknown>) =>
      (await h.device('POST', '/api/v1/device/records', batch([record]))).json<{ results: { status: string }[] }>()
        .results[0]!.status;

    expect(await send(unrated(nobody.token.recordId))).toBe('accepted');
    expect(await send(unrated(nobody.token.recordId))).toBe('duplicate');
    const awaiting = () =>
      h.db.query<{ channel: string; registeredBy: string; dueAt: Date }>(
        `SELECT s.channel, s.registered_by AS "registeredBy", a.due_at AS "dueAt"
           FROM services s JOIN services_awaiting a ON a.service_id = s.id WHERE s.kiosk_record_id = $1`,
        [nobody.token.recordId],
      );
    expect(await awaiting()).toEqual([
      { channel: 'hall_window', registeredBy: 'kiosk', dueAt: new Date(ended.getTime() + 7 * DAY) },
    ]);

    // Delivered, then rated on the phone: off the queue. Rated on the phone first, then delivered: never on it.
    expect(await send(unrated(byPhone.token.recordId))).toBe('accepted');
    expect((await post(byPhone.text, [['level', '4']], PHONE)).statusCode).toBe(200);
    const late = tokenOf(h.kiosk);
    expect((await post(late.text, [['level', '5']], PHONE)).statusCode).toBe(200);
    expect(await send(unrated(late.token.recordId))).toBe('accepted');
    const queued = (id: string) =>
      h.count(`services_awaiting a JOIN services s ON s.id = a.service_id WHERE s.kiosk_record_id = '${id}'`);
    expect([await queued(byPhone.token.recordId), await queued(late.token.recordId)]).toEqual([0, 0]);

    expect((await applyDefaults(h.db, new Date(ended.getTime() + 7 * DAY - 1000))).defaulted).toBe(0);
    const due = new Date(ended.getTime() + 7 * DAY + 1000);
    expect((await applyDefaults(h.db, due)).defaulted).toBeGreaterThanOrEqual(1);
    expect((await applyDefaults(h.db, due)).defaulted).toBe(0);
    const ratings = (id: string) =>
      h.db.query<{ channel: string; satisfaction: number }>(
        `SELECT e.channel, e.satisfaction FROM evaluations e JOIN services s ON s.id = e.service_id
          WHERE s.kiosk_record_id = $1`,
        [id],
      );
    expect(await ratings(nobody.token.recordId)).toEqual([{ channel: 'system_default', satisfaction: 3 }]);
    expect(await ratings(byPhone.token.recordId)).toEqual([{ channel: 'qr_code', satisfaction: 4 }]);
    expect(await ratings(late.token.recordId)).toEqual([{ channel: 'qr_code', satisfaction: 5 }]);
  });

  it('takes one batch of unrated records and 差评 together: each unrated one queued, each 差评 its case', async () => {
    const ended = new Date(Date.now() - 1000).toISOString();
    const unrated = [uuidv7(), uuidv7()].map((id) =>
      evaluation({ id, outcome: 'unrated', satisfaction: null, source: null, endedAt: ended }),
    );
    const bad = [1, 2].map((level) => evaluation({ satisfaction: level }));
    const res = await h.device('POST', '/api/v1/device/records', batch([unrated[0], bad[0], unrated[1], bad[1]]));
    expect(res.json<{ results: { status: string }[] }>().results.map((r) => r.status)).toEqual([
      'accepted',
      'accepted',
      'accepted',
      'accepted',
    ]);
    const ids = (records: { id: string }[]) => `(${records.map((r) => `'${r.id}'`).join(', ')})`;
    expect(
      await h.count(
        `services_awaiting a JOIN services s ON s.id = a.service_id WHERE s.kiosk_record_id IN ${ids(unrated)}`,
      ),
    ).toBe(2);
    expect(await h.count(`cases WHERE evaluation_id IN ${ids(bad)}`)).toBe(2);
    expect(await h.count(`services WHERE kiosk_record_id IN ${ids(bad)}`)).toBe(0);
  });
});
