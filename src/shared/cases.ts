/**
 * The 差评 closed loop (第十二–十五条, issue 16), declared once: a case's states, the actions that move it, who may
 * take each, what each must carry, and the default deadline of each state in working days. `decide` is the only
 * judge of a transition: the centre calls it inside the transaction that applies it, the console calls it to show
 * only the actions the viewer may take now, and the property tests walk it. Runs everywhere (pure).
 *
 * A case is one 差评 (one evaluation rated 1 or 2, from any channel); it never holds the rater's identity. Overdue
 * is a flag computed from `dueAt`, never a state.
 */
import { z } from 'zod';
import type { Role } from './abilities.js';

export const CASE_STATES = [
  'triage',
  'assigned',
  'verifying',
  'invalid_requested',
  'rectifying',
  'explain_requested',
  'answered',
  'revisit',
  'review',
  'closed',
  'invalid',
] as const;
export type CaseState = (typeof CASE_STATES)[number];
export const CaseStateSchema = z.enum(CASE_STATES);

export const CASE_STATE_LABELS: Readonly<Record<CaseState, { zh: string; en: string }>> = {
  triage: { zh: '待分派', en: 'Triage' },
  assigned: { zh: '待核实', en: 'Assigned' },
  verifying: { zh: '核实中', en: 'Verifying' },
  invalid_requested: { zh: '无效评价申请', en: 'Invalid requested' },
  rectifying: { zh: '限期整改', en: 'Rectifying' },
  explain_requested: { zh: '无法解决申请', en: 'Explanation requested' },
  answered: { zh: '已反馈', en: 'Answered' },
  revisit: { zh: '回访', en: 'Revisit' },
  review: { zh: '复核', en: 'Review' },
  closed: { zh: '已办结', en: 'Closed' },
  invalid: { zh: '无效评价', en: 'Invalid' },
};

export const TERMINAL_STATES: readonly CaseState[] = ['closed', 'invalid'];
/** The states in which the rater may be contacted, so the only ones in which the sealed phone may be revealed. */
export const CONTACT_STATES: readonly CaseState[] = ['assigned', 'verifying', 'revisit'];

/**
 * Default deadlines, in working days, of the states that have one: due at the end of the Nth working day after the
 * day the case entered the state (0: the same working day). `rectifying` counts from the case's creation (15 WD to
 * rectify, whatever the steps before took). An admin may change each (the `case_deadlines` table).
 */
export const DEFAULT_DEADLINES: Readonly<
  Partial<Record<CaseState, { workingDays: number; from: 'entered' | 'created' }>>
> = {
  triage: { workingDays: 0, from: 'entered' },
  assigned: { workingDays: 1, from: 'entered' },
  verifying: { workingDays: 2, from: 'entered' },
  invalid_requested: { workingDays: 3, from: 'entered' },
  rectifying: { workingDays: 15, from: 'created' },
  explain_requested: { workingDays: 3, from: 'entered' },
  answered: { workingDays: 3, from: 'entered' },
  review: { workingDays: 2, from: 'entered' },
};
export const DEADLINE_STATES = Object.keys(DEFAULT_DEADLINES) as CaseState[];
/** The most working days an admin may set for a state. */
export const MAX_DEADLINE_WORKING_DAYS = 60;

/** How the rater was reached at first contact (核实), or that they could not be. */
export const CONTACT_METHODS = ['phone', 'sms', 'wechat', 'visit', 'unreachable'] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];
export const CONTACT_METHOD_LABELS: Readonly<Record<ContactMethod, string>> = {
  phone: '电话',
  sms: '短信',
  wechat: '微信',
  visit: '上门/当面',
  unreachable: '联系不上',
};

/** The result of the centre's 复核回访. */
export const REVISIT_RESULTS = ['satisfied', 'basically_satisfied', 'dissatisfied', 'unreachable'] as const;
export type RevisitResult = (typeof REVISIT_RESULTS)[number];
export const REVISIT_RESULT_LABELS: Readonly<Record<RevisitResult, string>> = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
  unreachable: '联系不上',
};

/** Why a 差评 cannot be resolved (无法解决): the explanation given to the rater. */
export const EXPLAIN_BASES = ['no_legal_basis', 'beyond_authority', 'objective_conditions', 'other'] as const;
export type ExplainBasis = (typeof EXPLAIN_BASES)[number];
export const EXPLAIN_BASIS_LABELS: Readonly<Record<ExplainBasis, string>> = {
  no_legal_basis: '缺乏法定依据',
  beyond_authority: '超出职权范围',
  objective_conditions: '客观条件限制',
  other: '其他',
};

const note = z.string().trim().min(1, 'a note is required').max(2000);
const optionalNote = z.string().trim().max(2000).optional();
const code = z.string().trim().min(1).max(32);
/** A Beijing calendar day. */
export const DaySchema = z.iso.date();
/** Attachments already uploaded to the case (their SHA-256), carried by the transition. */
const attachments = z.array(z.string().regex(/^[0-9a-f]{64}$/, 'an attachment id (SHA-256)')).max(10);

