/**
 * The central system's HTTP API: admin request bodies and the device API's bodies and answers. Strict: unknown
 * fields, wrong types and out-of-range values are refused. Runs everywhere (pure).
 */
import { z } from 'zod';
import {
  CitizenScreenSchema,
  codeSchema,
  nameSchema,
  PIN_PATTERN,
  RATING_WINDOW_SECONDS,
  RatingPageUrlSchema,
  RETENTION_DAYS,
  type DeviceConfig,
} from './device-config.js';
import type { EvaluatorStatus } from './local-api.js';
import { KeyMapInForce, KeyMapSchema } from './key-map.js';
import { SatisfactionSchema } from './satisfaction.js';

export const CENTRAL_DEFAULT_PORT = 8720;

const code = codeSchema;
const name = nameSchema;

export const DepartmentCreate = z.strictObject({ code, name });
export const DepartmentPatch = z.strictObject({ name }).partial();
export const WindowCreate = z.strictObject({ code, name, departmentCode: code });
export const WindowPatch = z.strictObject({ name, departmentCode: code }).partial();
export const ServiceItemCreate = z.strictObject({ code, name, departmentCode: code });
export const ServiceItemPatch = z.strictObject({ name, departmentCode: code }).partial();
/** The levels a reason tag is offered after (每个评价等级的原因标签): one or more of the five, each once. */
export const ReasonTagLevels = z
  .array(SatisfactionSchema)
  .min(1)
  .max(5)
  .refine((levels) => new Set(levels).size === levels.length, 'each level once');
export const ReasonTagCreate = z.strictObject({
  code,
  label: name,
  position: z.number().int().min(0).max(1000).optional(),
  /**
   * Absent: the two of 差评 (migration 0080's default). A kiosk asks for reasons only after a 差评 (第七条), so it
   * is sent the tags of either; a tag of another level is for the channels that ask at every level.
   */
  levels: ReasonTagLevels.optional(),
});
export const ReasonTagPatch = z
  .strictObject({ label: name, position: z.number().int().min(0).max(1000), levels: ReasonTagLevels })
  .partial();
const pin = z.string().regex(PIN_PATTERN, '4 to 8 digits');
export const StaffCreate = z.strictObject({ staffNo: code, name, departmentCode: code, pin });
export const StaffPatch = z.strictObject({ name, departmentCode: code, pin, active: z.boolean() }).partial();

/** How the 7-day default counts its days (SettingsPatch.defaultDays). */
export const DEFAULT_DAYS_KINDS = ['calendar', 'working'] as const;
export type DefaultDaysKind = (typeof DEFAULT_DAYS_KINDS)[number];

/** Hall settings the centre keeps for itself: not part of a kiosk's configuration. */
export const CENTRE_ONLY_SETTINGS: readonly string[] = ['defaultDays'];

export const SettingsPatch = z
  .strictObject({
    ratingWindowSeconds: z.number().int().min(RATING_WINDOW_SECONDS.min).max(RATING_WINDOW_SECONDS.max),
    keyMap: KeyMapSchema,
    /**
     * The kiosks' update feed (electron-updater, generic provider). https only: what it serves decides what code
     * every Electron kiosk runs, so it must never travel where the hall network could rewrite it.
     */
    updateFeedUrl: z.url({ protocol: /^https$/ }).max(300),
    /** Where phones open the QR rating page, when kiosks reach the centre by another address (DeviceConfig). */
    ratingPageUrl: RatingPageUrlSchema,
    /**
     * How the 7-day default (第八条) counts its days: `calendar` (the default, as Guangdong reads it) or `working`
     * days on the centre's working-day calendar. The centre's own: never sent to kiosks (CENTRE_ONLY_SETTINGS).
     */
    defaultDays: z.enum(DEFAULT_DAYS_KINDS),
    /** Days a kiosk keeps a delivered record once its day is reconciled (DeviceConfig.retentionDays). */
    retentionDays: z.number().int().min(RETENTION_DAYS.min).max(RETENTION_DAYS.max),
    /** The citizen screen's spoken prompts, their volume and the larger text (DeviceConfig.citizenScreen). */
    citizenScreen: CitizenScreenSchema,
  })
  .partial();

