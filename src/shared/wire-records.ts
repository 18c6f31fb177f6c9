/**
 * Records as they travel from a kiosk to the central system (`POST /api/v1/device/records`). The same records as
 * in the kiosk's outbox (records.ts), with personal data opened: the kiosk unseals it just before sending (over
 * TLS), and the centre seals it again under its own key before storing it. Validated strictly on arrival.
 * Runs everywhere (pure).
 */
import { z } from 'zod';
import { CHANNELS } from './channels.js';
import { KIOSK_MODES } from './device-config.js';
import { RaterIdentity } from './local-api.js';
import { UuidV7Schema } from './ids.js';
import { KeyMapSchema } from './key-map.js';
import { KEY_TEST_END_REASONS } from './records.js';
import { SatisfactionSchema } from './satisfaction.js';

export const MAX_RECORDS_PER_BATCH = 1000;

const id = UuidV7Schema;
const time = z.iso.datetime({ offset: true });
const code = z.string().min(1).max(64);
const source = z.enum(['serial', 'keyboard', 'touch']);

export const WireEvaluation = z
  .strictObject({
    kind: z.literal('evaluation'),
    id,
    channel: z.enum(CHANNELS),
    mode: z.enum(KIOSK_MODES),
    outcome: z.enum(['rated', 'unrated', 'cancelled']),
    satisfaction: SatisfactionSchema.nullable(),
    source: source.nullable(),
    invitedAt: time,
    expiresAt: time,
    endedAt: time,
    shiftId: id.nullable(),
    staffNo: code.nullable(),
    windowCode: code.nullable(),
    departmentCode: code.nullable(),
    serviceItemCode: code.nullable(),
    caseNo: code.nullable(),
    ticketNo: z.string().min(1).max(32).nullable(),
    rater: RaterIdentity.nullable(),
    /**
     * Set only when a technician's local key map was in force at the kiosk (it overrides the centre's): the map
     * the press was read with, so the centre can see which ratings it touched. Absent from older kiosks.
     */
    localKeyMap: KeyMapSchema.nullable().optional(),
    /**
     * Set when the kiosk's catalogue did not hold `serviceItemCode` (a 办件 system sent a code the hall has not
     * listed): the citizen was shown a neutral 政务服务. The centre judges the code against its own catalogue.
     */
    unknownItem: z.literal(true).optional(),
  })
  .refine((e) => (e.outcome === 'rated') === (e.satisfaction !== null && e.source !== null), {
    message: 'a rated evaluation has a level and a source; an unrated or cancelled one has neither',
    path: ['satisfaction'],
  });

export const WireFollowUp = z.strictObject({
  kind: z.literal('followup'),
  id,
  evaluationId: id,
  reasonTags: z.array(code).max(20),
  callbackPhone: z.string().max(20).nullable(),
  comment: z.string().max(200).nullable(),
  at: time,
});

export const WireShiftEvent = z.strictObject({
  kind: z.literal('shift_event'),
  id,
  shiftId: id,
  type: z.enum(['login', 'pause', 'resume', 'logout']),
  staffNo: code,
  windowCode: code.nullable(),
  reason: z.string().max(100).nullable(),
  at: time,
});

export const WireStrayPress = z.strictObject({
  kind: z.literal('stray_press'),
  id,
  satisfaction: SatisfactionSchema,
  key: z.number().int().min(1).max(5).nullable(),
  source,
  shiftId: id.nullable(),
  staffNo: code.nullable(),
  at: time,
  /** As on an evaluation: the technician's local key map, when one was in force. */
  localKeyMap: KeyMapSchema.nullable().optional(),
});

/**
 * One key-test session in technician mode (第四条: presses in a key test are never ratings, so each session is on
 * record): when it started and ended, how it ended, and how many presses it took. Never which keys.
 */
export const WireKeyTest = z.strictObject({
  kind: z.literal('key_test'),
  id,
  startedAt: time,
  endedAt: time,
  endedBy: z.enum(KEY_TEST_END_REASONS),
  presses: z.number().int().min(0).max(1_000_000),
});

export const WireRecord = z.discriminatedUnion('kind', [
  WireEvaluation,
  WireFollowUp,
  WireShiftEvent,
  WireStrayPress,
  WireKeyTest,
]);
export type WireRecord = z.infer<typeof WireRecord>;
export type WireEvaluation = z.infer<typeof WireEvaluation>;

/**
 * A batch. Records are checked one by one (a bad one is `rejected`, the rest still land), so the envelope only
 * holds them as objects. `sentAt` is the device clock when sending; `clockOffsetMs` is what the kiosk learnt from
 * its last heartbeat (server time − device time), so the centre can correct a kiosk whose clock is wrong.
 */
export const RecordBatch = z.strictObject({
  sentAt: time,
  clockOffsetMs: z.number().int().nullable(),
  records: z.array(z.record(z.string(), z.unknown())).min(1).max(MAX_RECORDS_PER_BATCH),
});
export type RecordBatch = z.infer<typeof RecordBatch>;

export type RecordResult =
  | { id: string; status: 'accepted' | 'duplicate' }
  | { id: string | null; status: 'rejected'; code: string; message: string };

/** The day a record belongs to for reconciliation: the UTC date of its UUIDv7 timestamp, the same on both sides. */
export function recordDay(recordId: string): string {
  const ms = parseInt(recordId.slice(0, 8) + recordId.slice(9, 13), 16);
  return new Date(ms).toISOString().slice(0, 10);
}