/**
 * The actions, each with the input it must carry. Self-transitions (reassign, the extension's request and decision)
 * leave the state as it is.
 */
export const CASE_ACTION_INPUTS = {
  assign: z.strictObject({ departmentCode: code, handlerId: z.uuid().optional(), note: optionalNote }),
  reassign: z.strictObject({ departmentCode: code, handlerId: z.uuid().optional(), note }),
  contact: z.strictObject({ method: z.enum(CONTACT_METHODS), note, attachments: attachments.optional() }),
  resolve_on_spot: z.strictObject({ note, attachments: attachments.optional() }),
  rectify: z.strictObject({ note, promisedBy: DaySchema }),
  request_invalid: z.strictObject({ note, attachments: attachments.min(1, 'evidence is required') }),
  approve_invalid: z.strictObject({ note }),
  reject_invalid: z.strictObject({ note }),
  request_explain: z.strictObject({ basis: z.enum(EXPLAIN_BASES), note, attachments: attachments.optional() }),
  approve_explain: z.strictObject({ note: optionalNote }),
  reject_explain: z.strictObject({ note }),
  request_extension: z.strictObject({ note, newDueDay: DaySchema }),
  approve_extension: z.strictObject({ note: optionalNote }),
  reject_extension: z.strictObject({ note }),
  feedback: z.strictObject({ note, attachments: attachments.optional() }),
  department_revisit: z.strictObject({ method: z.enum(CONTACT_METHODS), note }),
  record_revisit: z.strictObject({
    result: z.enum(REVISIT_RESULTS),
    method: z.enum(CONTACT_METHODS),
    note,
    /** 追评: the rater's second rating, when given. */
    followUpLevel: z.union([1, 2, 3, 4, 5].map((l) => z.literal(l))).optional(),
  }),
  close: z.strictObject({ note: optionalNote }),
  reopen: z.strictObject({ note }),
  admin_reopen: z.strictObject({ note }),
} as const;
export type CaseAction = keyof typeof CASE_ACTION_INPUTS;
export const CASE_ACTIONS = Object.keys(CASE_ACTION_INPUTS) as CaseAction[];
export type CaseActionInput<A extends CaseAction> = z.infer<(typeof CASE_ACTION_INPUTS)[A]>;

/** Who acts in the transition table: the case's department (a handler of it) or the centre. */
type Actor = Extract<Role, 'supervisor' | 'handler' | 'admin'>;

interface Transition {
  from: readonly CaseState[];
  /** null: the state stays. */
  to: CaseState | null;
  by: readonly Actor[];
  /** Only while an extension is (or is not) pending. */
  extensionPending?: boolean;
}

/** The transition table: the only place a move of a case is said. */
export const CASE_TRANSITIONS: Readonly<Record<CaseAction, Transition>> = {
  assign: { from: ['triage'], to: 'assigned', by: ['supervisor'] },
  reassign: { from: ['assigned', 'verifying', 'rectifying'], to: null, by: ['supervisor'] },
  contact: { from: ['assigned'], to: 'verifying', by: ['handler'] },
  resolve_on_spot: { from: ['verifying'], to: 'answered', by: ['handler'] },
  rectify: { from: ['verifying'], to: 'rectifying', by: ['handler'] },
  request_invalid: { from: ['verifying'], to: 'invalid_requested', by: ['handler'] },
  approve_invalid: { from: ['invalid_requested'], to: 'invalid', by: ['supervisor'] },
  reject_invalid: { from: ['invalid_requested'], to: 'verifying', by: ['supervisor'] },
  request_explain: { from: ['verifying'], to: 'explain_requested', by: ['handler'] },
  approve_explain: { from: ['explain_requested'], to: 'answered', by: ['supervisor'] },
  reject_explain: { from: ['explain_requested'], to: 'verifying', by: ['supervisor'] },
  request_extension: { from: ['rectifying'], to: null, by: ['handler'], extensionPending: false },
  approve_extension: { from: ['rectifying'], to: null, by: ['supervisor'], extensionPending: true },
  reject_extension: { from: ['rectifying'], to: null, by: ['supervisor'], extensionPending: true },
  feedback: { from: ['rectifying'], to: 'answered', by: ['handler'] },
  department_revisit: { from: ['answered'], to: 'revisit', by: ['handler', 'supervisor'] },
  record_revisit: { from: ['revisit'], to: 'review', by: ['supervisor'] },
  close: { from: ['review'], to: 'closed', by: ['supervisor'] },
  reopen: { from: ['review'], to: 'rectifying', by: ['supervisor'] },
  admin_reopen: { from: ['closed', 'invalid'], to: 'verifying', by: ['admin'] },
};

