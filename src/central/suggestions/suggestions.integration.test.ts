/**
 * The 意见箱 (issue 17, 第十一条) on a real PostgreSQL through the whole Fastify stack: the public page and API take
 * an item with its contact sealed, refuse oversize and hostile input in words with nothing written, thank a robot
 * that fills the honeypot and keep nothing, and limit each address; the console's workflow 待处理 → 已转办 → 已答复 →
 * 已办结 is scoped as cases are (a handler sees and answers only what was referred to its department), audited and
 * timed in working days; a 投诉 becomes one 差评 case of channel `suggestion_box`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SuggestionDetail, SuggestionPage } from '../../shared/suggestions.js';
import { signInPeople, type People } from '../cases/test-support/case-fixtures.js';
import { startHarness, type Harness } from '../test-support/api-harness.js';

const CONTACT = '13900001111';

describe('the 意见箱', () => {
  let h: Harness;
  let p: People;
  let address = 0;
  // Each post from an address of its own, but for the test of the limit: 5 posts a minute per address.
  const nextAddress = () => `10.0.${Math.floor(++address / 250)}.${address % 250}`;
  const form = (fields: [string, string][], remoteAddress = nextAddress()) =>
    h.app.inject({
      method: 'POST',
      url: '/suggest',
      remoteAddress,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
  const api = (body: unknown, remoteAddress = nextAddress()) =>
    h.app.inject({ method: 'POST', url: '/api/v1/suggestions', remoteAddress, payload: body as object });
  const rows = () => h.count('suggestions');
  const numberIn = (body: string) => /YJ\d{8}-\d{4}/.exec(body)?.[0];
  const idOf = async (number: string) =>
    (await h.db.query<{ id: string }>('SELECT id::text AS id FROM suggestions WHERE number = $1', [number]))[0]!.id;
  const act = (who: Parameters<People['request']>[0], id: string, body: unknown) =>
    p.request(who, 'POST', `/suggestions/${id}/actions`, body);

  beforeAll(async () => {
    h = await startHarness();
    p = await signInPeople(h);
  });
  afterAll(() => h.close());

  describe('the public page and API', () => {
    it('shows the form with the departments, a hidden honeypot and no script', async () => {
      const page = await h.app.inject({ method: 'GET', url: '/suggest' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      for (const words of ['意见箱', '建议', '投诉', '咨询', '表扬', '市场监督管理局', '公安局', 'name="website"']) {
        expect(page.body).toContain(words);
      }
      expect(page.body).not.toContain('<script');
    });

    it('keeps an item with its contact sealed and thanks with its number', async () => {
      const thanks = await form([
        ['kind', 'suggestion'],
        ['text', '建议大厅增加老年人休息座椅'],
        ['departmentCode', 'SCJG'],
        ['contact', CONTACT],
        ['website', ''],
      ]);
      expect(thanks.statusCode).toBe(200);
      const number = numberIn(thanks.body)!;
      expect(number).toBeDefined();
      const [row] = await h.db.query<Record<string, unknown>>(
        `SELECT kind, body, department_code, state, contact_sealed IS NOT NULL AS sealed, due_at IS NOT NULL AS due,
                position('${CONTACT}' in encode(contact_sealed, 'escape')) AS clear
           FROM suggestions WHERE number = $1`,
        [number],
      );
      expect(row).toEqual({
        kind: 'suggestion',
        body: '建议大厅增加老年人休息座椅',
        department_code: 'SCJG',
        state: 'pending',
        sealed: true,
        due: true,
        clear: 0,
      });
      const json = await api({ kind: 'praise', text: '窗口王丽服务很耐心' });
      expect(json.statusCode).toBe(201);
      expect(json.json()).toMatchObject({
        status: 'received',
        number: expect.stringMatching(/^YJ\d{8}-\d{4}$/) as string,
      });
    });

    it('refuses oversize and hostile input in words, keeping what was typed escaped, and writes nothing', async () => {
      const before = await rows();
      const hostile = `<script>alert(1)</script>`;
      const cases: [string, [string, string][], string][] = [
        [
          'too long',
          [
            ['kind', 'complaint'],
            ['text', '长'.repeat(501)],
          ],
          '5 到 500 字',
        ],
        [
          'too short',
          [
            ['kind', 'complaint'],
            ['text', '差'],
          ],
          '5 到 500 字',
        ],
        [
          'a NUL',
          [
            ['kind', 'complaint'],
            ['text', `正常的文字\u0000${hostile}`],
          ],
          '5 到 500 字',
        ],
        ['no kind', [['text', '没有选择类别的意见']], '请选择类别'],
        [
          'a bad contact',
          [
            ['kind', 'inquiry'],
            ['text', '请问营业执照怎么办'],
            ['contact', hostile],
          ],
          '联系方式',
        ],
        [
          'an unknown department',
          [
            ['kind', 'inquiry'],
            ['text', '请问营业执照怎么办'],
            ['departmentCode', '" onclick="x'],
          ],
          '部门',
        ],
        [
          'a department that is not there',
          [
            ['kind', 'inquiry'],
            ['text', '请问营业执照怎么办'],
            ['departmentCode', 'NOPE'],
          ],
          '部门',
        ],
      ];
      for (const [what, fields, words] of cases) {
        const res = await form(fields);
        expect([res.statusCode, res.body.includes(words)], what).toEqual([400, true]);
        expect(res.body, what).not.toContain('<script>alert');
      }
      const echoed = await form([
        ['kind', 'complaint'],
        ['text', hostile],
        ['contact', 'not a contact'],
      ]);
      expect(echoed.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      const huge = await form([
        ['kind', 'complaint'],
        ['text', 'x'.repeat(10_000)],
      ]);
      expect(huge.statusCode).toBe(413);
      for (const body of [
        { kind: 'rant', text: '一条意见一条意见' },
        { kind: 'complaint', text: '一条意见一条意见', extra: 1 },
        { kind: 'complaint', text: `一条意见\u0007一条意见` },
        { kind: 'complaint', text: '一条意见一条意见', departmentCode: 'NOPE' },
      ]) {
        const res = await api(body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
      }
      const notJson = await h.app.inject({
        method: 'POST',
        url: '/api/v1/suggestions',
        remoteAddress: nextAddress(),
        headers: { 'content-type': 'application/json' },
        payload: '{"kind": ',
      });
      expect(notJson.statusCode).toBe(400);
      expect(await rows()).toBe(before);
    });

    it('thanks a robot that fills the honeypot and keeps nothing', async () => {
      const before = await rows();
      const page = await form([
        ['kind', 'suggestion'],
        ['text', '买便宜的药请访问某某网站'],
        ['website', 'http://spam.example'],
      ]);
      expect([page.statusCode, page.body.includes('感谢您的意见'), numberIn(page.body)]).toEqual([
        200,
        true,
        undefined,
      ]);
      const json = await api({ kind: 'suggestion', text: '买便宜的药请访问某某网站', website: 'x' });
      expect([json.statusCode, json.json()]).toEqual([201, { status: 'received', number: null }]);
      expect(await rows()).toBe(before);
    });

    it('takes at most 5 posts a minute from one address', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++)
        statuses.push((await api({ kind: 'inquiry', text: '请问几点下班？' }, '10.9.9.9')).statusCode);
      expect(statuses).toEqual([201, 201, 201, 201, 201, 429, 429]);
    });
  });

  describe('the workflow in the console', () => {
    it('待处理 → 已转办 → 已答复 → 已办结: the centre refers, the department answers, the centre closes', async () => {
      const left = await form([
        ['kind', 'suggestion'],
        ['text', '希望延长周六的办公时间'],
        ['contact', CONTACT],
      ]);
      const id = await idOf(numberIn(left.body)!);
      const list = await p.request('supervisor', 'GET', '/suggestions?state=pending');
      expect(list.statusCode).toBe(200);
      expect(list.json<SuggestionPage>().items.find((i) => i.id === id)).toMatchObject({
        kind: 'suggestion',
        state: 'pending',
        hasContact: true,
        overdue: false,
      });
      expect(list.body).not.toContain(CONTACT);
      // A department sees nothing the centre has not referred to it.
      expect((await p.request('scjg', 'GET', `/suggestions/${id}`)).statusCode).toBe(404);
      expect((await p.request('scjg', 'GET', '/suggestions')).json<SuggestionPage>().items).toEqual([]);

      expect((await act('supervisor', id, { action: 'close' })).statusCode).toBe(409);
      expect((await act('scjg', id, { action: 'refer', departmentCode: 'SCJG' })).statusCode).toBe(403);
      expect((await act('supervisor', id, { action: 'refer', departmentCode: 'NOPE' })).statusCode).toBe(400);
      const referred = await act('supervisor', id, {
        action: 'refer',
        departmentCode: 'SCJG',
        note: '请市场监管局答复',
      });
      expect(referred.json<SuggestionDetail>()).toMatchObject({ state: 'referred', departmentCode: 'SCJG' });
      expect((await p.request('ga', 'GET', `/suggestions/${id}`)).statusCode).toBe(404);
      expect((await act('ga', id, { action: 'answer', answer: '好的' })).statusCode).toBe(404);
      expect((await p.request('scjg', 'GET', '/suggestions')).json<SuggestionPage>().items.map((i) => i.id)).toEqual([
        id,
      ]);

      const answered = await act('scjg', id, { action: 'answer', answer: '自下月起周六延长至17:00' });
      expect(answered.statusCode).toBe(200);
      expect((await act('scjg', id, { action: 'close' })).statusCode).toBe(403);
      const closed = await act('supervisor', id, { action: 'close' });
      const detail = closed.json<SuggestionDetail>();
      expect(detail).toMatchObject({ state: 'closed', answer: '自下月起周六延长至17:00', dueAt: null, overdue: false });
      expect(detail.events.map((e) => [e.action, e.fromState, e.toState, e.actorName])).toEqual([
        ['created', null, 'pending', 'public'],
        ['refer', 'pending', 'referred', 'case-supervisor'],
        ['answer', 'referred', 'answered', 'case-scjg'],
        ['close', 'answered', 'closed', 'case-supervisor'],
      ]);
      expect(JSON.stringify(detail)).not.toContain(CONTACT);
      expect(await h.count(`audit_log WHERE action = 'suggestion.transitioned' AND target = '${id}'`)).toBe(3);
      expect(await h.count(`audit_log WHERE position('${CONTACT}' in summary::text) > 0`)).toBe(0);
      // A leader reads, and changes nothing.
      expect((await p.request('leader', 'GET', `/suggestions/${id}`)).statusCode).toBe(200);
      expect((await act('leader', id, { action: 'close' })).statusCode).toBe(403);
    });

    it('turns a 投诉 into one 差评 case of channel suggestion_box, and only a 投诉, once', async () => {
      const complaint = await form([
        ['kind', 'complaint'],
        ['text', '窗口工作人员态度很差，让我来回跑了三次'],
        ['departmentCode', 'SCJG'],
        ['contact', CONTACT],
      ]);
      const id = await idOf(numberIn(complaint.body)!);
      const praise = await idOf(
        (await api({ kind: 'praise', text: '服务很好很耐心' })).json<{ number: string }>().number,
      );
      expect((await act('supervisor', praise, { action: 'toCase' })).json()).toMatchObject({
        error: 'not_a_complaint',
      });

      const turned = await act('supervisor', id, { action: 'toCase' });
      expect(turned.statusCode).toBe(200);
      const detail = turned.json<SuggestionDetail>();
      expect(detail).toMatchObject({ state: 'closed', caseId: expect.any(String) as string });
      const [c] = await h.db.query<Record<string, unknown>>(
        `SELECT c.channel, c.satisfaction, c.department_code, c.state, e.channel AS rating_channel
           FROM cases c JOIN evaluations e ON e.id = c.evaluation_id WHERE c.id = $1`,
        [detail.caseId],
      );
      expect(c).toEqual({
        channel: 'suggestion_box',
        satisfaction: 2,
        department_code: 'SCJG',
        state: 'assigned',
        rating_channel: 'suggestion_box',
      });
      // Its page shows the complaint's words, and the contact only masked, as for a rating of any channel.
      const page = await p.request('supervisor', 'GET', `/cases/${detail.caseId}`);
      expect(page.body).toContain('窗口工作人员态度很差');
      expect(page.body).toContain('139****1111');
      expect(page.body).not.toContain(CONTACT);
      expect((await act('supervisor', id, { action: 'toCase' })).statusCode).toBe(409);
      expect(await h.count(`evaluations WHERE channel = 'suggestion_box'`)).toBe(1);
    });
  });
});
