/**
 * What a kiosk needs to know about its place in the hall: mode, window, department, roster, service items, reason
 * tags, rating window and key mapping. The central system sends it (issue 4); until then a provision file on disk
 * carries the same shape (`hcp kiosk provision --file`). Runs everywhere (pure).
 */
import { z } from 'zod';
import { DEFAULT_REASON_TAGS } from './reason-tags.js';
import { DEFAULT_KEY_MAP, KeyMapSchema } from './key-map.js';

/** 第九条: a counter window rates service and staff once per visit; a self-service terminal rates once per item. */
export const KIOSK_MODES = ['window', 'terminal'] as const;
export type KioskMode = (typeof KIOSK_MODES)[number];

export const RATING_WINDOW_SECONDS = { min: 5, max: 120, default: 20 } as const;

/**
 * How many days a kiosk keeps a record after it was delivered and its day reconciled with the centre (第五条: a
 * counter PC holds ratings no longer than needed). At least a week, so a reconciliation can catch what went missing.
 */
export const RETENTION_DAYS = { min: 7, max: 365, default: 30 } as const;

/** A code as the hall's systems use them (window, department, item, staff number). */
export const codeSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{N}_.:-]+$/u, 'letters, digits, _ . : - only');
/** A name or label shown to people. */
export const nameSchema = z.string().trim().min(1).max(100);
const code = codeSchema;
const name = nameSchema;

/** A scrypt PIN hash in the form `scrypt$N$r$p$salt$hash` (salt and hash base64). */
export const PIN_HASH_PATTERN = /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/;
export const PIN_PATTERN = /^\d{4,8}$/;

export const StaffEntry = z
  .strictObject({
    staffNo: code,
    name,
    departmentCode: code.optional(),
    /** Only in a provision file: hashed on load, never stored. */
    pin: z.string().regex(PIN_PATTERN, '4 to 8 digits').optional(),
    pinHash: z.string().regex(PIN_HASH_PATTERN, 'a scrypt hash: scrypt$N$r$p$salt$hash').optional(),
    /** Photo for the citizen screen's staff card, as a data: URL or a path the UI can load. */
    photo: z.string().max(200_000).optional(),
  })
  .refine((s) => (s.pin === undefined) !== (s.pinHash === undefined), {
    message: 'give exactly one of pin or pinHash',
  });
export type StaffEntry = z.infer<typeof StaffEntry>;

/**
 * The citizen screen's hall settings (适老化): spoken prompts on the touchscreen, as an evaluator speaks them (请对本次
 * 服务做出评价 when the prompt opens, 谢谢您的评价 after), at `volume` percent; and `largeText`, a larger type for the
 * whole screen.
 */
export const CitizenScreenSchema = z.strictObject({
  speech: z.boolean(),
  volume: z.number().int().min(0).max(100),
  largeText: z.boolean(),
});
export type CitizenScreenSettings = z.infer<typeof CitizenScreenSchema>;
export const CITIZEN_SCREEN_DEFAULTS: Readonly<CitizenScreenSettings> = { speech: true, volume: 80, largeText: false };

/** A stored value read back through the schema: one that does not fit (none yet, an older kiosk's) is the defaults. */
export function citizenScreenOf(value: unknown): CitizenScreenSettings {
  const parsed = CitizenScreenSchema.safeParse(value);
  return parsed.success ? parsed.data : { ...CITIZEN_SCREEN_DEFAULTS };
}

/**
 * Where phones open the QR rating page (`<url>/r/<token>`): the centre's public address, set when kiosks reach the
 * centre by an internal one. https, since the page takes a rating and perhaps a phone number (plain http only on
 * this machine's loopback, for a trial); a path is kept, a query or fragment is refused (it would be lost).
 */
export const RatingPageUrlSchema = z
  .url({ protocol: /^https?$/ })
  .max(200)
  .refine(
    (u) => /^(https:\/\/|http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$))/i.test(u) && !/[?#]/.test(u),
    'https, with no query or fragment (plain http only on loopback)',
  );

export const DeviceConfig = z
  .strictObject({
    mode: z.enum(KIOSK_MODES),
    /** The window this kiosk serves; required in window mode. */
    window: z.strictObject({ code, name }).optional(),
    department: z.strictObject({ code, name }).optional(),
    /** The terminal's welcome line in terminal mode (the hall's or the terminal's name). */
    terminalName: name.optional(),
    roster: z.array(StaffEntry).max(5000).default([]),
    serviceItems: z
      .array(z.strictObject({ code, name, departmentCode: code.optional() }))
      .max(20_000)
      .default([]),
    reasonTags: z
      .array(z.strictObject({ code, label: name }))
      .min(1)
      .max(50)
      .default(() => DEFAULT_REASON_TAGS.map((t) => ({ ...t }))),
    ratingWindowSeconds: z
      .number()
      .int()
      .min(RATING_WINDOW_SECONDS.min)
      .max(RATING_WINDOW_SECONDS.max)
      .default(RATING_WINDOW_SECONDS.default),
    /**
     * Where the Electron app looks for updates (a generic electron-updater feed); none: no updates. https only, as
     * the updater (src/main/updater.ts) and the centre require: a plain http feed could be rewritten on the wire.
     */
    updateFeedUrl: z
      .url({ protocol: /^https$/ })
      .max(300)
      .optional(),
    /**
     * Provision file only (a configuration from the centre never sets these): the centre's Ed25519 public key
     * (base64 SPKI DER) every configuration must be signed with, and the https origins the Electron app may take
     * updates from. Pinned at installation, so that neither comes over the channel it protects.
     */
    centralPublicKey: z.string().min(40).max(200).optional(),
    updateOrigins: z
      .array(z.url({ protocol: /^https$/ }).max(300))
      .max(10)
      .optional(),
    /** Where phones open the QR rating page (RatingPageUrlSchema); absent: the central URL of the enrolment. */
    ratingPageUrl: RatingPageUrlSchema.optional(),
    /** Days a delivered, reconciled record stays on the kiosk (RETENTION_DAYS); absent: the default. */
    retentionDays: z.number().int().min(RETENTION_DAYS.min).max(RETENTION_DAYS.max).optional(),
    /** Level of each physical key, left to right (vendors order keys differently). Default: 非常满意 first. */
    keyMap: KeyMapSchema.default([...DEFAULT_KEY_MAP]),
    /** How the citizen screen speaks and how large it writes (CitizenScreenSchema). */
    citizenScreen: CitizenScreenSchema.default({ ...CITIZEN_SCREEN_DEFAULTS }),
  })
  .superRefine((c, ctx) => {
    if (c.mode === 'window' && !c.window) {
      ctx.addIssue({ code: 'custom', path: ['window'], message: 'window mode needs a window' });
    }
    const seen = new Set<string>();
    for (const [i, s] of c.roster.entries()) {
      if (seen.has(s.staffNo)) {
        ctx.addIssue({ code: 'custom', path: ['roster', i, 'staffNo'], message: `duplicate ${s.staffNo}` });
      }
      seen.add(s.staffNo);
    }
  });
export type DeviceConfig = z.infer<typeof DeviceConfig>;
