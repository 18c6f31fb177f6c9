/**
 * The fleet: single-use enrolment codes, enrolment with an Ed25519 public key, signed-request checks, heartbeats
 * and the per-day tally kiosks reconcile against. Runs in Node.
 */
import { createHash, createPublicKey, randomInt, verify, type KeyObject } from 'node:crypto';
import { HttpError } from '../common/http.js';
import { uuidv7 } from '../common/ids.js';
import { tallyOf } from '../common/tally.js';
import type { EnrollRequest, HeartbeatRequest, TallyResponse } from '../shared/central-api.js';
import {
  canonicalRequest,
  DEVICE_HEADER,
  MAX_CLOCK_SKEW_MS,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from '../shared/device-auth.js';
import {
  DEVICE_OFFLINE_AFTER_MS,
  type DevicePage,
  type DeviceQuery,
  type DeviceStatus,
  type FleetDevice,
} from '../shared/fleet-api.js';
import { isUuid } from '../shared/ids.js';
import { DepartmentScope } from './accounts/department-scope.js';
import type { CentralDb, Queryable } from './db/database.js';
import { configSnapshot, currentConfigVersion, type DeviceRow } from './device-config.js';
import type { FleetStatus } from './fleet-status.js';

export const ENROLLMENT_TTL_MS = 24 * 3600_000;
/** Enrolment codes avoid letters and digits that are easy to confuse (0/O, 1/I/L). */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

const hashCode = (code: string) => createHash('sha256').update(code.replace(/[\s-]/g, '').toUpperCase()).digest('hex');

export async function createEnrollment(
  db: Queryable,
  body: { mode: 'window' | 'terminal'; windowCode?: string; name: string },
): Promise<{ code: string; expiresAt: string }> {
  const raw = Array.from({ length: 8 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
  const code = `${raw.slice(0, 4)}-${raw.slice(4)}`;
  const expiresAt = new Date(Date.now() + ENROLLMENT_TTL_MS);
  await db
    .query('INSERT INTO enrollments (code_hash, mode, window_code, name, expires_at) VALUES ($1, $2, $3, $4, $5)', [
      hashCode(code),
      body.mode,
      body.windowCode ?? null,
      body.name,
      expiresAt,
    ])
    .catch((error: { code?: string }) => {
      if (error.code === '23503') throw new HttpError(409, 'unknown_reference', `no window ${body.windowCode}`);
      throw error;
    });
  return { code, expiresAt: expiresAt.toISOString() };
}

/** Every Ed25519 SPKI DER key is these 12 bytes, then the raw 32-byte key. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function parsePublicKey(base64: string): KeyObject {
  const der = Buffer.from(base64, 'base64');
  try {
    // The same key read from its raw bytes as a JWK: a tenth of the cost of OpenSSL's DER decoder, which every
    // device's first request after a start would pay.
    const key =
      der.length === 44 && der.subarray(0, 12).equals(ED25519_SPKI_PREFIX)
        ? createPublicKey({
            key: { kty: 'OKP', crv: 'Ed25519', x: der.subarray(12).toString('base64url') },
            format: 'jwk',
          })
        : createPublicKey({ key: der, format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('not ed25519');
    return key;
  } catch {
    throw new HttpError(400, 'invalid_public_key', 'publicKey must be base64 of an Ed25519 SPKI DER key');
  }
}

/** Uses up an enrolment code and registers the device. The code works once, within 24 h. */
export async function enroll(db: CentralDb, request: EnrollRequest) {
  parsePublicKey(request.publicKey);
  const { deviceId, enrollment } = await db.transaction(async (tx) => {
    const deviceId = uuidv7();
    const [enrollment] = await tx.query<{ mode: 'window' | 'terminal'; windowCode: string | null; name: string }>(
      `UPDATE enrollments SET used_at = now(), device_id = $2
        WHERE code_hash = $1 AND used_at IS NULL AND expires_at > now()
        RETURNING mode, window_code AS "windowCode", name`,
      [hashCode(request.code), deviceId],
    );
    if (!enrollment) {
      throw new HttpError(403, 'enrollment_code_invalid', 'this enrolment code is unknown, used already or expired');
    }
    await tx.query(
      `INSERT INTO devices (id, public_key, mode, window_code, name, info, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        deviceId,
        request.publicKey,
        enrollment.mode,
        enrollment.windowCode,
        enrollment.name,
        request.info,
        request.info.version,
      ],
    );
    return { deviceId, enrollment };
  });
  // Read after the device is in, from one snapshot of its own (configSnapshot).
  return { deviceId, ...(await configSnapshot(db, enrollment)) };
}

export interface SignedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
}

const header = (headers: SignedRequest['headers'], name: string) => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * How old what is known of the devices may be: a revocation by another central process on the same database counts
 * within this long. One query for the whole fleet asks for it again (`KnownDevices`), not one per device.
 */
export const DEVICE_CACHE_MS = 10_000;
/**
 * How long an id the database does not know stays unknown without asking again: a caller repeating one id costs
 * one query per this long. Short, since an enrolment through this centre `forget`s it at once anyway.
 */
export const UNKNOWN_DEVICE_CACHE_MS = 5_000;
/** Unknown ids kept at most: random ids cannot grow the memory without bound (the oldest go first). */
export const UNKNOWN_DEVICE_CACHE_SIZE = 10_000;

export interface KnownDevice {
  device: DeviceRow;
  key: KeyObject;
  /** When the query it was read by (or the last sweep covering it) began. */
  readAt: number;
}

/**
 * The devices requests come from, kept in memory: a request is checked without a query, which would wait for a
 * pool connection while batches are being stored, and cost a round trip to the database for every request. Of what a
 * request needs, only revocation ever changes (and only one way): `forget` a device when revoking it through this
 * centre, and it counts from the next request. What other processes revoked is asked for every DEVICE_CACHE_MS in one
 * query for every device known (`sweep`), so that a fleet heartbeating every 30 s costs no query per heartbeat.
 */
/** A DeviceRow's columns, as the cache reads them. */
const DEVICE_COLUMNS = `id, mode, window_code AS "windowCode", name, revoked_at AS "revokedAt", public_key AS "publicKey"`;

export class KnownDevices {
  private readonly known = new Map<string, KnownDevice>();
  /** Ids the database did not know, and until when that answer is kept. */
  private readonly unknown = new Map<string, number>();
  /** Bumped by `forget`: a lookup that began before it does not keep what it read. */
  private generation = 0;
  /** The sweep under way. */
  private sweeping: { done: Promise<void> } | undefined;

  constructor(private readonly db: Queryable) {}

  async find(id: string, now: number): Promise<KnownDevice | undefined> {
    const hit = this.known.get(id);
    if (hit) {
      if (hit.readAt + DEVICE_CACHE_MS > now) return hit;
      await this.sweep(now);
      return this.known.get(id) ?? this.find(id, now);
    }
    const miss = this.unknown.get(id);
    if (miss !== undefined && miss > now) return undefined;
    const generation = this.generation;
    const [device] = await this.db.query<DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE id = $1`, [id]);
    if (!device) {
      if (generation === this.generation) this.rememberUnknown(id, now);
      return undefined;
    }
    const known = { device, key: parsePublicKey(device.publicKey), readAt: now };
    if (generation === this.generation) this.known.set(id, known);
    return known;
  }

  /**
   * Reads every device at once (at start): a city's fleet reconnecting after the centre restarts is then checked
   * without a query per kiosk, which would queue thousands of lookups on the small pool devices are read from.
   */
  async preload(now: number): Promise<number> {
    const generation = this.generation;
    const rows = await this.db.query<DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices`);
    if (generation !== this.generation) return 0;
    for (const device of rows) {
      if (!this.known.has(device.id)) {
        this.known.set(device.id, { device, key: parsePublicKey(device.publicKey), readAt: now });
      }
    }
    return rows.length;
  }

  /** After a revocation or an enrolment through this centre: the next request reads the device afresh. */
  forget(id: string): void {
    this.known.delete(id);
    this.unknown.delete(id);
    this.generation += 1;
  }

  /**
   * Reads which devices are revoked, once for every device known (concurrent callers share one query): each one
   * known when it began is then as fresh as it. A revoked kiosk stays revoked, so a sweep can only add revocations.
   */
  private sweep(now: number): Promise<void> {
    if (this.sweeping) return this.sweeping.done;
    const done = (async () => {
      try {
        const revoked = await this.db.query<{ id: string; revokedAt: Date }>(
          'SELECT id::text AS id, revoked_at AS "revokedAt" FROM devices WHERE revoked_at IS NOT NULL',
        );
        const byId = new Map(revoked.map((r) => [r.id, r.revokedAt]));
        for (const [id, known] of this.known) {
          if (known.readAt >= now) continue; // read after the sweep began: fresher already
          const revokedAt = byId.get(id);
          this.known.set(id, {
            ...known,
            readAt: now,
            device: revokedAt && !known.device.revokedAt ? { ...known.device, revokedAt } : known.device,
          });
        }
      } finally {
        this.sweeping = undefined;
      }
    })();
    this.sweeping = { done };
    return done;
  }

  private rememberUnknown(id: string, now: number): void {
    this.unknown.delete(id);
    while (this.unknown.size >= UNKNOWN_DEVICE_CACHE_SIZE) this.unknown.delete(this.unknown.keys().next().value!);
    this.unknown.set(id, now + UNKNOWN_DEVICE_CACHE_MS);
  }
}

/** How old the configuration version a heartbeat answers with may be, for a change made by another process. */
export const CONFIG_VERSION_CACHE_MS = 1_000;

/**
 * The configuration version heartbeats answer with, read at most once per CONFIG_VERSION_CACHE_MS for all of them.
 * Past that age the version held is answered at once and read again behind it: a heartbeat never waits for the
 * database (whose small pool the fleet status writes share), so a change through another central process is seen
 * within CONFIG_VERSION_CACHE_MS and one read. A change made through this centre calls `changed()` once committed:
 * what is held is dropped and the next heartbeat waits for a fresh read, so a kiosk is never told an older version
 * than one this centre has already answered a change with.
 */
export class ConfigVersions {
  private cached: { version: number; readAt: number } | undefined;
  private reading: { generation: number; done: Promise<number> } | undefined;
  private generation = 0;

  constructor(private readonly db: Queryable) {}

  get(now = Date.now()): Promise<number> {
    const cached = this.cached;
    if (cached && cached.readAt + CONFIG_VERSION_CACHE_MS > now) return Promise.resolve(cached.version);
    const read = this.read(now);
    if (!cached) return read;
    // Stale: answered now; a failed read behind it leaves the version held, to be read again by the next one.
    read.catch(() => undefined);
    return Promise.resolve(cached.version);
  }

  /** A change to what kiosks are configured with has been committed here. */
  changed(): void {
    this.cached = undefined;
    this.generation += 1;
  }

  /** One read at a time per generation, shared by everyone asking meanwhile. */
  private read(now: number): Promise<number> {
    if (this.reading && this.reading.generation === this.generation) return this.reading.done;
    const generation = this.generation;
    const done = currentConfigVersion(this.db).then(
      (version) => {
        if (generation === this.generation) this.cached = { version, readAt: now };
        if (this.reading?.done === done) this.reading = undefined;
        return version;
      },
      (error: unknown) => {
        if (this.reading?.done === done) this.reading = undefined;
        throw error;
      },
    );
    this.reading = { generation, done };
    return done;
  }
}

/**
 * Device requests that failed authentication (401: malformed headers, an unknown or revoked device, a bad
 * signature), counted per client IP over a fixed minute. Past `perMinute`, that IP's device requests are refused
 * (429) before any lookup until the minute is over: calling with made-up device ids buys no database work. A kiosk
 * that authenticates never counts, so kiosks sharing one address (a hall's NAT) are not held back by each other's
 * traffic, only by a flood of failures from that address.
 */
export class AuthFailures {
  private readonly byIp = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly perMinute: number,
    /** IPs tracked at most; past it, the oldest windows are dropped. */
    private readonly maxTracked = 100_000,
  ) {}

  /** Throws the 429 when `ip` is over its allowance of failures this minute. */
  check(ip: string, now = Date.now()): void {
    const entry = this.byIp.get(ip);
    if (entry && entry.resetAt > now && entry.count >= this.perMinute) {
      throw new HttpError(
        429,
        'rate_limited',
        `too many failed device requests from this address: at most ${this.perMinute} a minute`,
      );
    }
  }

  failed(ip: string, now = Date.now()): void {
    const entry = this.byIp.get(ip);
    if (entry && entry.resetAt > now) {
      entry.count += 1;
      return;
    }
    this.byIp.delete(ip);
    while (this.byIp.size >= this.maxTracked) this.byIp.delete(this.byIp.keys().next().value!);
    this.byIp.set(ip, { count: 1, resetAt: now + 60_000 });
  }
}

/** An Ed25519 signature is 64 bytes: 88 characters of base64. */
const SIGNATURE_PATTERN = /^[A-Za-z0-9+/]{86}==$/;

/**
 * What can be told of a device request from its headers alone, before its body is read: the three headers there
 * and well formed, the timestamp within MAX_CLOCK_SKEW_MS. Returns the device id, or throws the 401 of
 * `authenticateDevice`. Cheap and without a query: it runs on every request, signed or not.
 */
export function checkDeviceHeaders(headers: SignedRequest['headers'], now = Date.now()): string {
  const deviceId = header(headers, DEVICE_HEADER);
  const timestamp = header(headers, TIMESTAMP_HEADER);
  const signature = header(headers, SIGNATURE_HEADER);
  if (!deviceId || !timestamp || !signature)
    throw refuse('device requests must be signed (X-HCP-Device, X-HCP-Timestamp, X-HCP-Signature)');
  if (!/^\d{1,16}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > MAX_CLOCK_SKEW_MS) {
    throw refuse('the request timestamp is more than 5 minutes off the server clock');
  }
  if (!isUuid(deviceId)) throw refuse('unknown device');
  if (!SIGNATURE_PATTERN.test(signature)) throw refuse('bad signature');
  return deviceId;
}

const refuse = (why: string) => new HttpError(401, 'unauthorized', why);

/** The device a request claims to be from, known and not revoked: before its body is read. */
export async function knownDevice(devices: KnownDevices, deviceId: string, now = Date.now()): Promise<KnownDevice> {
  const known = await devices.find(deviceId, now);
  if (!known) throw refuse('unknown device');
  if (known.device.revokedAt) throw refuse('this device has been revoked');
  return known;
}

/**
 * Checks a device request's signature (src/shared/device-auth.ts) and returns the device. Every failure is the
 * same 401 to the caller, with the reason in its message for the technician.
 */
export async function authenticateDevice(
  devices: KnownDevices,
  request: SignedRequest,
  now = Date.now(),
): Promise<DeviceRow> {
  const deviceId = checkDeviceHeaders(request.headers, now);
  const known = await knownDevice(devices, deviceId, now);
  const timestamp = header(request.headers, TIMESTAMP_HEADER)!;
  const signature = header(request.headers, SIGNATURE_HEADER)!;
  const digest = createHash('sha256').update(request.rawBody).digest('hex');
  const signed = canonicalRequest(request.method, request.url, timestamp, digest);
  if (!verify(null, Buffer.from(signed), known.key, Buffer.from(signature, 'base64'))) throw refuse('bad signature');
  return known.device;
}

/**
 * Takes what the kiosk reports (written with the next flush of `status`: fleet-status.ts) and answers at once with
 * the server time and the configuration version (ConfigVersions: a change through this centre is seen at once, one
 * through another within CONFIG_VERSION_CACHE_MS). The key map in force and the last reconciliation are absent
 * from older kiosks: then what the centre knew stays.
 */
export async function heartbeat(
  versions: ConfigVersions,
  status: FleetStatus,
  device: DeviceRow,
  body: HeartbeatRequest,
) {
  status.heartbeat(device.id, body);
  return { serverTime: new Date().toISOString(), configVersion: await versions.get() };
}

export async function tally(db: Queryable, device: DeviceRow, day: string): Promise<TallyResponse> {
  const rows = await db.query<{ id: string }>('SELECT id::text AS id FROM records WHERE device_id = $1 AND day = $2', [
    device.id,
    day,
  ]);
  return tallyOf(
    day,
    rows.map((r) => r.id),
  );
}

export async function revokeDevice(db: Queryable, id: string): Promise<void> {
  const rows = await db.query(
    'UPDATE devices SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING id',
    [id],
  );
  if (rows.length === 0) throw new HttpError(404, 'not_found', `no device ${id}`);
}

const encodeCursor = (id: string) => Buffer.from(id).toString('base64url');
function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString();
  if (!isUuid(id)) throw new HttpError(400, 'invalid_request', 'cursor: not a cursor this API gave out');
  return id;
}

/** `text` matched literally inside ILIKE's pattern: its own % _ and \ are not wildcards. */
const likeContaining = (text: string) => `%${text.replace(/[\\%_]/g, '\\$&')}%`;

/**
 * One page of the fleet, in id order (UUIDv7: enrolment order), keyset-paged. Besides what each device last
 * reported: its status (from its last heartbeat by the database's clock), how many of its records were refused (all
 * codes, and per code), how many of its evaluations named a staff number the centre did not know, and its last key
 * test: read for the page's devices only, each from an index or a counter (device_counts), never counted over the
 * evaluations. `counts` are over every device in the scope that matches the filters other than `status`.
 */
export async function listDevices(
  db: Queryable,
  query: DeviceQuery,
  scope: DepartmentScope = DepartmentScope.ALL,
): Promise<DevicePage> {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  // A handler sees the kiosks of its departments' windows (a terminal-mode kiosk belongs to no department).
  const matching = [scope.departmentIn('w.department_code', params)];
  if (query.minQueue !== undefined) matching.push(`d.queue_depth >= ${param(query.minQueue)}`);
  if (query.departmentCode !== undefined) matching.push(`w.department_code = ${param(query.departmentCode)}`);
  if (query.q !== undefined) {
    const pattern = param(likeContaining(query.q));
    matching.push(`(d.name ILIKE ${pattern} OR d.window_code ILIKE ${pattern})`);
  }
  const onPage = ['TRUE'];
  if (query.status !== undefined) onPage.push(`status = ${param(query.status)}`);
  if (query.cursor !== undefined) onPage.push(`id > ${param(decodeCursor(query.cursor))}::uuid`);
  const offlineAfter = param(DEVICE_OFFLINE_AFTER_MS);
  const limit = param(query.limit + 1);
  const rows = await db.query<
    Omit<FleetDevice, 'rejectedRecords'> & {
      rejectedByCode: Record<string, number> | null;
      counts: Record<DeviceStatus, number>;
    }
  >(
    `WITH matching AS MATERIALIZED (
       SELECT d.id, w.department_code,
              CASE WHEN d.revoked_at IS NOT NULL THEN 'revoked'
                   WHEN d.last_heartbeat_at > now() - ${offlineAfter}::integer * interval '1 millisecond'
                     THEN 'online'
                   ELSE 'offline' END AS status
         FROM devices d LEFT JOIN windows w ON w.code = d.window_code
        WHERE ${matching.join(' AND ')}),
     counts AS (
       SELECT jsonb_build_object('online', count(*) FILTER (WHERE status = 'online'),
                                 'offline', count(*) FILTER (WHERE status = 'offline'),
                                 'revoked', count(*) FILTER (WHERE status = 'revoked')) AS counts
         FROM matching),
     page AS (SELECT * FROM matching WHERE ${onPage.join(' AND ')} ORDER BY id LIMIT ${limit})
     SELECT c.counts, p.*
       FROM counts c
       LEFT JOIN LATERAL (
         SELECT d.id, d.mode, d.window_code AS "windowCode", pg.department_code AS "departmentCode", d.name,
                pg.status, d.version, d.enrolled_at AS "enrolledAt", d.revoked_at AS "revokedAt",
                d.last_heartbeat_at AS "lastHeartbeatAt", d.queue_depth AS "queueDepth",
                d.oldest_pending_at AS "oldestPendingAt", d.evaluator, d.clock_offset_ms AS "clockOffsetMs",
                d.key_map AS "keyMap", d.key_map_source AS "keyMapSource", d.last_reconciled_at AS "lastReconciledAt",
                (SELECT jsonb_object_agg(code, count) FROM device_rejections r WHERE r.device_id = d.id)
                  AS "rejectedByCode",
                coalesce((SELECT n.unknown_staff_evaluations FROM device_counts n WHERE n.device_id = d.id), 0)
                  AS "unknownStaffEvaluations",
                (SELECT jsonb_build_object('startedAt', k.started_at, 'endedAt', k.ended_at, 'endedBy', k.ended_by,
                                           'presses', k.presses)
                   FROM key_tests k WHERE k.device_id = d.id ORDER BY k.ended_at DESC LIMIT 1) AS "lastKeyTest"
           FROM page pg JOIN devices d ON d.id = pg.id) p ON true
      ORDER BY p.id`,
    params,
  );
  const counts = rows[0]!.counts;
  const found = rows.filter((row) => row.id !== null);
  const items = found.slice(0, query.limit).map(({ counts: _, rejectedByCode, ...row }): FleetDevice => {
    const byCode = Object.fromEntries(Object.entries(rejectedByCode ?? {}).map(([k, v]) => [k, Number(v)]));
    return {
      ...row,
      rejectedByCode: byCode,
      rejectedRecords: Object.values(byCode).reduce((sum, n) => sum + n, 0),
    };
  });
  const nextCursor = found.length > query.limit ? encodeCursor(items.at(-1)!.id) : null;
  return { items, nextCursor, counts };
}
