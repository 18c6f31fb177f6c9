/**
 * `hcp kiosk enroll`: registers this kiosk with the central system using a single-use code from the centre's
 * staff. The kiosk makes its Ed25519 key pair, sends the public key, pins the centre's public key from the answer
 * (checked against the fingerprint the technician was given, when there is one, so that the pin is not trust on
 * first use), verifies the answer's signature under it, and only then applies the configuration. Plain http is
 * refused off loopback unless `insecureHttp` (central-transport.ts). An enrolled kiosk with records still in its
 * outbox is not enrolled anew unless forced: they would go out under the new device id, whose window and department
 * the centre checks them against. Runs in Node.
 */
import type { EnrollResponse } from '../../shared/central-api.js';
import { CONFIG_SIGNATURE_HEADER, CONFIG_VERSION_HEADER } from '../../shared/device-auth.js';
import { DeviceConfig } from '../../shared/device-config.js';
import { transact } from '../context.js';
import type { KioskService } from '../kiosk-service.js';
import { APP_VERSION } from '../version.js';
import { DeviceIdentity } from '../../common/device-identity.js';
import { keyFingerprint } from '../../common/key-fingerprint.js';
import { silentLogger, type Logger } from '../../common/logger.js';
import { checkCentralUrl, dispatcherFor, warnIfInsecure, type CentralTransportOptions } from './central-transport.js';
import { ConfigSignatureError, matchesFingerprint, verifyConfig } from './config-signature.js';
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

/** How to enrol: the transport policy, and the centre's key fingerprint when the technician has it. */
export interface EnrolOptions extends CentralTransportOptions {
  /** The centre's key fingerprint (`hcp central key` prints it): the answer's key must match it. */
  centralFingerprint?: string;
  /**
   * Enrol anew although records of the current enrolment wait or are quarantined (`hcp kiosk enroll --force`; never
   * offered in technician mode). They will be delivered under the new enrolment, and may be refused there.
   */
  force?: boolean;
  log?: Logger;
}

/**
 * An enrolled kiosk moved elsewhere (another window, another centre) must not carry its outbox along: each record
 * names its window and department, and the centre checks them against the new device (`scope_window`). So the
 * kiosk refuses to enrol anew while any record waits or is quarantined, unless forced, which is said loudly.
 */
function checkOutboxEmpty(service: KioskService, force: boolean, log: Logger): void {
  const current = service.enrolment();
  if (!current) return;
  const { pending, quarantined } = service.context.outbox.status();
  const waiting = pending + quarantined;
  if (waiting === 0) return;
  const what = `${waiting} record(s) of the current enrolment (device ${current.deviceId}) are not delivered: ${pending} waiting, ${quarantined} quarantined`;
  if (!force) {
    throw new EnrolmentError(
      'records_waiting',
      `${what}. Let the kiosk deliver them first (keep it running, connected to ${current.centralUrl}), or see the ` +
        'quarantine in technician mode; `hcp kiosk enroll --force` enrols anyway',
    );
  }
  log.warn(
    { code: 'records_waiting', pending, quarantined, deviceId: current.deviceId },
    `ENROLLING ANEW WITH RECORDS WAITING (--force): ${what}; they will be delivered under the new enrolment, where the central system may reject them`,
  );
}

/** The enrolment answer, and the centre key pinned: its fingerprint, and whether nobody checked it (first use). */
export type Enrolled = EnrollResponse & { pinned: { fingerprint: string; firstUse: boolean } };

export async function enrollKiosk(
  service: KioskService,
  dataDir: string,
  centralUrl: string,
  code: string,
  options: EnrolOptions = {},
): Promise<Enrolled> {
  const log = options.log ?? silentLogger;
  let base: URL;
  let dispatcher: ReturnType<typeof dispatcherFor>;
  try {
    base = checkCentralUrl(centralUrl, options);
    dispatcher = dispatcherFor(options);
  } catch (error) {
    const e = error as Error & { code: string };
    throw new EnrolmentError(e.code, e.message);
  }
  warnIfInsecure(base, log);
  // Before the code is spent: a refused enrolment leaves everything as it was.
  checkOutboxEmpty(service, options.force === true, log);
  // Kept in memory until the answer is verified: a refused enrolment leaves an enrolled kiosk's key as it was.
  const identity = DeviceIdentity.generate();
  let res: Response;
  let raw: Buffer;
  try {
    res = await fetch(new URL('/api/v1/devices/enroll', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, publicKey: identity.publicKey(), info: deviceInfo(APP_VERSION, service.deviceId) }),
      signal: AbortSignal.timeout(20_000),
      ...(dispatcher ? { dispatcher } : {}),
    });
    raw = Buffer.from(await res.arrayBuffer());
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    const why = e.cause?.code ?? e.cause?.message ?? e.message;
    throw new EnrolmentError('central_unreachable', `cannot reach ${base.origin}: ${why}`);
  }
  let body: (EnrollResponse & { error?: string; message?: string }) | null = null;
  try {
    body = JSON.parse(raw.toString('utf8')) as EnrollResponse & { error?: string; message?: string };
  } catch {
    body = null;
  }
  if (res.status !== 201 || !body) {
    throw new EnrolmentError(
      body?.error ?? `http_${res.status}`,
      body?.message ?? `the central system answered ${res.status}`,
    );
  }
  // Nothing in the answer is trusted until its signature verifies under the key it names, and that key is the one
  // the technician was told (when they were).
  const pinned = typeof body.centralPublicKey === 'string' ? body.centralPublicKey : '';
  let signedVersion: number;
  try {
    if (!pinned) throw new ConfigSignatureError('central_key_invalid', 'the enrolment answer names no central key');
    const provisioned = service.context.settings.get('centralPublicKey');
    if (!options.centralFingerprint && provisioned && provisioned !== pinned) {
      throw new ConfigSignatureError(
        'central_key_mismatch',
        'the central key differs from the one this kiosk was provisioned with: give its fingerprint to enrol anyway',
      );
    }
    if (options.centralFingerprint && !matchesFingerprint(pinned, options.centralFingerprint)) {
      throw new ConfigSignatureError(
        'central_key_mismatch',
        `the central key's fingerprint is not ${options.centralFingerprint}: this may not be your central system`,
      );
    }
    // Versions count on one centre: an older one from the centre already pinned is a replay.
    const inForce = provisioned === pinned ? service.context.settings.get('configVersionInForce') : undefined;
    const headers = {
      signature: res.headers.get(CONFIG_SIGNATURE_HEADER),
      version: res.headers.get(CONFIG_VERSION_HEADER),
    };
    signedVersion = verifyConfig(pinned, String(body.deviceId), raw, headers, inForce);
  } catch (error) {
    const e = error as ConfigSignatureError;
    log.error({ code: e.code, err: e.message }, 'ENROLMENT REFUSED: the answer is not signed by the central key');
    throw new EnrolmentError(e.code, e.message);
  }
  const firstUse = !options.centralFingerprint && !service.context.settings.get('centralPublicKey');
  const config = DeviceConfig.parse(body.config);
  identity.save(dataDir);
  await service.provision(config);
  const ctx = service.context;
  transact(ctx, () => {
    ctx.settings.set('enrolment', {
      centralUrl: base.origin,
      deviceId: body.deviceId,
      enrolledAt: new Date().toISOString(),
    });
    ctx.settings.set('centralPublicKey', pinned);
    ctx.settings.set('configVersion', body.configVersion);
    ctx.settings.set('configVersionInForce', signedVersion);
  });
  return { ...body, config, pinned: { fingerprint: keyFingerprint(pinned), firstUse } };
}
