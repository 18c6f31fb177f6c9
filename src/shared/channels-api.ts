/**
 * The rating channels' API (issue 17, docs/channels.md): `POST /api/v1/channels/ratings` for the online platform,
 * the mobile app, the hotline keypad and SMS replies, and `POST /api/v1/channels/services` for the 办件 system to
 * register a service that awaits a rating (so that the 7-day default of 第八条 reaches it). Each caller holds an API
 * key of scope `channel:<name>`, which names the channel of everything it sends. Runs everywhere (pure).
 */
import { z } from 'zod';
import type { Channel } from './channels.js';
import { codeSchema } from './device-config.js';
import { RaterIdentity } from './local-api.js';
import { SatisfactionSchema } from './satisfaction.js';

/** The channels that send through the API, each with a key of its own. */
export const INTEGRATION_CHANNELS = ['web', 'mobile', 'hotline', 'sms'] as const satisfies readonly Channel[];
export type IntegrationChannel = (typeof INTEGRATION_CHANNELS)[number];

export type ChannelScope = `channel:${IntegrationChannel}`;
export const CHANNEL_SCOPES = [
  'channel:web',
  'channel:mobile',
  'channel:hotline',
  'channel:sms',
] as const satisfies readonly ChannelScope[];

/** The channel an API key's scope sends for, or null for a key of a role. */
export function channelOfScope(scope: string): IntegrationChannel | null {
  const name = scope.startsWith('channel:') ? scope.slice('channel:'.length) : null;
  return (INTEGRATION_CHANNELS as readonly string[]).includes(name ?? '') ? (name as IntegrationChannel) : null;
}

const time = z.iso.datetime({ offset: true });
/** 办件编号: as the 办件 system writes it (Shandong prefixes the province's 37). */
export const ProjectNoSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[0-9A-Za-z_-]+$/, 'letters, digits, _ and - only');
/** 服务次数 / 环节序号: which step of the 办件 was the service (1 = the application). */
const serviceNumber = z.int().min(1).max(99);

export const MAX_COMMENT_LENGTH = 500;

/** One rating from a channel. `id` is the channel's own: sent again, it is answered as the first time. */
export const ChannelRating = z
  .strictObject({
    id: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[0-9A-Za-z_.:-]+$/, 'letters, digits, _ . : - only'),
    projectNo: ProjectNoSchema,
    serviceNumber: serviceNumber.default(1),
    /** 1 首次评价; 2 追评, the second rating after a 差评's rectification. */
    assessNumber: z.union([z.literal(1), z.literal(2)]).default(1),
    serviceItemCode: codeSchema.nullable().default(null),
    departmentCode: codeSchema.nullable().default(null),
    windowCode: codeSchema.nullable().default(null),
    staffNo: codeSchema.nullable().default(null),
    satisfaction: SatisfactionSchema,
    reasonTags: z.array(codeSchema).max(20).default([]),
    comment: z.string().trim().max(MAX_COMMENT_LENGTH).nullable().default(null),
    /** The rater, as the channel knows them: sealed at the centre on arrival, never returned or listed. */
    rater: RaterIdentity.nullable().default(null),
    ratedAt: time,
  })
  .refine((r) => r.satisfaction > 2 || r.reasonTags.length > 0 || (r.comment ?? '') !== '', {
    message: 'a 差评 (1 or 2) needs a reason tag or a comment',
    path: ['reasonTags'],
  });
export type ChannelRating = z.input<typeof ChannelRating>;
export type ChannelRatingParsed = z.output<typeof ChannelRating>;

/** What the centre did with a rating. */
export type ChannelRatingResult =
  /** Stored and counted (`caseId` when it is a 差评 and opened a case). */
  | { status: 'accepted'; id: string; caseId: string | null }
  /** The service already has its rating of this number (`id`, by whichever channel): nothing stored. */
  | { status: 'duplicate'; id: string }
  /** After the service's 7-day default: kept, never counted (the default stands). */
  | { status: 'late'; id: string };

/** A service given that awaits its rating (the 办件 system calls this at 办结). */
export const ChannelService = z.strictObject({
  projectNo: ProjectNoSchema,
  serviceNumber: serviceNumber.default(1),
  /** Where the service was given: the `pf` its default is reported with. */
  channel: z.enum(['hall_window', 'hall_terminal', 'web', 'mobile', 'hotline', 'sms']),
  serviceItemCode: codeSchema.nullable().default(null),
  departmentCode: codeSchema.nullable().default(null),
  windowCode: codeSchema.nullable().default(null),
  staffNo: codeSchema.nullable().default(null),
  endedAt: time,
});
export type ChannelService = z.input<typeof ChannelService>;
export type ChannelServiceParsed = z.output<typeof ChannelService>;

export type ChannelServiceResult =
  { status: 'registered'; id: string; defaultDueAt: string } | { status: 'known'; id: string; defaultDueAt: string };
