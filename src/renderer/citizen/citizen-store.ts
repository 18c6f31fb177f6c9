/**
 * The citizen screen's state: what the kiosk shows (ScreenView) and where the rater is in the flow — nothing to do,
 * the prompt, the follow-up after a 差评, the thanks. Built over a UiClient so tests can drive it with a fake one.
 * Runs in the browser.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { KioskEvent } from '../../shared/kiosk-events.js';
import type { ErrorInfo } from '../../shared/result.js';
import type { Satisfaction } from '../../shared/satisfaction.js';
import type { FollowUpRequest, ScreenView } from '../../shared/ui-contract.js';
import type { UiClient } from '../ui-client.js';

export const THANKS_MS = 3_000;

export type Phase =
  { kind: 'rest' } | { kind: 'followup'; invitationId: string; until: number } | { kind: 'thanks'; until: number };

export interface CitizenState {
  connected: boolean;
  view: ScreenView | null;
  /** When, on this screen's clock, the view's QR code leaves the screen. */
  qrUntil: number | null;
  phase: Phase;
  error: ErrorInfo | null;
  refresh(): Promise<void>;
  press(level: Satisfaction, source: 'touch' | 'keyboard'): Promise<void>;
  submitFollowUp(request: Omit<FollowUpRequest, 'invitationId'>): Promise<void>;
  finishFollowUp(): void;
  /** Ends a phase whose time is up (called by a timer). */
  tick(now: number): void;
}

export function createCitizenStore(client: UiClient<'citizen'>, now: () => number = Date.now): StoreApi<CitizenState> {
  const store = createStore<CitizenState>((set, get) => ({
    connected: false,
    view: null,
    qrUntil: null,
    phase: { kind: 'rest' },
    error: null,
    refresh: async () => {
      const result = await client.send({ name: 'view' });
      if (result.ok) {
        const qr = result.value.qrCode;
        set({ view: result.value, qrUntil: qr ? now() + qr.secondsLeft * 1000 : null });
      }
    },
    press: async (level, source) => {
      const result = await client.send({ name: 'press', level, source });
      set({ error: result.ok ? null : result.error });
    },
    submitFollowUp: async (request) => {
      const phase = get().phase;
      if (phase.kind !== 'followup') return;
      const result = await client.send({ name: 'followUp', request: { ...request, invitationId: phase.invitationId } });
      set({ error: result.ok ? null : result.error, phase: { kind: 'thanks', until: now() + THANKS_MS } });
    },
    finishFollowUp: () => set({ phase: { kind: 'thanks', until: now() + THANKS_MS } }),
    tick: (t) => {
      const { phase, view, qrUntil } = get();
      // The QR code leaves the screen when its time is up, without waiting for the kiosk to say so.
      if (view?.qrCode && qrUntil !== null && t >= qrUntil) set({ view: { ...view, qrCode: null }, qrUntil: null });
      if (phase.kind === 'thanks' && t >= phase.until) set({ phase: { kind: 'rest' } });
      if (phase.kind === 'followup' && t >= phase.until) set({ phase: { kind: 'thanks', until: t + THANKS_MS } });
    },
  }));

  const onEvent = (event: KioskEvent) => {
    if (event.type === 'invitation.rated') {
      store.setState({
        phase: event.followUpUntil
          ? { kind: 'followup', invitationId: event.id, until: Date.parse(event.followUpUntil) }
          : { kind: 'thanks', until: now() + THANKS_MS },
      });
    }
    if (event.type !== 'press.stray') void store.getState().refresh();
  };
  client.onEvent(onEvent);
  client.onConnection((connected) => {
    store.setState({ connected });
    if (connected) void store.getState().refresh();
  });
  return store;
}

/**
 * What the screen shows: the follow-up or thanks first, then the prompt, then the QR code of a service that went
 * unrated, then who is serving.
 */
export function screenOf(
  state: Pick<CitizenState, 'view' | 'phase'>,
): 'connecting' | 'followup' | 'thanks' | 'prompt' | 'qr' | 'paused' | 'idle' {
  if (!state.view) return 'connecting';
  if (state.phase.kind === 'followup') return 'followup';
  if (state.phase.kind === 'thanks') return 'thanks';
  if (state.view.invitation) return 'prompt';
  if (state.view.qrCode) return 'qr';
  if (state.view.mode === 'window' && (state.view.paused || !state.view.staff)) return 'paused';
  return 'idle';
}
