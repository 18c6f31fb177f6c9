import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from './abilities.js';
import {
  availableActions,
  CASE_ACTIONS,
  CASE_STATES,
  decide,
  type CaseAction,
  type CaseActor,
  type CaseFacts,
  type CaseState,
} from './cases.js';

/**
 * The issue's table, written out again by hand as (from, action, to, roles): the machine may do these and nothing
 * else. `=` is a move that leaves the state as it is.
 */
const ISSUE_TABLE: [CaseState, CaseAction, CaseState | '=', Role[]][] = [
  ['triage', 'assign', 'assigned', ['supervisor']],
  ['assigned', 'reassign', '=', ['supervisor']],
  ['verifying', 'reassign', '=', ['supervisor']],
  ['rectifying', 'reassign', '=', ['supervisor']],
  ['assigned', 'contact', 'verifying', ['handler']],
  ['verifying', 'resolve_on_spot', 'answered', ['handler']],
  ['verifying', 'rectify', 'rectifying', ['handler']],
  ['verifying', 'request_invalid', 'invalid_requested', ['handler']],
  ['verifying', 'request_explain', 'explain_requested', ['handler']],
  ['invalid_requested', 'approve_invalid', 'invalid', ['supervisor']],
  ['invalid_requested', 'reject_invalid', 'verifying', ['supervisor']],
  ['explain_requested', 'approve_explain', 'answered', ['supervisor']],
  ['explain_requested', 'reject_explain', 'verifying', ['supervisor']],
  ['rectifying', 'request_extension', '=', ['handler']],
  ['rectifying', 'approve_extension', '=', ['supervisor']],
  ['rectifying', 'reject_extension', '=', ['supervisor']],
  ['rectifying', 'feedback', 'answered', ['handler']],
  ['answered', 'department_revisit', 'revisit', ['handler', 'supervisor']],
  ['revisit', 'record_revisit', 'review', ['supervisor']],
  ['review', 'close', 'closed', ['supervisor']],
  ['review', 'reopen', 'rectifying', ['supervisor']],
  ['closed', 'admin_reopen', 'verifying', ['admin']],
  ['invalid', 'admin_reopen', 'verifying', ['admin']],
];
const allowed = (from: CaseState, action: CaseAction, role: Role) =>
  ISSUE_TABLE.find(([f, a, , roles]) => f === from && a === action && roles.includes(role));

const SHA = 'a'.repeat(64);
/** A complete input for each action. */
const VALID: Record<CaseAction, Record<string, unknown>> = {
  assign: { departmentCode: 'SCJG' },
  reassign: { departmentCode: 'SCJG', note: '改派至市场监督管理局' },
  contact: { method: 'phone', note: '已电话联系办事人' },
  resolve_on_spot: { note: '当场解释并办结' },
  rectify: { note: '承诺整改', promisedBy: '2026-12-20' },
  request_invalid: { note: '恶意差评', attachments: [SHA] },
  approve_invalid: { note: '监控录像为证' },
  reject_invalid: { note: '证据不足' },
  request_explain: { basis: 'no_legal_basis', note: '缺乏法定依据，已解释' },
  approve_explain: {},
  reject_explain: { note: '应予整改' },
  request_extension: { note: '需协调其他部门', newDueDay: '2026-12-31' },
  approve_extension: {},
  reject_extension: { note: '时限内可完成' },
  feedback: { note: '已整改' },
  department_revisit: { method: 'phone', note: '已回访' },
  record_revisit: { result: 'satisfied', method: 'phone', note: '满意' },
  close: {},
  reopen: { note: '办事人仍不满意' },
  admin_reopen: { note: '复查' },
};

