/**
 * The 意见箱 (第十一条; issue 17, docs/suggestions.md): what anyone may leave without logging in — a 建议, 投诉, 咨询 or
 * 表扬 — and the centre's simple workflow for it: 待处理 → 已转办 (to a department) → 已答复 → 已办结, each step with a
 * deadline in working days. A 投诉 about a service may instead be turned into a 差评 case. Declared once for the
 * public page, the API, the console and the docs. Runs everywhere (pure).
 */
import { z } from 'zod';
import { MAX_COMMENT_LENGTH } from './channels-api.js';
import { codeSchema } from './device-config.js';

export const SUGGESTION_KINDS = ['suggestion', 'complaint', 'inquiry', 'praise'] as const;
export type SuggestionKind = (typeof SUGGESTION_KINDS)[number];
export const SUGGESTION_KIND_LABELS: Readonly<Record<SuggestionKind, string>> = {
  suggestion: '建议',
  complaint: '投诉',
  inquiry: '咨询',
  praise: '表扬',
};

export const SUGGESTION_STATES = ['pending', 'referred', 'answered', 'closed'] as const;
export type SuggestionState = (typeof SUGGESTION_STATES)[number];
export const SUGGESTION_STATE_LABELS: Readonly<Record<SuggestionState, string>> = {
  pending: '待处理',
  referred: '已转办',
  answered: '已答复',
  closed: '已办结',
};

/**
 * Working days each state may last (counted from entering it, on the centre's working-day calendar): the centre
 * refers or answers a new item within 1, the department answers within 5, the centre closes an answered one within 2.
 */
export const SUGGESTION_DEADLINES: Readonly<Partial<Record<SuggestionState, number>>> = {
  pending: 1,
  referred: 5,
  answered: 2,
};

/** The longest text a person may leave (a rating's comment's, which a 投诉 turned into a case becomes), and answer. */
export const MAX_SUGGESTION_LENGTH = MAX_COMMENT_LENGTH;
export const MAX_ANSWER_LENGTH = 1000;

/** Text people write: any line breaks and tabs, no other control character (a NUL is refused by the database). */
const written = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min, `at least ${min} characters`)
    .max(max, `at most ${max} characters`)
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/, 'no control characters');
/** The honeypot: a field people never see and never fill; a form that fills it is a robot's. */
export const HONEYPOT_FIELD = 'website';

/** What a person leaves: from the `/suggest` page (a form) or `POST /api/v1/suggestions` (JSON). */
export const SuggestionCreate = z.strictObject({
  kind: z.enum(SUGGESTION_KINDS),
  text: written(5, MAX_SUGGESTION_LENGTH),
  departmentCode: codeSchema.optional(),
  serviceItemCode: codeSchema.optional(),
  /** A phone number or e-mail address for the answer: sealed like a rater's identity, never listed. */
  contact: z
    .string()
    .trim()
    .regex(/^(\+?[0-9-]{5,20}|[^\s@]{1,64}@[^\s@]{1,190})$/, 'a phone number or an e-mail address')
    .optional(),
  [HONEYPOT_FIELD]: z.string().max(200).optional(),
});
export type SuggestionCreate = z.infer<typeof SuggestionCreate>;

/**
 * The actions, each from the states it is allowed in and to the state it leads to. Who may act: the centre
 * (admin, supervisor) on every item; a department's handler only answers what was referred to its department.
 */
export const SUGGESTION_ACTIONS = {
  refer: { from: ['pending'], to: 'referred', label: '转办' },
  answer: { from: ['pending', 'referred'], to: 'answered', label: '答复' },
  close: { from: ['answered'], to: 'closed', label: '办结' },
  toCase: { from: ['pending', 'referred'], to: 'closed', label: '转为差评工单' },
} as const satisfies Record<string, { from: readonly SuggestionState[]; to: SuggestionState; label: string }>;
export type SuggestionAction = keyof typeof SUGGESTION_ACTIONS;

export const SuggestionActionRequest = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('refer'), departmentCode: codeSchema, note: written(0, 500).optional() }),
  z.strictObject({ action: z.literal('answer'), answer: written(1, MAX_ANSWER_LENGTH) }),
  z.strictObject({ action: z.literal('close'), note: written(0, 500).optional() }),
  z.strictObject({ action: z.literal('toCase'), departmentCode: codeSchema.optional() }),
]);
export type SuggestionActionRequest = z.infer<typeof SuggestionActionRequest>;

export const SuggestionQuery = z.strictObject({
  state: z.enum(SUGGESTION_STATES).optional(),
  kind: z.enum(SUGGESTION_KINDS).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type SuggestionQuery = z.infer<typeof SuggestionQuery>;

/** An item as the console lists it: never its contact (only whether there is one). */
export interface SuggestionItem {
  id: string;
  /** 意见编号, e.g. YJ20261202-0003. */
  number: string;
  kind: SuggestionKind;
  text: string;
  state: SuggestionState;
  departmentCode: string | null;
  serviceItemCode: string | null;
  hasContact: boolean;
  answer: string | null;
  caseId: string | null;
  createdAt: string;
  dueAt: string | null;
  overdue: boolean;
}

export interface SuggestionEvent {
  action: 'created' | SuggestionAction;
  fromState: SuggestionState | null;
  toState: SuggestionState;
  actorName: string;
  at: string;
  note: string | null;
}

export interface SuggestionDetail extends SuggestionItem {
  events: SuggestionEvent[];
}

export interface SuggestionPage {
  items: SuggestionItem[];
  nextCursor: string | null;
}
