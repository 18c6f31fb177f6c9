// @vitest-environment happy-dom
/**
 * The screens rendered in a DOM (happy-dom) over fake stores: what a rater and a staff member see and what their
 * taps send.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { KioskEvent } from '../shared/kiosk-events.js';
import type { StatusView } from '../shared/local-api.js';
import type { Result } from '../shared/result.js';
import type { ScreenView, UiCommand } from '../shared/ui-contract.js';
import { CitizenScreen } from './citizen/citizen-screen.js';
import { createCitizenStore } from './citizen/citizen-store.js';
import { StaffPanel } from './staff/staff-panel.js';
import { createStaffStore } from './staff/staff-store.js';
import { SCREEN_VIEW } from './test-fixtures.js';
import type { UiClient } from './ui-client.js';

afterEach(cleanup);

const VIEW: ScreenView = {
  ...SCREEN_VIEW,
  invitation: {
    id: 'i1',
    expiresAt: new Date(Date.now() + 20_000).toISOString(),
    serviceItem: { code: 'SC-0001', name: '个体工商户设立登记' },
    caseNo: 'A-7',
  },
};

function fake(answers: Partial<Record<UiCommand['name'], unknown>>) {
  const sent: UiCommand[] = [];
  let emit: (e: KioskEvent) => void = () => undefined;
  let connect: (c: boolean) => void = () => undefined;
  // One fake serves both screens' stores.
  const client: UiClient<'citizen'> & UiClient<'staff'> = {
    send: async <T,>(command: UiCommand) => {
      sent.push(command);
      const answer = answers[command.name];
      if (answer instanceof Error)
        return { ok: false, error: { code: answer.message, message: answer.message } } as Result<T>;
      return { ok: true, value: answer ?? null } as Result<T>;
    },
    onEvent: (l) => ((emit = l), () => undefined),
    onConnection: (l) => ((connect = l), () => undefined),
  };
  return { client, sent, emit: (e: KioskEvent) => emit(e), connect: () => connect(true) };
}

const flush = () => act(async () => new Promise((r) => setTimeout(r, 0)));

describe('citizen screen', () => {
  it('shows the five levels with the service item and case number, and sends the tapped level', async () => {
    const f = fake({ view: VIEW });
    render(<CitizenScreen store={createCitizenStore(f.client)} />);
    f.connect();
    await flush();
    expect(screen.getByText('请对本次服务做出评价')).toBeTruthy();
    expect(screen.getByText(/个体工商户设立登记/)).toBeTruthy();
    expect(screen.getByText(/A-7/)).toBeTruthy();
    const buttons = ['非常满意', '满意', '基本满意', '不满意', '非常不满意'].map((l) =>
      screen.getByText(l, { exact: true }),
    );
    expect(buttons).toHaveLength(5);
    fireEvent.click(buttons[1]!);
    await flush();
    expect(f.sent).toContainEqual({ name: 'press', level: 4, source: 'touch' });
  });

  it('takes keys 1–5 and F1–F5 from a keyboard-wedge evaluator through the key map', async () => {
    const f = fake({ view: { ...VIEW, keyMap: [1, 2, 3, 4, 5] } });
    render(<CitizenScreen store={createCitizenStore(f.client)} />);
    f.connect();
    await flush();
    fireEvent.keyDown(window, { key: '1' });
    fireEvent.keyDown(window, { key: 'F5' });
    fireEvent.keyDown(window, { key: '7' });
    await flush();
    expect(f.sent.filter((c) => c.name === 'press')).toEqual([
      { name: 'press', level: 1, source: 'keyboard' },
      { name: 'press', level: 5, source: 'keyboard' },
    ]);
  });

  it('asks for reasons and a callback number after a 差评, with the privacy notice, and can be skipped', async () => {
    const f = fake({ view: { ...VIEW, invitation: null } });
    render(<CitizenScreen store={createCitizenStore(f.client)} />);
    f.connect();
    await flush();
    f.emit({
      type: 'invitation.rated',
      id: 'i1',
      source: 'touch',
      followUpUntil: new Date(Date.now() + 60_000).toISOString(),
    });
    await flush();
    expect(screen.getByText(/加密保存/)).toBeTruthy();
    fireEvent.click(screen.getByText('服务效率'));
    for (const d of '139') fireEvent.click(screen.getByRole('button', { name: d }));
    expect(screen.getByText('139')).toBeTruthy();
    fireEvent.click(screen.getByText('跳过'));
    await flush();
    expect(screen.getByText('谢谢您的评价')).toBeTruthy();
    expect(f.sent.some((c) => c.name === 'followUp')).toBe(false);
  });

  it('never shows a code the catalogue lacks: a neutral 政务服务 instead', async () => {
    const unknown = { ...VIEW.invitation!, serviceItem: { code: 'BJ-RAW-9999', name: null } };
    const f = fake({ view: { ...VIEW, invitation: unknown } });
    render(<CitizenScreen store={createCitizenStore(f.client)} />);
    f.connect();
    await flush();
    expect(screen.getByText(/办理事项：政务服务/)).toBeTruthy();
    expect(document.body.textContent).not.toContain('BJ-RAW-9999');
  });

  it('writes larger when the hall says so', async () => {
    const f = fake({ view: { ...VIEW, citizenScreen: { speech: false, volume: 0, largeText: true } } });
    render(<CitizenScreen store={createCitizenStore(f.client)} />);
    f.connect();
    await flush();
    expect(document.querySelector('main.citizen')!.classList.contains('large')).toBe(true);
  });

  it('shows 暂停服务 with the reason, and switches to English', async () => {
    const f = fake({ view: { ...VIEW, invitation: null, paused: { reason: '午休' } } });
    render(<CitizenScreen store={createCitizenStore(f.client)} />);
    f.connect();
    await flush();
    expect(screen.getByText('暂停服务')).toBeTruthy();
    expect(screen.getByText('午休')).toBeTruthy();
    fireEvent.click(screen.getByText('English'));
    expect(screen.getByText('Service paused')).toBeTruthy();
    fireEvent.click(screen.getByText('中文'));
  });

  it('shows the QR code of a service nobody rated until its time is up, then who is serving', async () => {
    const qrCode = { url: 'https://hcp.example.gov.cn/r/AQID', secondsLeft: 20 };
    const f = fake({ view: { ...VIEW, invitation: null, qrCode } });
    const store = createCitizenStore(f.client);
    render(<CitizenScreen store={store} />);
    f.connect();
    await flush();
    expect(screen.getByText('本次服务尚未评价')).toBeTruthy();
    expect(screen.getByTestId('rating-qr').querySelector('svg path')).toBeTruthy();
    act(() => store.getState().tick(Date.now() + 19_000));
    expect(screen.getByTestId('rating-qr')).toBeTruthy();
    act(() => store.getState().tick(Date.now() + 21_000));
    expect(screen.queryByTestId('rating-qr')).toBeNull();
    expect(screen.getByText('王丽')).toBeTruthy();
  });
});

describe('staff panel', () => {
  const STATUS = {
    window: { code: 'W01', name: '1号窗口' },
    shift: null,
    invitation: null,
    evaluator: { state: 'connected', kind: 'serial' },
    central: { state: 'offline', lastError: 'ECONNREFUSED' },
    queue: { pending: 3, quarantined: 0, oldestPendingAt: null },
    storage: { full: false },
  } as unknown as StatusView;

  it('logs in on the keypad and explains a wrong PIN in words', async () => {
    const f = fake({ status: STATUS, view: VIEW, login: new Error('bad_credentials') });
    render(<StaffPanel store={createStaffStore(f.client, 60_000)} />);
    f.connect();
    await flush();
    expect(screen.getByText(/中心系统：离线/)).toBeTruthy();
    expect(screen.getByText(/待上传：3/)).toBeTruthy();
    for (const k of ['1', '0', '0', '1', 'OK', '2', '4', '6', '8', '1', '0'])
      fireEvent.click(screen.getByRole('button', { name: k }));
    fireEvent.click(screen.getByText('登录'));
    await flush();
    expect(f.sent).toContainEqual({ name: 'login', request: { staffNo: '1001', pin: '246810' } });
    expect(screen.getByRole('alert').textContent).toContain('工号或密码不正确');
  });

  it.each([
    ['no_central_key', '中心系统：未固定中心公钥：配置均被拒绝，请固定中心公钥'],
    ['insecure_url', '中心系统：以明文 http 接入：不上传，请改用 https 重新接入'],
  ])('warns the staff in words of a kiosk that delivers or takes nothing (%s)', async (state, said) => {
    const f = fake({ status: { ...STATUS, central: { state, lastError: 'x', lastReconciledAt: null } }, view: VIEW });
    render(<StaffPanel store={createStaffStore(f.client, 60_000)} />);
    f.connect();
    await flush();
    const line = document.querySelector('[data-status="central"]')!;
    expect(line.textContent).toBe(said);
    expect(line.classList.contains('warn')).toBe(true);
  });

  it('tells the staff in words when the disk is full', async () => {
    const f = fake({ status: { ...STATUS, storage: { full: true } }, view: VIEW });
    render(<StaffPanel store={createStaffStore(f.client, 60_000)} />);
    f.connect();
    await flush();
    expect(screen.getByRole('alert').textContent).toBe('本机存储空间已满，评价无法保存。请联系技术人员清理磁盘。');
  });

  it('shows a shift summary of counts only', async () => {
    const shift = { id: 's', staffNo: '1001', name: '王丽', since: '', paused: false, pauseReason: null };
    const summary = {
      shiftId: 's',
      staffNo: '1001',
      name: '王丽',
      since: '',
      until: '',
      invitations: 4,
      rated: 3,
      unrated: 1,
      cancelled: 0,
      strayPresses: 0,
      pauses: 1,
      pausedSeconds: 125,
    };
    const f = fake({ status: { ...STATUS, shift }, view: VIEW, logout: summary });
    render(<StaffPanel store={createStaffStore(f.client, 60_000)} />);
    f.connect();
    await flush();
    fireEvent.click(screen.getByText('退出登录'));
    await flush();
    expect(screen.getByText('本班次统计')).toBeTruthy();
    expect(document.querySelector('[data-count="rated"]')!.textContent).toBe('3');
    expect(document.querySelector('[data-count="pausedSeconds"]')!.textContent).toBe('2 分 5 秒');
    expect(document.body.textContent).not.toMatch(/满意/);
  });

  const SHIFT = { id: 's', staffNo: '1001', name: '王丽', since: '', paused: false, pauseReason: null };
  const ITEMS = Array.from({ length: 300 }, (_, i) => ({ code: `IT-${i}`, name: `事项${i}号 登记` }));

  it('finds the item in a catalogue of hundreds by a search and sends its code', async () => {
    const f = fake({ status: { ...STATUS, shift: SHIFT }, view: { ...VIEW, invitation: null, serviceItems: ITEMS } });
    render(<StaffPanel store={createStaffStore(f.client, 60_000)} />);
    f.connect();
    await flush();
    const search = screen.getByRole('searchbox', { name: '办理事项' });
    fireEvent.change(search, { target: { value: '事项12' } });
    // 事项12, 事项120 … 事项129: a few at once, and how many more.
    expect(screen.getAllByRole('option')).toHaveLength(4);
    expect(screen.getByText(/还有 7 项/)).toBeTruthy();
    fireEvent.change(search, { target: { value: '事项127' } });
    fireEvent.click(screen.getByRole('option', { name: '事项127号 登记' }));
    fireEvent.change(screen.getByRole('textbox', { name: '办件编号' }), { target: { value: ' 2026-77 ' } });
    fireEvent.click(screen.getByText('请评价'));
    await flush();
    expect(f.sent).toContainEqual({ name: 'invite', request: { serviceItemCode: 'IT-127', caseNo: '2026-77' } });
  });

  it('shows an open invitation read-only with its countdown, and each ending in words, never the level', async () => {
    const invitation = { id: 'i1', state: 'open', expiresAt: new Date(Date.now() + 15_000).toISOString() };
    const answers: Parameters<typeof fake>[0] = { status: { ...STATUS, shift: SHIFT, invitation }, view: VIEW };
    const f = fake(answers);
    const store = createStaffStore(f.client, 60_000);
    render(<StaffPanel store={store} />);
    f.connect();
    await flush();
    const waiting = document.querySelector('[data-phase="waiting"]')!;
    expect(waiting.textContent).toMatch(/等待评价 1[45] 秒/);
    expect(waiting.textContent).toContain('个体工商户设立登记');
    expect(waiting.textContent).toContain('A-7');
    expect(screen.queryByRole('searchbox')).toBeNull();
    expect(screen.queryByRole('textbox', { name: '办件编号' })).toBeNull();
    // A pause waits for the invitation to end.
    fireEvent.click(screen.getByText('午休'));
    expect(screen.getByText<HTMLButtonElement>('暂停服务').disabled).toBe(true);
    answers.status = { ...STATUS, shift: SHIFT, invitation: null };
    answers.view = { ...VIEW, invitation: null };
    for (const [event, words] of [
      ['invitation.done', '已评价'],
      ['invitation.expired', '未评价'],
      ['invitation.cancelled', '已取消'],
    ] as const) {
      f.emit({ type: event, id: 'i1' });
      await flush();
      expect(screen.getByRole('status').textContent).toContain(words);
    }
    expect(document.body.textContent).not.toMatch(/满意/);
  });
});