export const CASE_ACTION_LABELS: Readonly<Record<CaseAction, { zh: string; en: string }>> = {
  assign: { zh: '分派', en: 'Assign' },
  reassign: { zh: '改派', en: 'Reassign' },
  contact: { zh: '联系核实', en: 'Record contact' },
  resolve_on_spot: { zh: '当场解决', en: 'Resolved on the spot' },
  rectify: { zh: '限期整改', en: 'Rectify by a date' },
  request_invalid: { zh: '申请无效评价', en: 'Request invalid' },
  approve_invalid: { zh: '认定无效评价', en: 'Approve invalid' },
  reject_invalid: { zh: '驳回无效申请', en: 'Reject invalid' },
  request_explain: { zh: '申请无法解决', en: 'Request explanation' },
  approve_explain: { zh: '同意解释说明', en: 'Approve explanation' },
  reject_explain: { zh: '驳回无法解决', en: 'Reject explanation' },
  request_extension: { zh: '申请延期', en: 'Request extension' },
  approve_extension: { zh: '批准延期', en: 'Approve extension' },
  reject_extension: { zh: '驳回延期', en: 'Reject extension' },
  feedback: { zh: '整改反馈', en: 'Rectification done' },
  department_revisit: { zh: '部门回访', en: 'Department revisit' },
  record_revisit: { zh: '复核回访', en: 'Centre revisit' },
  close: { zh: '办结', en: 'Close' },
  reopen: { zh: '重新整改', en: 'Reopen' },
  admin_reopen: { zh: '重新打开', en: 'Reopen (admin)' },
};

/** What `decide` needs to know of a case. */
export interface CaseFacts {
  state: CaseState;
  departmentCode: string | null;
  extensionPending: boolean;
}

/** What `decide` needs to know of the one acting. */
export interface CaseActor {
  role: Role;
  /** A handler's departments; ignored for the other roles. */
  departments: readonly string[];
}

export type CaseRefusal =
  | { code: 'forbidden'; message: string }
  | { code: 'not_found'; message: string }
  | { code: 'wrong_state'; message: string }
  | { code: 'invalid_input'; message: string };

export type Decision<A extends CaseAction = CaseAction> =
  { ok: true; action: A; input: CaseActionInput<A>; to: CaseState } | { ok: false; refusal: CaseRefusal };

/** Whether `actor` may see the case at all: the centre's roles see every case, a handler its departments' only. */
export function maySeeCase(actor: CaseActor, facts: Pick<CaseFacts, 'departmentCode'>): boolean {
  if (actor.role !== 'handler') return true;
  return facts.departmentCode !== null && actor.departments.includes(facts.departmentCode);
}

/**
 * Whether `actor` may take `action` on the case, and if so with what input and to which state. The checks, in
 * order: may the actor see the case (a handler of another department learns nothing: `not_found`), is the action
 * its role's, is the case in a state the action leaves, is the input complete.
 */
export function decide<A extends CaseAction>(
  facts: CaseFacts,
  actor: CaseActor,
  action: A,
  input: unknown,
): Decision<A> {
  const transition = CASE_TRANSITIONS[action] as Transition | undefined;
  if (!transition) return { ok: false, refusal: { code: 'invalid_input', message: `no action ${String(action)}` } };
  if (!maySeeCase(actor, facts)) return { ok: false, refusal: { code: 'not_found', message: 'no such case' } };
  if (!(transition.by as readonly Role[]).includes(actor.role)) {
    return {
      ok: false,
      refusal: { code: 'forbidden', message: `the role ${actor.role} may not ${action} a case` },
    };
  }
  if (!transition.from.includes(facts.state)) {
    return {
      ok: false,
      refusal: { code: 'wrong_state', message: `a case in ${facts.state} cannot be ${action}` },
    };
  }
  if (transition.extensionPending !== undefined && transition.extensionPending !== facts.extensionPending) {
    return {
      ok: false,
      refusal: {
        code: 'wrong_state',
        message: facts.extensionPending ? 'an extension is already pending' : 'no extension is pending',
      },
    };
  }
  const parsed = CASE_ACTION_INPUTS[action].safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return {
      ok: false,
      refusal: { code: 'invalid_input', message: `${issue.path.join('.') || 'input'}: ${issue.message}` },
    };
  }
  return { ok: true, action, input: parsed.data as CaseActionInput<A>, to: transition.to ?? facts.state };
}

/** The actions `actor` may take on the case now (the console shows these and no other). */
export function availableActions(facts: CaseFacts, actor: CaseActor): CaseAction[] {
  if (!maySeeCase(actor, facts)) return [];
  return CASE_ACTIONS.filter((action) => {
    const t = CASE_TRANSITIONS[action];
    return (
      (t.by as readonly Role[]).includes(actor.role) &&
      t.from.includes(facts.state) &&
      (t.extensionPending === undefined || t.extensionPending === facts.extensionPending)
    );
  });
}

/** Whether a state counts the case as open (not terminal). */
export const isOpenState = (state: CaseState) => !TERMINAL_STATES.includes(state);
