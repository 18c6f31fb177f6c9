/**
 * The QR code of a service nobody rated at the counter (issue 17): on the citizen screen (and no other) for a
 * rating window after the invitation ends unrated, in either mode, and from the local API for the receipt as the
 * service ends. The token is checked with the device's public key as the centre checks it: it names the service,
 * this kiosk as the centre knows it, the codes, who served and a 7-day expiry. An open, rated or cancelled service,
 * and a kiosk not enrolled, get none.
 */
import { createPublicKey } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceIdentity } from '../common/device-identity.js';
import { uuidv7 } from '../common/ids.js';
import { qrSignatureHolds, readQrToken } from '../common/qr-token.js';
import type { RatingQrView } from '../shared/local-api.js';
import { buildLocalApi } from './api/local-api.js';
import { RECEIPT_QR_MS, type KioskService } from './kiosk-service.js';
import { ratingPageUrl } from './rating-qr.js';
import { PIN_1001, provisioned, tempDir, terminalConfig, windowConfig } from './test-support/fixtures.js';

const CENTRAL_DEVICE_ID = uuidv7();
const DAY = 86_400_000;

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function kiosk(config = windowConfig(), enrolled = true) {
  const dir = tempDir();
  const service = await provisioned(dir.path, config);
  const api = buildLocalApi({ service });
  cleanup.push(async () => {
    await api.close();
    await service.close();
    dir.remove();
  });
  const identity = DeviceIdentity.generate();
  if (enrolled) {
    service.context.settings.set('enrolment', {
      centralUrl: 'https://hcp.example.gov.cn',
      deviceId: CENTRAL_DEVICE_ID,
      enrolledAt: new Date().toISOString(),
    });
    service.useIdentity(identity);
  }
  return { service, api, identity };
}

/** Ends the open invitation unrated: the clock passes its window and a press finds it so (a stray press). */
function letExpire(service: KioskService, by = 60_000): void {
  const at = Date.now() + by;
  service.context.now = () => at;
  service.press({ level: 5, source: 'touch' });
}

const citizenQr = (service: KioskService) => service.screenView({ qrCode: true }).qrCode;

const qrOf = (api: FastifyInstance, id: string) => api.inject({ method: 'GET', url: `/api/v1/invitations/${id}/qr` });

function tokenIn(url: string, identity: DeviceIdentity) {
  const text = /\/r\/([A-Za-z0-9_-]+)$/.exec(url)![1]!;
  const read = readQrToken(text)!;
  const key = createPublicKey({ key: Buffer.from(identity.publicKey(), 'base64'), format: 'der', type: 'spki' });
  return { ...read.token, signed: qrSignatureHolds(read, key) };
}

