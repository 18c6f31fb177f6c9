/**
 * The 差评工单 API's shapes (issue 16), declared once for the centre's routes, their OpenAPI document and the
 * console. A case never carries the rater's identity; the callback phone appears only masked (`maskPhone`), and in
 * clear only in the answer of an audited reveal. Runs everywhere (pure).
 */
import { z } from 'zod';
import {
  CASE_ACTIONS,
  CaseStateSchema,
  DEADLINE_STATES,
  MAX_DEADLINE_WORKING_DAYS,
  type CaseAction,
  type CaseState,
} from './cases.js';
import type { Channel } from './channels.js';

const code = z.string().trim().min(1).max(32);

export const CaseQuery = z.strictObject({
  state: CaseStateSchema.optional(),
  departmentCode: code.optional(),
  handlerId: z.uuid().optional(),
  /** `true`: past its deadline now. */
  overdue: z.enum(['true', 'false']).optional(),
  /** `true`: its deadline's warning is due (one working day or less left), not yet overdue. */
  dueSoon: z.enum(['true', 'false']).optional(),
  /** Created in [from, to). */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** Open (not closed nor invalid) only. */
  open: z.enum(['true', 'false']).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type CaseQuery = z.infer<typeof CaseQuery>;

export interface CaseListItem {
  id: string;
  /** 工单号, e.g. CP20261202-0007: what people say on the phone. */
  number: string;
  state: CaseState;
  satisfaction: 1 | 2;
  channel: Channel;
  departmentCode: string | null;
  windowCode: string | null;
  staffNo: string | null;
  serviceItemCode: string | null;
  handlerId: string | null;
  handlerName: string | null;
  createdAt: string;
  /** The current state's deadline, or null for a state with none. */
  dueAt: string | null;
  overdue: boolean;
  dueSoon: boolean;
  /** The deadline was counted through a year the working-day calendar lacks. */
  deadlineUncovered: boolean;
  reopenCount: number;
  extensionPending: boolean;
}

export interface CasePage {
  items: CaseListItem[];
  nextCursor: string | null;
}

/** Counts for the top of the 差评工单 page. */
export interface CaseCounts {
  byState: Partial<Record<CaseState, number>>;
  open: number;
  overdue: number;
  dueSoon: number;
  triage: number;
}

export interface CaseAttachment {
  /** SHA-256 of the content: the attachment's id. */
  sha256: string;
  name: string;
  type: AttachmentType;
  bytes: number;
  uploadedAt: string;
  uploadedBy: string;
}

export interface CaseEvent {
  id: string;
  action: CaseAction | 'created' | 'overdue' | 'phone_revealed';
  from: CaseState | null;
  to: CaseState | null;
  actor: { id: string | null; name: string; role: string | null };
  at: string;
  note: string | null;
  /** The action's other fields (method, result, promisedBy, newDueDay, basis, followUpLevel…). */
  detail: Record<string, unknown>;
  attachments: CaseAttachment[];
}

export interface CaseDetail extends CaseListItem {
  /** The rating and its context. */
  evaluation: {
    id: string;
    invitedAt: string;
    endedAt: string;
    reasonTags: string[];
    comment: string | null;
    /** 138****1234, or null when the rater left none. */
    phoneMasked: string | null;
  };
  deadlineDay: string | null;
  /** Working days left to the deadline (negative: overdue by). */
  workingDaysLeft: number | null;
  promisedBy: string | null;
  extension: { newDueDay: string; note: string } | null;
  /** 追评, when the rater gave a second rating at 回访. */
  followUpLevel: number | null;
  events: CaseEvent[];
  attachments: CaseAttachment[];
  /** What the viewer may do now (src/shared/cases.ts availableActions). */
  actions: CaseAction[];
  /** Whether the viewer may reveal the phone now (the case's state needs contact, and the viewer may act on it). */
  mayRevealPhone: boolean;
}

export const CaseActionRequest = z.strictObject({
  action: z.enum(CASE_ACTIONS as [CaseAction, ...CaseAction[]]),
  input: z.record(z.string(), z.unknown()).default({}),
});

export const PhoneRevealRequest = z.strictObject({
  purpose: z.string().trim().min(2, 'a purpose is required').max(200),
});
export interface PhoneReveal {
  phone: string;
}

/** Evidence and photos: the types accepted, checked by content (magic bytes), never by the name given. */
export const ATTACHMENT_TYPES = [
  'image/jpeg',
  'image/png',
  'application/pdf',
  'audio/mpeg',
  'audio/mp4',
  'audio/wav',
] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];
export const ATTACHMENT_EXTENSIONS: Readonly<Record<AttachmentType, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'application/pdf': 'pdf',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/wav': 'wav',
};
export const ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024;

/** The deadlines an admin may set: working days per state. */
export const CaseDeadlinesPatch = z.partialRecord(
  z.enum(DEADLINE_STATES as [CaseState, ...CaseState[]]),
  z.number().int().min(0).max(MAX_DEADLINE_WORKING_DAYS),
);

/** The working-day calendar, as the console edits it. */
export const CalendarDayPut = z.strictObject({
  kind: z.enum(['holiday', 'workday']),
  name: z.string().trim().min(1).max(50),
});
export const CalendarYearPut = z.strictObject({
  /** The year's holidays and 调休 workdays (any weekday not listed works, any weekend day not listed is off). */
  days: z
    .array(
      z.strictObject({
        day: z.iso.date(),
        kind: z.enum(['holiday', 'workday']),
        name: z.string().trim().min(1).max(50),
      }),
    )
    .max(400),
});
export interface CalendarStatus {
  coveredYears: number[];
  /** Set from 1 November when next year is not covered. */
  missingNextYear: number | null;
}

/** Console notifications (the badge and its list). */
export const NOTIFICATION_KINDS = [
  'case_created',
  'case_assigned',
  'deadline_warning',
  'overdue',
  'daily_digest',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export interface Notification {
  id: string;
  kind: NotificationKind;
  caseId: string | null;
  caseNumber: string | null;
  /** A sentence with no personal data. */
  text: string;
  createdAt: string;
  readAt: string | null;
}

/** 138****1234: the phone as shown everywhere but in an audited reveal. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}
