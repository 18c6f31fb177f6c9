/**
 * Integration (real PostgreSQL, the whole Fastify stack): the 差评 cases through the admin API (issue 16). Ingest
 * makes one case per 差评 and its alert, never a second; every action of the transition table is taken through
 * `POST /cases/:id/actions` by the role it is for, and every refusal answers its status (wrong role 403, another
 * department's case 404, wrong state 409, missing note 400) and changes nothing; a handler of another department
 * never sees a case (list, counts, detail, attachment, reveal); the callback phone is masked in every answer but
 * the audited reveal; attachments are typed by content and their downloads audited.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_ACTIONS, type CaseAction } from '../../shared/cases.js';
import {
  ATTACHMENT_MAX_BYTES,
  type CaseAttachment,
  type CaseCounts,
  type CaseDetail,
  type CaseListItem,
  type CasePage,
} from '../../shared/cases-api.js';
import { batch, evaluation, outcomes, startHarness, type Harness, type Kiosk } from '../test-support/api-harness.js';
import {
  deliverBadRating,
  deliverTriageCase,
  JPEG,
  PHONE,
  signInPeople,
  type People,
  type Person,
} from './test-support/case-fixtures.js';

describe('the 差评 cases through the admin API', () => {
  let h: Harness;
  let p: People;
  let terminal: Kiosk;
  /** Every action the tests took successfully, to prove the table is walked whole. */
  const taken = new Set<CaseAction>();
  const move = async (who: Person, id: string, action: CaseAction, input: Record<string, unknown> = {}) => {
    const after = await p.move(who, id, action, input);
    taken.add(action);
    return after;
  };
  const later = (days: number) => new Date(Date.now() + (8 + 24 * days) * 3600_000).toISOString().slice(0, 10);

  const triageCase = () => deliverTriageCase(h, terminal);
  const upload = (who: Person, id: string, bytes: Buffer, name = 'photo.jpg') =>
    p.request(who, 'POST', `/cases/${id}/attachments?name=${encodeURIComponent(name)}`, bytes, {
      'content-type': 'application/octet-stream',
    });

  beforeAll(async () => {
    h = await startHarness();
    p = await signInPeople(h);
    terminal = await h.enrol({ mode: 'terminal', name: '大厅评价终端' });
    const res = await h.admin('POST', '/service-items', { code: 'GA-0001', name: '户籍迁移', departmentCode: 'GA' });
    expect(res.statusCode).toBe(201);
  });
  afterAll(() => h.close());

  describe('ingest', () => {
    it('makes exactly one case, its created event and one case_created alert for a 差评; the batch sent again makes none', async () => {
      const e = evaluation({ satisfaction: 2 });
      const first = await h.device('POST', '/api/v1/device/records', batch([e]));
      expect(outcomes(first)).toEqual(['accepted']);
      const again = await h.device('POST', '/api/v1/device/records', batch([e]));
      expect(outcomes(again)).toEqual(['duplicate']);
      const cases = await h.db.query<{
        id: string;
        state: string;
        department_code: string;
        number: string;
        due_at: Date;
      }>('SELECT id::text AS id, state, department_code, number, due_at FROM cases WHERE evaluation_id = $1', [e.id]);
      expect(cases).toHaveLength(1);
      const [c] = cases;
      expect(c).toMatchObject({ state: 'assigned', department_code: 'SCJG' });
      expect(c!.due_at).toBeInstanceOf(Date);
      expect(c!.number).toMatch(/^CP\d{8}-\d{4,}$/);
      const alerts = await h.db.query<{ key: string; kind: string; payload: Record<string, unknown> }>(
        'SELECT key, kind, payload FROM alert_outbox WHERE case_id = $1',
        [c!.id],
      );
      expect(alerts).toEqual([
        {
          key: `case_created:${c!.id}`,
          kind: 'case_created',
          payload: {
            caseId: c!.id,
            number: c!.number,
            state: 'assigned',
            departmentCode: 'SCJG',
            satisfaction: 2,
            // As JSON gives a Date: the receivers parse one format.
            dueAt: c!.due_at.toISOString(),
          },
        },
      ]);
      expect(await h.count(`case_events WHERE case_id = '${c!.id}' AND action = 'created'`)).toBe(1);
    });

    it('makes one case when the same 差评 arrives in two batches at once (a retry overlapping its first try)', async () => {
      const e = evaluation({ satisfaction: 1 });
      const [a, b] = await Promise.all([
        h.device('POST', '/api/v1/device/records', batch([e, evaluation({ satisfaction: 4 })])),
        h.device('POST', '/api/v1/device/records', batch([e])),
      ]);
      expect([...outcomes(a).slice(0, 1), ...outcomes(b)].sort()).toEqual(['accepted', 'duplicate']);
      expect(await h.count(`cases WHERE evaluation_id = '${e.id}'`)).toBe(1);
      expect(
        await h.count(
          `alert_outbox WHERE kind = 'case_created' AND case_id IN (SELECT id FROM cases WHERE evaluation_id = '${e.id}')`,
        ),
      ).toBe(1);
    });

    it('makes no case for a rating of 3 to 5, nor for an unrated or cancelled evaluation', async () => {
      const before = await h.count('cases');
      const records = [
        evaluation({ satisfaction: 3 }),
        evaluation({ satisfaction: 5 }),
        evaluation({ outcome: 'unrated', satisfaction: null, source: null }),
        evaluation({ outcome: 'cancelled', satisfaction: null, source: null }),
      ];
      const res = await h.device('POST', '/api/v1/device/records', batch(records));
      expect(outcomes(res)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
      expect(await h.count('cases')).toBe(before);
    });

    it('routes to the service item’s department, else the window’s, and with neither waits in 待分派', async () => {
      const item = (await deliverBadRating(h, { serviceItemCode: 'GA-0001' })).item;
      expect(item).toMatchObject({ departmentCode: 'GA', state: 'assigned', windowCode: 'W01' });
      const windowOnly = (await deliverBadRating(h, { serviceItemCode: null })).item;
      expect(windowOnly).toMatchObject({ departmentCode: 'SCJG', state: 'assigned' });
      const neither = await triageCase();
      expect(neither).toMatchObject({ departmentCode: null, state: 'triage', channel: 'hall_terminal' });
    });

    it('makes one case per 差评 of a mixed batch, in the statement that writes its evaluations', async () => {
      const before = await h.count('cases');
      const alertsBefore = await h.count(`alert_outbox WHERE kind = 'case_created'`);
      const records = [1, 4, 2, 5, 1].map((satisfaction) => evaluation({ satisfaction }));
      const res = await h.device('POST', '/api/v1/device/records', batch(records));
      expect(outcomes(res)).toEqual(Array(5).fill('accepted'));
      expect(await h.count('cases')).toBe(before + 3);
      expect(await h.count(`alert_outbox WHERE kind = 'case_created'`)).toBe(alertsBefore + 3);
    });
  });

  describe('every transition of the table, by the role it is for', () => {
    it('takes a case from 待分派 through contact, 限期整改 with an extension, 回访 不满意, reopen, rectification, 回访 满意 and 复核 to 已办结, and an admin reopens it', async () => {
      const c = await triageCase();
      let d = await move('supervisor', c.id, 'assign', {
        departmentCode: 'SCJG',
        handlerId: p.ids.scjg,
        note: '请核实',
      });
      expect(d).toMatchObject({
        state: 'assigned',
        departmentCode: 'SCJG',
        handlerId: p.ids.scjg,
        handlerName: 'scjg 同志',
      });
      const assigned = await h.db.query<{ payload: Record<string, unknown> }>(
        `SELECT payload FROM alert_outbox WHERE case_id = $1 AND kind = 'case_assigned'`,
        [c.id],
      );
      expect(assigned).toEqual([
        {
          payload: expect.objectContaining({ caseId: c.id, departmentCode: 'SCJG', handlerId: p.ids.scjg }) as unknown,
        },
      ]);
      d = await move('scjg', c.id, 'contact', { method: 'phone', note: '已电话联系' });
      expect(d.state).toBe('verifying');
      d = await move('scjg', c.id, 'rectify', { note: '整改窗口引导', promisedBy: later(5) });
      expect(d).toMatchObject({ state: 'rectifying', promisedBy: later(5) });
      d = await move('scjg', c.id, 'request_extension', { note: '需采购设备', newDueDay: later(60) });
      expect(d).toMatchObject({ extensionPending: true, extension: { newDueDay: later(60), note: '需采购设备' } });
      expect(d.actions).not.toContain('request_extension');
      d = await move('supervisor', c.id, 'approve_extension', {});
      expect(d).toMatchObject({ extensionPending: false, extension: null, deadlineDay: later(60) });
      d = await move('scjg', c.id, 'feedback', { note: '已整改' });
      expect(d.state).toBe('answered');
      d = await move('scjg', c.id, 'department_revisit', { method: 'phone', note: '部门回访' });
      expect(d.state).toBe('revisit');
      d = await move('supervisor', c.id, 'record_revisit', {
        result: 'dissatisfied',
        method: 'phone',
        note: '仍不满意',
      });
      expect(d.state).toBe('review');
      d = await move('supervisor', c.id, 'reopen', { note: '整改未到位' });
      expect(d).toMatchObject({ state: 'rectifying', reopenCount: 1 });
      d = await move('scjg', c.id, 'feedback', { note: '再次整改' });
      d = await move('supervisor', c.id, 'department_revisit', { method: 'visit', note: '中心回访' });
      d = await move('supervisor', c.id, 'record_revisit', {
        result: 'satisfied',
        method: 'phone',
        note: '满意',
        followUpLevel: 4,
      });
      expect(d).toMatchObject({ state: 'review', followUpLevel: 4 });
      d = await move('supervisor', c.id, 'close', {});
      expect(d).toMatchObject({ state: 'closed', dueAt: null, actions: [] });
      const admin = await p.detail('admin', c.id);
      expect(admin.json<CaseDetail>().actions).toEqual(['admin_reopen']);
      d = await move('admin', c.id, 'admin_reopen', { note: '复查发现问题' });
      expect(d).toMatchObject({ state: 'verifying', reopenCount: 2 });
      // The timeline: every transition with its actor, time and note, after the creation.
      expect(d.events.map((e) => [e.action, e.from, e.to, e.actor.name])).toEqual([
        ['created', null, 'triage', 'system'],
        ['assign', 'triage', 'assigned', 'case-supervisor'],
        ['contact', 'assigned', 'verifying', 'case-scjg'],
        ['rectify', 'verifying', 'rectifying', 'case-scjg'],
        ['request_extension', 'rectifying', 'rectifying', 'case-scjg'],
        ['approve_extension', 'rectifying', 'rectifying', 'case-supervisor'],
        ['feedback', 'rectifying', 'answered', 'case-scjg'],
        ['department_revisit', 'answered', 'revisit', 'case-scjg'],
        ['record_revisit', 'revisit', 'review', 'case-supervisor'],
        ['reopen', 'review', 'rectifying', 'case-supervisor'],
        ['feedback', 'rectifying', 'answered', 'case-scjg'],
        ['department_revisit', 'answered', 'revisit', 'case-supervisor'],
        ['record_revisit', 'revisit', 'review', 'case-supervisor'],
        ['close', 'review', 'closed', 'case-supervisor'],
        ['admin_reopen', 'closed', 'verifying', 'case-admin'],
      ]);
      expect(d.events.find((e) => e.action === 'contact')).toMatchObject({
        note: '已电话联系',
        detail: { method: 'phone' },
      });
      expect(d.events.find((e) => e.action === 'record_revisit')).toMatchObject({
        detail: { result: 'dissatisfied', method: 'phone' },
      });
      expect(d.events.every((e) => !Number.isNaN(Date.parse(e.at)))).toBe(true);
      // Each transition is audited, with codes and never the note.
      const audits = await h.db.query<{ summary: Record<string, unknown> }>(
        `SELECT summary FROM audit_log WHERE action = 'case.transitioned' AND target = $1 ORDER BY seq`,
        [`case:${c.id}`],
      );
      expect(audits).toHaveLength(14);
      expect(audits[0]!.summary).toEqual({ number: c.number, action: 'assign', from: 'triage', to: 'assigned' });
      expect(JSON.stringify(audits)).not.toContain('已电话联系');
    });

    it('takes a case through 无效评价申请: rejected back to 核实中, then approved to 无效评价 with its evidence', async () => {
      const { item: c } = await deliverBadRating(h);
      await move('scjg', c.id, 'contact', { method: 'sms', note: '短信联系' });
      const photo = await upload('scjg', c.id, JPEG, 'evidence.jpg');
      expect(photo.statusCode).toBe(201);
      const sha = photo.json<CaseAttachment>().sha256;
      let d = await move('scjg', c.id, 'request_invalid', { note: '恶意差评', attachments: [sha] });
      expect(d.state).toBe('invalid_requested');
      expect(d.events.at(-1)!.attachments.map((a) => a.sha256)).toEqual([sha]);
      // Never the department: the supervisor decides.
      expect((await p.act('scjg', c.id, 'approve_invalid', { note: '自批' })).statusCode).toBe(403);
      d = await move('supervisor', c.id, 'reject_invalid', { note: '证据不足' });
      expect(d.state).toBe('verifying');
      await move('scjg', c.id, 'request_invalid', { note: '补充证据', attachments: [sha] });
      d = await move('supervisor', c.id, 'approve_invalid', { note: '认定无效' });
      expect(d).toMatchObject({ state: 'invalid', dueAt: null, overdue: false });
    });

    it('takes a case through 无法解决申请 (rejected, then approved) and another resolved on the spot', async () => {
      const { item: c } = await deliverBadRating(h);
      await move('scjg', c.id, 'contact', { method: 'visit', note: '当面' });
      let d = await move('scjg', c.id, 'request_explain', { basis: 'no_legal_basis', note: '缺乏法定依据' });
      expect(d.state).toBe('explain_requested');
      d = await move('supervisor', c.id, 'reject_explain', { note: '可以解决' });
      expect(d.state).toBe('verifying');
      await move('scjg', c.id, 'request_explain', { basis: 'beyond_authority', note: '超出职权' });
      d = await move('supervisor', c.id, 'approve_explain', {});
      expect(d.state).toBe('answered');

      const { item: spot } = await deliverBadRating(h);
      await move('scjg', spot.id, 'contact', { method: 'unreachable', note: '未接通' });
      d = await move('scjg', spot.id, 'resolve_on_spot', { note: '当场解决' });
      expect(d.state).toBe('answered');
    });

    it('reassigns a case to another department (which then sees it, and the first no longer) and rejects an extension', async () => {
      const { item: c } = await deliverBadRating(h);
      let d = await move('supervisor', c.id, 'reassign', { departmentCode: 'GA', note: '属公安业务' });
      expect(d).toMatchObject({ state: 'assigned', departmentCode: 'GA', handlerId: null });
      expect((await p.detail('scjg', c.id)).statusCode).toBe(404);
      expect((await p.detail('ga', c.id)).statusCode).toBe(200);
      await move('ga', c.id, 'contact', { method: 'phone', note: '联系' });
      await move('ga', c.id, 'rectify', { note: '整改', promisedBy: later(3) });
      await move('ga', c.id, 'request_extension', { note: '延期', newDueDay: later(90) });
      d = await move('supervisor', c.id, 'reject_extension', { note: '不予延期' });
      expect(d).toMatchObject({ extensionPending: false, extension: null });
      expect(d.deadlineDay).not.toBe(later(90));
    });

    it('has taken every action of the table through the API', () => {
      expect([...taken].sort()).toEqual([...CASE_ACTIONS].sort());
    });
  });

  describe('refusals change nothing and answer their status', () => {
    const unchanged = async (id: string, run: () => Promise<{ statusCode: number; json: <T>() => T }>) => {
      const before = (await p.detail('supervisor', id)).json<CaseDetail>();
      const res = await run();
      const after = (await p.detail('supervisor', id)).json<CaseDetail>();
      expect(after.state).toBe(before.state);
      expect(after.events).toHaveLength(before.events.length);
      return { status: res.statusCode, code: res.json<{ error: string }>().error };
    };

    it('refuses the wrong role 403 forbidden', async () => {
      const { item: c } = await deliverBadRating(h);
      expect(await unchanged(c.id, () => p.act('scjg', c.id, 'reassign', { departmentCode: 'GA', note: 'x' }))).toEqual(
        {
          status: 403,
          code: 'forbidden',
        },
      );
      expect(await unchanged(c.id, () => p.act('supervisor', c.id, 'contact', { method: 'phone', note: 'x' }))).toEqual(
        {
          status: 403,
          code: 'forbidden',
        },
      );
      expect(await unchanged(c.id, () => p.act('admin', c.id, 'contact', { method: 'phone', note: 'x' }))).toEqual({
        status: 403,
        code: 'forbidden',
      });
      // A leader may read cases and act on none (the route's ability).
      expect(await unchanged(c.id, () => p.act('leader', c.id, 'contact', { method: 'phone', note: 'x' }))).toEqual({
        status: 403,
        code: 'forbidden',
      });
    });

    it('refuses a handler of another department 404 not_found, as for a case that does not exist', async () => {
      const { item: c } = await deliverBadRating(h);
      expect(await unchanged(c.id, () => p.act('ga', c.id, 'contact', { method: 'phone', note: 'x' }))).toEqual({
        status: 404,
        code: 'not_found',
      });
      const none = await p.act('scjg', '0190a0b0-0000-7000-8000-000000000000', 'contact', {
        method: 'phone',
        note: 'x',
      });
      expect(none.statusCode).toBe(404);
    });

    it('refuses the wrong state 409 wrong_state', async () => {
      const { item: c } = await deliverBadRating(h);
      expect(await unchanged(c.id, () => p.act('scjg', c.id, 'feedback', { note: 'x' }))).toEqual({
        status: 409,
        code: 'wrong_state',
      });
      expect(await unchanged(c.id, () => p.act('supervisor', c.id, 'close', {}))).toEqual({
        status: 409,
        code: 'wrong_state',
      });
      await move('scjg', c.id, 'contact', { method: 'phone', note: 'x' });
      await move('scjg', c.id, 'rectify', { note: 'x', promisedBy: later(2) });
      expect(await unchanged(c.id, () => p.act('supervisor', c.id, 'approve_extension', {}))).toEqual({
        status: 409,
        code: 'wrong_state',
      });
    });

    it('refuses a missing note, missing evidence, an attachment of no such upload and an unknown department 400', async () => {
      const { item: c } = await deliverBadRating(h);
      expect(await unchanged(c.id, () => p.act('scjg', c.id, 'contact', { method: 'phone' }))).toEqual({
        status: 400,
        code: 'invalid_input',
      });
      expect(await unchanged(c.id, () => p.act('scjg', c.id, 'contact', { method: 'phone', note: '   ' }))).toEqual({
        status: 400,
        code: 'invalid_input',
      });
      await move('scjg', c.id, 'contact', { method: 'phone', note: 'x' });
      expect(
        await unchanged(c.id, () => p.act('scjg', c.id, 'request_invalid', { note: 'x', attachments: [] })),
      ).toEqual({
        status: 400,
        code: 'invalid_input',
      });
      const stranger = 'a'.repeat(64);
      expect(
        await unchanged(c.id, () => p.act('scjg', c.id, 'request_invalid', { note: 'x', attachments: [stranger] })),
      ).toEqual({ status: 400, code: 'invalid_input' });
      expect(
        await unchanged(c.id, () => p.act('scjg', c.id, 'rectify', { note: 'x', promisedBy: '2020-01-01' })),
      ).toEqual({
        status: 400,
        code: 'invalid_input',
      });
      expect(
        await unchanged(c.id, () => p.act('supervisor', c.id, 'reassign', { departmentCode: 'NOPE', note: 'x' })),
      ).toEqual({ status: 400, code: 'invalid_input' });
      expect(
        await unchanged(c.id, () =>
          p.act('supervisor', c.id, 'reassign', { departmentCode: 'SCJG', handlerId: p.ids.ga, note: 'x' }),
        ),
      ).toEqual({ status: 400, code: 'invalid_input' });
      const unknown = await p.request('scjg', 'POST', `/cases/${c.id}/actions`, { action: 'teleport', input: {} });
      expect(unknown.statusCode).toBe(400);
    });
  });

  describe('a handler of another department never sees a case', () => {
    let c: CaseListItem;
    let sha: string;
    beforeAll(async () => {
      c = (await deliverBadRating(h)).item;
      const res = await upload('scjg', c.id, JPEG);
      sha = res.json<CaseAttachment>().sha256;
    });

    it('not in the list, nor the counts, nor as a page, an attachment, an upload or a reveal', async () => {
      const ga = (await p.request('ga', 'GET', '/cases?limit=200')).json<CasePage>();
      expect(ga.items.map((i) => i.id)).not.toContain(c.id);
      expect(ga.items.every((i) => i.departmentCode === 'GA')).toBe(true);
      const scjg = (await p.request('scjg', 'GET', '/cases?limit=200')).json<CasePage>();
      expect(scjg.items.map((i) => i.id)).toContain(c.id);
      expect(scjg.items.every((i) => i.departmentCode === 'SCJG')).toBe(true);
      const all = (await p.request('supervisor', 'GET', '/cases/counts')).json<CaseCounts>();
      const gaCounts = (await p.request('ga', 'GET', '/cases/counts')).json<CaseCounts>();
      const gaOpen = await h.count(`cases WHERE department_code = 'GA' AND state NOT IN ('closed', 'invalid')`);
      expect(gaCounts.open).toBe(gaOpen);
      expect(gaCounts.triage).toBe(0);
      expect(all.open).toBeGreaterThan(gaCounts.open);
      expect((await p.detail('ga', c.id)).statusCode).toBe(404);
      expect((await p.request('ga', 'GET', `/cases/${c.id}/attachments/${sha}`)).statusCode).toBe(404);
      expect((await upload('ga', c.id, JPEG)).statusCode).toBe(404);
      expect((await p.request('ga', 'POST', `/cases/${c.id}/reveal-phone`, { purpose: '核实' })).statusCode).toBe(404);
      expect((await p.request('ga', 'GET', `/cases?departmentCode=SCJG`)).json<CasePage>().items).toEqual([]);
    });

    it('nor a case in 待分派, which is the centre’s', async () => {
      const t = await triageCase();
      expect((await p.detail('scjg', t.id)).statusCode).toBe(404);
      const list = (await p.request('scjg', 'GET', '/cases?state=triage')).json<CasePage>();
      expect(list.items).toEqual([]);
      expect(
        (await p.request('supervisor', 'GET', '/cases?state=triage')).json<CasePage>().items.length,
      ).toBeGreaterThan(0);
    });
  });

  describe('the callback phone', () => {
    it('is masked in the page, absent from the list, revealed only with a purpose, audited without the number', async () => {
      const { item: c } = await deliverBadRating(h);
      const page = (await p.detail('scjg', c.id)).json<CaseDetail>();
      expect(page.evaluation).toMatchObject({ phoneMasked: '138****5678', reasonTags: ['slow'], comment: '等了很久' });
      expect(page.mayRevealPhone).toBe(true);
      for (const who of ['scjg', 'supervisor', 'leader'] as const) {
        expect((await p.request(who, 'GET', '/cases?limit=200')).body).not.toContain(PHONE);
        expect((await p.detail(who, c.id)).body).not.toContain(PHONE);
      }
      expect((await p.request('scjg', 'POST', `/cases/${c.id}/reveal-phone`, {})).statusCode).toBe(400);
      expect((await p.request('leader', 'POST', `/cases/${c.id}/reveal-phone`, { purpose: '看看' })).statusCode).toBe(
        403,
      );
      const reveal = await p.request('scjg', 'POST', `/cases/${c.id}/reveal-phone`, { purpose: '电话核实差评原因' });
      expect(reveal.statusCode).toBe(200);
      expect(reveal.json()).toEqual({ phone: PHONE });
      const audit = await h.db.query<{ actor_name: string; summary: Record<string, unknown> }>(
        `SELECT actor_name, summary FROM audit_log WHERE action = 'case.phone_revealed' AND target = $1`,
        [`case:${c.id}`],
      );
      expect(audit).toEqual([{ actor_name: 'case-scjg', summary: { number: c.number, purpose: '电话核实差评原因' } }]);
      const after = (await p.detail('scjg', c.id)).json<CaseDetail>();
      expect(after.events.at(-1)).toMatchObject({ action: 'phone_revealed', detail: { purpose: '电话核实差评原因' } });
      expect(after.state).toBe('assigned');
      // Nowhere else: not in the audit log, the timeline, the outbox.
      for (const table of ['audit_log', 'case_events', 'alert_outbox', 'cases']) {
        const rows = await h.db.query(`SELECT * FROM ${table}`);
        expect(JSON.stringify(rows), table).not.toContain(PHONE);
      }
    });

    it('is not revealed outside the states that need contact (409), and is offered only in them', async () => {
      const { item: c } = await deliverBadRating(h);
      await move('scjg', c.id, 'contact', { method: 'phone', note: 'x' });
      expect(
        (await p.request('supervisor', 'POST', `/cases/${c.id}/reveal-phone`, { purpose: '核实' })).statusCode,
      ).toBe(200);
      const d = await move('scjg', c.id, 'rectify', { note: 'x', promisedBy: later(1) });
      expect(d.mayRevealPhone).toBe(false);
      const res = await p.request('scjg', 'POST', `/cases/${c.id}/reveal-phone`, { purpose: '核实' });
      expect([res.statusCode, res.json<{ error: string }>().error]).toEqual([409, 'wrong_state']);
    });
  });

  describe('attachments', () => {
    it('stores a JPEG under its SHA-256 in the data folder, lists it, and audits its download', async () => {
      const { item: c } = await deliverBadRating(h);
      const res = await upload('scjg', c.id, JPEG, '../../整改照片');
      expect(res.statusCode).toBe(201);
      const a = res.json<CaseAttachment>();
      expect(a).toMatchObject({
        name: '整改照片.jpg',
        type: 'image/jpeg',
        bytes: JPEG.length,
        uploadedBy: 'case-scjg',
      });
      const file = join(h.dataDir, 'attachments', a.sha256);
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file).equals(JPEG)).toBe(true);
      expect((await p.detail('supervisor', c.id)).json<CaseDetail>().attachments.map((x) => x.sha256)).toEqual([
        a.sha256,
      ]);
      const down = await p.request('supervisor', 'GET', `/cases/${c.id}/attachments/${a.sha256}`);
      expect(down.statusCode).toBe(200);
      expect(down.headers['content-type']).toBe('image/jpeg');
      expect(down.rawPayload.equals(JPEG)).toBe(true);
      expect(await h.count(`audit_log WHERE action = 'case.attachment_downloaded' AND target = 'case:${c.id}'`)).toBe(
        1,
      );
      expect(await h.count(`audit_log WHERE action = 'case.attachment_uploaded' AND target = 'case:${c.id}'`)).toBe(1);
    });

    it('refuses by content what is none of the types (415), whatever its name says', async () => {
      const { item: c } = await deliverBadRating(h);
      const res = await upload('scjg', c.id, Buffer.from('MZ not a photo at all'), 'photo.jpg');
      expect(res.statusCode).toBe(415);
      expect(res.json<{ message: string }>().message).toMatch(/JPEG, PNG, PDF, MP3, M4A, WAV/);
      expect(await h.count(`case_attachments WHERE case_id = '${c.id}'`)).toBe(0);
      const json = await p.request('scjg', 'POST', `/cases/${c.id}/attachments`, { not: 'bytes' });
      expect(json.statusCode).toBe(415);
    });

    it('refuses a file over 20 MiB (413) and stores nothing of it', async () => {
      const { item: c } = await deliverBadRating(h);
      const big = Buffer.concat([JPEG, Buffer.alloc(ATTACHMENT_MAX_BYTES + 1 - JPEG.length)]);
      const res = await upload('scjg', c.id, big);
      expect([res.statusCode, res.json<{ error: string }>().error]).toEqual([413, 'payload_too_large']);
      expect(await h.count(`case_attachments WHERE case_id = '${c.id}'`)).toBe(0);
      const exact = Buffer.concat([JPEG, Buffer.alloc(ATTACHMENT_MAX_BYTES - JPEG.length)]);
      expect((await upload('scjg', c.id, exact)).statusCode).toBe(201);
    });
  });

  describe('the list', () => {
    it('filters by state and department and pages newest first by cursor', async () => {
      const first = (await p.request('supervisor', 'GET', '/cases?limit=2')).json<CasePage>();
      expect(first.items).toHaveLength(2);
      expect(first.nextCursor).not.toBeNull();
      const second = (
        await p.request('supervisor', 'GET', `/cases?limit=2&cursor=${first.nextCursor}`)
      ).json<CasePage>();
      const times = [...first.items, ...second.items].map((i) => i.createdAt);
      expect([...times].sort().reverse()).toEqual(times);
      expect(second.items.map((i) => i.id)).not.toContain(first.items[0]!.id);
      const triage = (await p.request('supervisor', 'GET', '/cases?state=triage&limit=200')).json<CasePage>();
      expect(triage.items.every((i) => i.state === 'triage')).toBe(true);
      const ga = (await p.request('supervisor', 'GET', '/cases?departmentCode=GA&limit=200')).json<CasePage>();
      expect(ga.items.length).toBeGreaterThan(0);
      expect(ga.items.every((i) => i.departmentCode === 'GA')).toBe(true);
      expect((await p.request('supervisor', 'GET', '/cases?cursor=nonsense')).statusCode).toBe(400);
      expect((await p.request('supervisor', 'GET', '/cases?state=nope')).statusCode).toBe(400);
    });

    it('filters by handler, by open or closed, and by the period of creation', async () => {
      const { item: c } = await deliverBadRating(h);
      await move('supervisor', c.id, 'reassign', { departmentCode: 'SCJG', handlerId: p.ids.scjg, note: '指定' });
      const mine = (await p.request('supervisor', 'GET', `/cases?handlerId=${p.ids.scjg}&limit=200`)).json<CasePage>();
      expect(mine.items.map((i) => i.id)).toContain(c.id);
      expect(mine.items.every((i) => i.handlerId === p.ids.scjg)).toBe(true);
      const closed = (await p.request('supervisor', 'GET', '/cases?open=false&limit=200')).json<CasePage>();
      expect(closed.items.length).toBeGreaterThan(0);
      expect(closed.items.every((i) => i.state === 'closed' || i.state === 'invalid')).toBe(true);
      const open = (await p.request('supervisor', 'GET', '/cases?open=true&limit=200')).json<CasePage>();
      expect(open.items.every((i) => i.state !== 'closed' && i.state !== 'invalid')).toBe(true);
      const at = Date.parse(c.createdAt);
      const around = (from: number, to: number) =>
        p.request(
          'supervisor',
          'GET',
          `/cases?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&limit=200`,
        );
      expect((await around(at, at + 1)).json<CasePage>().items.map((i) => i.id)).toContain(c.id);
      expect((await around(at + 1, at + 60_000)).json<CasePage>().items.map((i) => i.id)).not.toContain(c.id);
    });

    it('lists the handlers of a department for the assign form', async () => {
      const res = await p.request('supervisor', 'GET', '/cases/handlers?departmentCode=SCJG');
      expect(res.json()).toEqual({ items: [{ id: p.ids.scjg, displayName: 'scjg 同志' }] });
      expect((await p.request('leader', 'GET', '/cases/handlers?departmentCode=SCJG')).statusCode).toBe(403);
    });
  });

  describe('the deadlines table', () => {
    it('answers the defaults, is changed by an admin only, audited, and counts for cases made after', async () => {
      const defaults = (await p.request('supervisor', 'GET', '/case-deadlines')).json<Record<string, number>>();
      expect(defaults).toMatchObject({ triage: 0, assigned: 1, verifying: 2, rectifying: 15, review: 2 });
      expect((await p.request('supervisor', 'PATCH', '/case-deadlines', { assigned: 3 })).statusCode).toBe(403);
      expect((await p.request('admin', 'PATCH', '/case-deadlines', { assigned: 99 })).statusCode).toBe(400);
      expect((await p.request('admin', 'PATCH', '/case-deadlines', { closed: 2 })).statusCode).toBe(400);
      const before = (await deliverBadRating(h)).item;
      const res = await p.request('admin', 'PATCH', '/case-deadlines', { assigned: 5 });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ assigned: 5, verifying: 2 });
      const audit = await h.db.query<{ summary: unknown }>(
        `SELECT summary FROM audit_log WHERE action = 'case.deadlines_updated'`,
      );
      expect(audit).toEqual([{ summary: { before: { assigned: 1 }, after: { assigned: 5 } } }]);
      const after = (await deliverBadRating(h)).item;
      expect(Date.parse(after.dueAt!)).toBeGreaterThan(Date.parse(before.dueAt!));
      await p.request('admin', 'PATCH', '/case-deadlines', { assigned: 1 });
    });
  });
});