describe('the QR code of a service nobody rated, in window mode', () => {
  it('is on the screen for a rating window after the invitation expires, and the local API gives the same', async () => {
    const { service, api, identity } = await kiosk();
    await service.shifts.login({ staffNo: '1001', pin: PIN_1001 });
    const opened = service.invitations.open({ serviceItemCode: 'SC-0001' });
    // Still open at the counter: the citizen rates with the keys, there is no code yet.
    expect(citizenQr(service)).toBeNull();
    expect((await qrOf(api, opened.id)).json()).toMatchObject({ error: 'no_qr_code' });

    letExpire(service);
    expect(service.invitations.get(opened.id).state).toBe('unrated');
    const shown = citizenQr(service)!;
    expect(shown.url.startsWith('https://hcp.example.gov.cn/r/')).toBe(true);
    expect(shown.secondsLeft).toBe(20);
    // Only the rater's screen: whoever holds the link can rate the service.
    expect(service.screenView().qrCode).toBeNull();
    const printed = await qrOf(api, opened.id);
    expect(printed.statusCode).toBe(200);
    const receipt = printed.json<RatingQrView>();
    expect(receipt.url).toBe(shown.url);
    expect((await qrOf(api, opened.id)).json()).toEqual(receipt);

    const created = Date.parse(service.invitations.get(opened.id).expiresAt) - 20_000;
    expect(tokenIn(receipt.url, identity)).toEqual({
      recordId: opened.id,
      deviceId: CENTRAL_DEVICE_ID,
      expiresAt: new Date(Math.floor((created + 7 * DAY) / 1000) * 1000),
      serviceItemCode: 'SC-0001',
      departmentCode: 'SCJG',
      windowCode: 'W01',
      staffNo: '1001',
      signed: true,
    });
    expect(receipt.expiresAt).toBe(new Date(created + 7 * DAY).toISOString());
    // Another kiosk's key does not make this kiosk's code.
    expect(tokenIn(receipt.url, DeviceIdentity.generate()).signed).toBe(false);

    // A rating window later the screen goes back to the counter; the receipt is printed as the service ends.
    const ended = service.context.now();
    service.context.now = () => ended + 20_000;
    expect(citizenQr(service)).toBeNull();
    expect((await qrOf(api, opened.id)).statusCode).toBe(200);
    service.context.now = () => ended + RECEIPT_QR_MS + 1;
    expect((await qrOf(api, opened.id)).json()).toMatchObject({ error: 'no_qr_code' });
  });

  it('gives none for a rated or cancelled service, an unknown one, or on a kiosk not enrolled', async () => {
    const { service, api } = await kiosk();
    await service.shifts.login({ staffNo: '1001', pin: PIN_1001 });
    const rated = service.invitations.open({});
    service.press({ level: 1, source: 'touch' });
    const cancelled = service.invitations.open({});
    service.invitations.cancel(cancelled.id);
    for (const id of [rated.id, cancelled.id]) {
      const answer = await qrOf(api, id);
      expect([answer.statusCode, answer.json<{ error: string }>().error]).toEqual([409, 'no_qr_code']);
    }
    expect(citizenQr(service)).toBeNull();
    expect((await qrOf(api, uuidv7())).statusCode).toBe(404);
    expect((await qrOf(api, 'not-an-id')).statusCode).toBe(404);

    const alone = await kiosk(windowConfig(), false);
    await alone.service.shifts.login({ staffNo: '1001', pin: PIN_1001 });
    const unrated = alone.service.invitations.open({});
    letExpire(alone.service);
    expect(citizenQr(alone.service)).toBeNull();
    const answer = await qrOf(alone.api, unrated.id);
    expect([answer.statusCode, answer.json<{ error: string }>().error]).toEqual([409, 'no_qr_code']);
  });

  it("points at the centre's public rating page when the configuration names one", async () => {
    const { service } = await kiosk(windowConfig({ ratingPageUrl: 'https://www.example.gov.cn/hcp' }));
    await service.shifts.login({ staffNo: '1001', pin: PIN_1001 });
    const opened = service.invitations.open({});
    letExpire(service);
    expect(service.ratingQrOf(opened.id).url).toMatch(/^https:\/\/www\.example\.gov\.cn\/hcp\/r\/[A-Za-z0-9_-]+$/);
    expect(ratingPageUrl('https://c.example/', 'abc')).toBe('https://c.example/r/abc');
  });
});

describe('the QR code in terminal mode', () => {
  it('is given only once the invitation has ended unrated: while open, the terminal takes the rating', async () => {
    const { service, api, identity } = await kiosk(terminalConfig());
    const opened = service.invitations.open({ serviceItemCode: 'SB-0101' });
    // Two ways to rate one service at once would be two ratings of it.
    expect(citizenQr(service)).toBeNull();
    expect((await qrOf(api, opened.id)).json()).toMatchObject({ error: 'no_qr_code' });
    letExpire(service);
    const shown = citizenQr(service)!;
    expect(tokenIn(shown.url, identity)).toMatchObject({
      recordId: opened.id,
      serviceItemCode: 'SB-0101',
      windowCode: null,
      staffNo: null,
      signed: true,
    });
    expect((await qrOf(api, opened.id)).json<RatingQrView>().url).toBe(shown.url);
  });
});