const DEPARTMENTS = ['SCJG', 'GA', 'SW'];
const actorArb: fc.Arbitrary<CaseActor> = fc.record({
  role: fc.constantFrom(...ROLES),
  departments: fc.subarray(DEPARTMENTS),
});
const stepArb = fc.record({
  // Guided: one of the moves some role could make now (so that walks get deep); else any actor, any action.
  guided: fc.constantFrom(true, true, true, false),
  pick: fc.nat(),
  actor: actorArb,
  action: fc.constantFrom(...CASE_ACTIONS),
  // Mostly complete input; sometimes none at all, or the complete one with its note blanked.
  input: fc.constantFrom('valid', 'valid', 'valid', 'empty', 'blank-note'),
});
/** The moves open now to someone: each role, as a member of the case's department. */
const openMoves = (facts: CaseFacts) =>
  ROLES.flatMap((role) => {
    const actor = { role, departments: facts.departmentCode ? [facts.departmentCode] : [] };
    return availableActions(facts, actor).map((action) => ({ actor, action }));
  });
const startArb: fc.Arbitrary<CaseFacts> = fc.record({
  state: fc.constantFrom<CaseState>('triage', 'assigned'),
  departmentCode: fc.constantFrom<string | null>(null, ...DEPARTMENTS),
  extensionPending: fc.constant(false),
});

const inputOf = (action: CaseAction, kind: string) =>
  kind === 'empty' ? {} : kind === 'blank-note' ? { ...VALID[action], note: '   ' } : VALID[action];

/** What an accepted move does to the facts (as the centre applies it). */
function apply(facts: CaseFacts, action: CaseAction, to: CaseState, input: Record<string, unknown>): CaseFacts {
  return {
    state: to,
    departmentCode:
      action === 'assign' || action === 'reassign' ? (input.departmentCode as string) : facts.departmentCode,
    extensionPending:
      action === 'request_extension'
        ? true
        : action === 'approve_extension' || action === 'reject_extension'
          ? false
          : facts.extensionPending,
  };
}

