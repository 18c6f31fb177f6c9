import { describe, expect, it } from 'vitest';
import type { KioskEvent } from '../../shared/kiosk-events.js';
import type { Result } from '../../shared/result.js';
import type { ScreenView, UiCommand } from '../../shared/ui-contract.js';
import type { UiClient } from '../ui-client.js';
import { SCREEN_VIEW } from '../test-fixtures.js';
import { createCitizenStore, screenOf, THANKS_MS } from './citizen-store.js';

const VIEW = SCREEN_VIEW;

/** A UiClient that answers from a script and lets the test push events. */
function fakeClient(view: () => ScreenView) {
  const sent: UiCommand[] = [];
  let emit: (e: KioskEvent) => void = () => undefined;
  let connect: (c: boolean) => void = () => undefined;
  const client: UiClient<'citizen'> = {
    send: async <T>(command: UiCommand) => {
      sent.push(command);
      if (command.name === 'view') return { ok: true, value: view() } as Result<T>;
      if (command.name === 'press' && (command.level as number) === 9)
        return { ok: false, error: { code: 'invalid_request', message: 'x' } };
      return { ok: true, value: null } as Result<T>;
    },
    onEvent: (l) => ((emit = l), () => undefined),
    onConnection: (l) => ((connect = l), () => undefined),
  };
  return { client, sent, emit: (e: KioskEvent) => emit(e), connect: (c: boolean) => connect(c) };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('citizen screen state', () => {
  it('shows the staff card, the prompt while an invitation is open, then the thanks, then rest', async () => {
    let view = VIEW;
    const fake = fakeClient(() => view);
    let now = 1_000;
    const store = createCitizenStore(fake.client, () => now);
    expect(screenOf(store.getState())).toBe('connecting');
    fake.connect(true);
    await settle();
    expect(screenOf(store.getState())).toBe('idle');

    view = { ...VIEW, invitation: { id: 'a', expiresAt: new Date().toISOString(), serviceItem: null, caseNo: null } };
    fake.emit({
      type: 'invitation.opened',
      invitation: { id: 'a', expiresAt: '', seconds: 20, serviceItem: null, caseNo: null },
    });
    await settle();
    expect(screenOf(store.getState())).toBe('prompt');

    await store.getState().press(4, 'touch');
    expect(fake.sent).toContainEqual({ name: 'press', level: 4, source: 'touch' });
    view = VIEW;
    fake.emit({ type: 'invitation.rated', id: 'a', source: 'touch', followUpUntil: null });
    await settle();
    expect(screenOf(store.getState())).toBe('thanks');
    store.getState().tick(now + THANKS_MS - 1);
    expect(screenOf(store.getState())).toBe('thanks');
    now += THANKS_MS;
    store.getState().tick(now);
    expect(screenOf(store.getState())).toBe('idle');
  });

  it('opens the follow-up after a 差评, sends it with the invitation id, and times it out', async () => {
    const fake = fakeClient(() => VIEW);
    const store = createCitizenStore(fake.client, () => 0);
    fake.connect(true);
    await settle();
    fake.emit({ type: 'invitation.rated', id: 'b', source: 'serial', followUpUntil: new Date(60_000).toISOString() });
    await settle();
    expect(screenOf(store.getState())).toBe('followup');
    await store.getState().submitFollowUp({ reasonTags: ['efficiency'], callbackPhone: '13800138000' });
    expect(fake.sent).toContainEqual({
      name: 'followUp',
      request: { invitationId: 'b', reasonTags: ['efficiency'], callbackPhone: '13800138000' },
    });
    expect(screenOf(store.getState())).toBe('thanks');

    fake.emit({ type: 'invitation.rated', id: 'c', source: 'serial', followUpUntil: new Date(60_000).toISOString() });
    await settle();
    store.getState().tick(60_000);
    expect(screenOf(store.getState())).toBe('thanks');
  });

  it('shows 暂停服务 when paused or when no one is serving, and the welcome on a terminal', async () => {
    let view: ScreenView = { ...VIEW, paused: { reason: '午休' } };
    const fake = fakeClient(() => view);
    const store = createCitizenStore(fake.client);
    fake.connect(true);
    await settle();
    expect(screenOf(store.getState())).toBe('paused');
    view = { ...VIEW, staff: null };
    await store.getState().refresh();
    expect(screenOf(store.getState())).toBe('paused');
    view = { ...VIEW, mode: 'terminal', staff: null, terminalName: '自助区' };
    await store.getState().refresh();
    expect(screenOf(store.getState())).toBe('idle');
  });

  it('keeps the error of a refused press for the screen to explain', async () => {
    const fake = fakeClient(() => VIEW);
    const store = createCitizenStore(fake.client);
    await store.getState().press(9 as never, 'touch');
    expect(store.getState().error).toMatchObject({ code: 'invalid_request' });
  });
});