export const EnrollmentCreate = z
  .strictObject({ mode: z.enum(['window', 'terminal']), windowCode: code.optional(), name })
  .refine((e) => (e.mode === 'window') === (e.windowCode !== undefined), {
    message: 'a window enrolment names its window; a terminal enrolment names none',
    path: ['windowCode'],
  });

export const EnrollRequest = z.strictObject({
  code: z.string().trim().min(4).max(32),
  /** The device's Ed25519 public key: base64 of its SPKI DER encoding. */
  publicKey: z.string().min(40).max(200),
  info: z.strictObject({
    version: z.string().max(32),
    hostname: z.string().max(100).optional(),
    platform: z.string().max(32).optional(),
    localDeviceId: z.string().max(64).optional(),
  }),
});
export type EnrollRequest = z.infer<typeof EnrollRequest>;

export interface EnrollResponse {
  deviceId: string;
  config: DeviceConfig;
  configVersion: number;
  /**
   * The centre's Ed25519 public key (base64 of its SPKI DER encoding). The kiosk pins it at enrolment (or takes it
   * from its provision file) and from then on refuses any configuration whose signature does not verify under it.
   */
  centralPublicKey: string;
}

export const HeartbeatRequest = z.strictObject({
  version: z.string().max(32),
  queueDepth: z.number().int().min(0),
  oldestPendingAt: z.iso.datetime({ offset: true }).nullable(),
  evaluator: z.strictObject({
    state: z.enum(['none', 'connected', 'disconnected', 'not_responding']),
    kind: z.enum(['serial', 'keyboard', 'touch']).nullable(),
    model: z.string().max(32).optional(),
    firmware: z.string().max(32).optional(),
    serial: z.string().max(32).optional(),
  }),
  /** The key map in force and where it came from (a technician's local override is shown in the fleet list). */
  keyMap: KeyMapInForce.optional(),
  /** When the kiosk's last reconciliation with the centre succeeded; null if never. Absent from older kiosks. */
  lastReconciledAt: z.iso.datetime({ offset: true }).nullable().optional(),
});
export type HeartbeatRequest = z.infer<typeof HeartbeatRequest> & { evaluator: EvaluatorStatus };

export interface HeartbeatResponse {
  serverTime: string;
  configVersion: number;
}

export interface TallyResponse {
  day: string;
  count: number;
  /** hex SHA-256 of the record ids, sorted, joined by "\n". */
  digest: string;
}

export const EVALUATION_GROUPS = ['department', 'window', 'staff', 'serviceItem'] as const;

/**
 * Why the centre refuses a record (`RecordResult.code` of a `rejected` one). A refused record is stored nowhere: the
 * kiosk quarantines it, and the fleet list counts it per device and code.
 * - `invalid_record`: not a record this API knows (schema), or one the database refuses.
 * - `scope_mode`, `scope_channel`: the record claims another kiosk mode, or a channel the device cannot produce
 *   (src/shared/channels.ts KIOSK_CHANNEL).
 * - `scope_window`: a window other than the device's own (a terminal's records name no window).
 * - `scope_department`: a window-mode device's record for a department other than its window's at the record's time.
 * - `unknown_department`: a terminal's record for a department the centre's catalogue does not hold.
 * - `scope_evaluation`: a follow-up to an evaluation the centre holds from another device.
 */
export const REJECTION_CODES = [
  'invalid_record',
  'scope_mode',
  'scope_channel',
  'scope_window',
  'scope_department',
  'unknown_department',
  'scope_evaluation',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

/** One device of `GET /api/v1/admin/devices` (declared with its query and page in fleet-api.ts). */
export type { FleetDevice } from './fleet-api.js';

/** The centre's configuration-signing key, for a technician to compare with what a kiosk pinned. */
export interface SigningKeyResponse {
  /** base64 of the SPKI DER encoding, as EnrollResponse.centralPublicKey. */
  publicKey: string;
  /** SHA-256 of the SPKI DER, in hex groups (src/common/key-fingerprint.ts). */
  fingerprint: string;
}

export const EVALUATION_OUTCOMES = ['rated', 'unrated', 'cancelled'] as const;