describe('the case state machine', () => {
  it('never takes a move the issue’s table lacks, whatever sequence of actions by whichever role', () => {
    fc.assert(
      fc.property(startArb, fc.array(stepArb, { maxLength: 60 }), (start, steps) => {
        let facts = start;
        for (const step of steps) {
          const moves = openMoves(facts);
          const { actor, action } =
            step.guided && moves.length > 0
              ? moves[step.pick % moves.length]!
              : { actor: step.actor, action: step.action };
          const d = decide(facts, actor, action, inputOf(action, step.input));
          if (!d.ok) continue;
          const row = allowed(facts.state, action, actor.role);
          expect(row, `${actor.role} ${action} from ${facts.state}`).toBeDefined();
          expect(d.to).toBe(row![2] === '=' ? facts.state : row![2]);
          facts = apply(facts, action, d.to, d.input);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('reaches every move of the table from a new case (it is not stricter than the issue either)', () => {
    // Every state the machine can reach, each with every role acting with a complete input.
    const seen = new Set<string>();
    const key = (f: CaseFacts) => `${f.state}:${f.extensionPending}`;
    const queue: CaseFacts[] = [
      { state: 'triage', departmentCode: null, extensionPending: false },
      { state: 'assigned', departmentCode: 'SCJG', extensionPending: false },
    ];
    const visited = new Set(queue.map(key));
    while (queue.length > 0) {
      const facts = queue.shift()!;
      for (const { actor, action } of openMoves({ ...facts, departmentCode: facts.departmentCode ?? 'SCJG' })) {
        const d = decide(facts, actor, action, VALID[action]);
        if (!d.ok) continue;
        seen.add(`${facts.state}:${action}:${actor.role}`);
        const next = apply(facts, action, d.to, d.input);
        if (!visited.has(key(next))) {
          visited.add(key(next));
          queue.push(next);
        }
      }
    }
    expect([...seen].sort()).toEqual(
      ISSUE_TABLE.flatMap(([from, action, , roles]) => roles.map((role) => `${from}:${action}:${role}`)).sort(),
    );
  });

  it('never lets a handler act on, or learn of, another department’s case', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CASE_STATES),
        fc.constantFrom<string | null>(null, ...DEPARTMENTS),
        fc.subarray(DEPARTMENTS),
        fc.constantFrom(...CASE_ACTIONS),
        fc.boolean(),
        (state, departmentCode, departments, action, extensionPending) => {
          if (departmentCode !== null && departments.includes(departmentCode)) return;
          const facts = { state, departmentCode, extensionPending };
          const actor = { role: 'handler' as const, departments };
          const d = decide(facts, actor, action, VALID[action]);
          expect(d.ok).toBe(false);
          if (!d.ok) expect(d.refusal.code).toBe('not_found');
          expect(availableActions(facts, actor)).toEqual([]);
        },
      ),
    );
  });

  it('offers exactly the actions that a complete input would carry out', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CASE_STATES),
        fc.constantFrom(...DEPARTMENTS),
        actorArb,
        fc.boolean(),
        (state, departmentCode, actor, extensionPending) => {
          const facts = { state, departmentCode, extensionPending };
          const offered = availableActions(facts, actor);
          const work = CASE_ACTIONS.filter((a) => decide(facts, actor, a, VALID[a]).ok);
          expect(offered).toEqual(work);
        },
      ),
    );
  });

  it('refuses a move without its note, with the field named', () => {
    for (const action of CASE_ACTIONS) {
      const [from, , , roles] = ISSUE_TABLE.find(([, a]) => a === action)!;
      const facts = {
        state: from,
        departmentCode: 'SCJG',
        extensionPending: action === 'approve_extension' || action === 'reject_extension',
      };
      const d = decide(facts, { role: roles[0]!, departments: ['SCJG'] }, action, { ...VALID[action], note: ' ' });
      const optional = ['assign', 'approve_explain', 'approve_extension', 'close'].includes(action);
      if (optional) {
        // An optional note may be blank.
        expect(d.ok, action).toBe(true);
      } else {
        expect(d.ok, action).toBe(false);
        if (!d.ok) {
          expect(d.refusal.code).toBe('invalid_input');
          expect(d.refusal.message).toContain('note');
        }
      }
    }
  });

  it('refuses each wrong role and each wrong state with its own code', () => {
    const facts: CaseFacts = { state: 'verifying', departmentCode: 'SCJG', extensionPending: false };
    const supervisor = { role: 'supervisor' as const, departments: [] };
    const handler = { role: 'handler' as const, departments: ['SCJG'] };
    expect(decide(facts, supervisor, 'rectify', VALID.rectify)).toMatchObject({
      ok: false,
      refusal: { code: 'forbidden' },
    });
    expect(decide(facts, { role: 'leader', departments: [] }, 'close', {})).toMatchObject({
      ok: false,
      refusal: { code: 'forbidden' },
    });
    expect(decide(facts, handler, 'feedback', VALID.feedback)).toMatchObject({
      ok: false,
      refusal: { code: 'wrong_state' },
    });
    // An extension: one at a time, and decided only when requested.
    const rectifying = { ...facts, state: 'rectifying' as const };
    expect(decide(rectifying, supervisor, 'approve_extension', {})).toMatchObject({
      ok: false,
      refusal: { code: 'wrong_state', message: 'no extension is pending' },
    });
    const pending = { ...rectifying, extensionPending: true };
    expect(decide(pending, handler, 'request_extension', VALID.request_extension)).toMatchObject({
      ok: false,
      refusal: { code: 'wrong_state', message: 'an extension is already pending' },
    });
    // Evidence is required for 无效评价.
    const noEvidence = decide(facts, handler, 'request_invalid', { note: '恶意差评', attachments: [] });
    expect(noEvidence.ok).toBe(false);
    if (!noEvidence.ok) expect(noEvidence.refusal.message).toContain('evidence');
  });

  it('leaves a closed or invalid case only by an admin reopening it with a reason', () => {
    for (const state of ['closed', 'invalid'] as const) {
      const facts = { state, departmentCode: 'SCJG', extensionPending: false };
      for (const role of ROLES) {
        const offered = availableActions(facts, { role, departments: DEPARTMENTS });
        expect(offered).toEqual(role === 'admin' ? ['admin_reopen'] : []);
      }
      expect(decide(facts, { role: 'admin', departments: [] }, 'admin_reopen', {})).toMatchObject({ ok: false });
    }
  });
});
