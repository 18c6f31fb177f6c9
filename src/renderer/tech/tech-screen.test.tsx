// @vitest-environment happy-dom
/** Technician mode rendered in a DOM (happy-dom) over a fake client: what its diagnostics say. */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { KioskEvent } from '../../shared/kiosk-events.js';
import { KEY_TEST_MAX_MS } from '../../shared/records.js';
import type { Result } from '../../shared/result.js';
import type { TechStatusView, UiCommand } from '../../shared/ui-contract.js';
import type { UiClient } from '../ui-client.js';
import { TechScreen } from './tech-screen.js';
import { createTechStore } from './tech-store.js';

afterEach(cleanup);

const STATUS: TechStatusView = {
  adminPinSet: true,
  unlocked: true,
  provisioned: true,
  enrolled: true,
  mode: 'window',
  evaluatorInput: { kind: 'touch' },
  keyMap: [5, 4, 3, 2, 1],
  keyMapSource: 'central',
  screenPairing: false,
};

const diagnostics = (central: { state: string; lastError: string | null }) => ({
  versions: { app: '0.1.0' },
  device: { id: 'd', centralDeviceId: 'c', mode: 'window' },
  evaluator: { status: { state: 'none' } },
  sync: { central, queue: { pending: 0, quarantined: 0 }, quarantined: [] },
  storage: { full: false, disk: null },
});

function techClient(
  answers: Partial<Record<UiCommand['name'], unknown>>,
  sent: UiCommand[] = [],
): UiClient<'technician'> {
  let connect: (c: boolean) => void = () => undefined;
  queueMicrotask(() => connect(true));
  return {
    send: async <T,>(command: UiCommand) => {
      sent.push(command);
      return { ok: true, value: answers[command.name] ?? null } as Result<T>;
    },
    onEvent: () => () => undefined,
    onConnection: (l) => ((connect = l), () => undefined),
  };
}

const flush = () => act(async () => new Promise((r) => setTimeout(r, 0)));

describe('technician mode: diagnostics', () => {
  it.each([
    ['no_central_key', '中心系统：未固定中心公钥：配置均被拒绝，请固定中心公钥'],
    ['insecure_url', '中心系统：以明文 http 接入：不上传，请改用 https 重新接入'],
  ])('says in words, as a warning, why an enrolled kiosk delivers or takes nothing (%s)', async (state, said) => {
    const lastError = 'what to do, in the service’s words';
    const client = techClient({ techStatus: STATUS, diagnostics: diagnostics({ state, lastError }) });
    render(<TechScreen store={createTechStore(client)} />);
    await flush();
    fireEvent.click(screen.getByRole('button', { name: '诊断' }));
    await flush();
    const line = document.querySelector('[data-diag="sync"] p')!;
    expect(line.textContent).toBe(`${said}（${lastError}）`);
    expect(line.classList.contains('warn')).toBe(true);
  });

  it('does not warn of a kiosk that is online', async () => {
    const client = techClient({ techStatus: STATUS, diagnostics: diagnostics({ state: 'online', lastError: null }) });
    render(<TechScreen store={createTechStore(client)} />);
    await flush();
    fireEvent.click(screen.getByRole('button', { name: '诊断' }));
    await flush();
    const line = document.querySelector('[data-diag="sync"] p')!;
    expect(line.textContent).toBe('中心系统：在线');
    expect(line.classList.contains('warn')).toBe(false);
  });
});

describe('technician mode: the lock', () => {
  it('takes the admin PIN from the on-screen keypad, and from a keyboard with Enter', async () => {
    const sent: UiCommand[] = [];
    const locked = { ...STATUS, unlocked: false };
    render(<TechScreen store={createTechStore(techClient({ techStatus: locked }, sent))} />);
    await flush();
    for (const k of ['8', '6', '4', '2', '0', '9']) fireEvent.click(screen.getByRole('button', { name: k }));
    fireEvent.click(screen.getByRole('button', { name: 'OK' }));
    await flush();
    expect(sent).toContainEqual({ name: 'unlock', pin: '864209' });
    const field = screen.getByLabelText<HTMLInputElement>('管理员密码');
    fireEvent.change(field, { target: { value: '1357' } });
    fireEvent.submit(field.closest('form')!);
    await flush();
    expect(sent).toContainEqual({ name: 'unlock', pin: '1357' });
  });

  it('opens on the diagnostics once the kiosk is set up, and on the wizard before', async () => {
    render(<TechScreen store={createTechStore(techClient({ techStatus: STATUS }))} />);
    await flush();
    expect(screen.getByRole('button', { name: '诊断' }).className).toBe('on');
    cleanup();
    render(<TechScreen store={createTechStore(techClient({ techStatus: { ...STATUS, provisioned: false } }))} />);
    await flush();
    expect(screen.getByRole('button', { name: '1. 接入中心' }).className).toBe('on');
  });
});

describe('technician mode: the key test', () => {
  it('shows the test off once the kiosk says it ran out, and says so', async () => {
    let tell: (event: KioskEvent) => void = () => undefined;
    const endsAt = new Date(Date.now() + KEY_TEST_MAX_MS).toISOString();
    const client: UiClient<'technician'> = {
      ...techClient({ techStatus: STATUS, keyTest: { id: 'session-1', endsAt } }),
      onEvent: (listener) => ((tell = listener), () => undefined),
    };
    render(<TechScreen store={createTechStore(client)} />);
    await flush();
    fireEvent.click(screen.getByRole('button', { name: '2. 评价器' }));
    await flush();
    fireEvent.click(screen.getByRole('button', { name: '按键测试：请依次按下每个键' }));
    await flush();
    expect(screen.getByRole('button', { name: '结束按键测试' })).toBeTruthy();
    expect(screen.getByTestId('keytest-hint').textContent).toContain('自动结束');

    // Another screen's session ending changes nothing here.
    await act(async () => tell({ type: 'keytest.ended', id: 'session-2', endedBy: 'technician' }));
    expect(screen.getByRole('button', { name: '结束按键测试' })).toBeTruthy();

    await act(async () => tell({ type: 'keytest.ended', id: 'session-1', endedBy: 'timeout' }));
    expect(screen.getByRole('button', { name: '按键测试：请依次按下每个键' })).toBeTruthy();
    expect(screen.getByTestId('keytest-hint').textContent).toContain('已自动结束');
  });
});
