/**
 * `hcp kiosk enroll`: registers this kiosk with the central system using a single-use code from the centre's
 * staff. The kiosk makes its Ed25519 key pair, sends the public key, and applies the configuration it gets back.
 * Runs in Node.
 */
import type { EnrollResponse } from '../../shared/central-api.js';
import { DeviceConfig } from '../../shared/device-config.js';
import { transact } from '../context.js';
import type { KioskService } from '../kiosk-service.js';
import { APP_VERSION } from '../version.js';
import { DeviceIdentity } from '../../common/device-identity.js';
import { deviceInfo } from './sync-agent.js';

export class EnrolmentError extends Error {
  override readonly name = 'EnrolmentError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function enrollKiosk(
  service: KioskService,
  dataDir: string,
  centralUrl: string,
  code: string,
): Promise<EnrollResponse> {
  let base: URL;
  try {
    base = new URL(centralUrl);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new EnrolmentError('invalid_url', `${centralUrl} is not an http(s) URL of the central system`);
  }
  const identity = DeviceIdentity.create(dataDir);
  let res: Response;
  try {
    res = await fetch(new URL('/api/v1/devices/enroll', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, publicKey: identity.publicKey(), info: deviceInfo(APP_VERSION, service.deviceId) }),
      signal: AbortSignal.timeout(20_000),
    });
  } catch (error) {
    throw new EnrolmentError('central_unreachable', `cannot reach ${base.origin}: ${(error as Error).message}`);
  }
  const body = (await res.json().catch(() => null)) as (EnrollResponse & { error?: string; message?: string }) | null;
  if (res.status !== 201 || !body) {
    throw new EnrolmentError(
      body?.error ?? `http_${res.status}`,
      body?.message ?? `the central system answered ${res.status}`,
    );
  }
  const config = DeviceConfig.parse(body.config);
  await service.provision(config);
  const ctx = service.context;
  transact(ctx, () => {
    ctx.settings.set('enrolment', {
      centralUrl: base.origin,
      deviceId: body.deviceId,
      enrolledAt: new Date().toISOString(),
    });
    ctx.settings.set('configVersion', body.configVersion);
  });
  return { ...body, config };
}
