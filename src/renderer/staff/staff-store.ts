/**
 * The staff panel's state: the kiosk's status (shift, invitation, evaluator, central, queue) and the lists for the
 * invite form. It is never told how an invitation was rated (第五条): the service does not send it. Runs in the
 * browser.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ShiftSummary, StatusView } from '../../shared/local-api.js';
import type { KioskEvent } from '../../shared/kiosk-events.js';
import type { ErrorInfo, Result } from '../../shared/result.js';
import type { ScreenView, UiCommandOf } from '../../shared/ui-contract.js';
import type { UiClient } from '../ui-client.js';

/** How the last invitation ended, as the staff may know it: rated or not, never how (第五条). */
export type InvitationEnd = 'rated' | 'unrated' | 'cancelled';

export interface StaffState {
  connected: boolean;
  /** The invitation that ended last, and when (this screen's clock), shown for ENDED_NOTICE_MS. */
  ended: { id: string; outcome: InvitationEnd; at: number } | null;
  status: StatusView | null;
  view: ScreenView | null;
  error: ErrorInfo | null;
  summary: ShiftSummary | null;
  refresh(): Promise<void>;
  /** Runs a staff command; its error, if any, is kept for the panel to show. */
  run(command: UiCommandOf<'staff'>): Promise<boolean>;
  logout(): Promise<void>;
  dismiss(): void;
}

/** How long the panel shows how the last invitation ended (rated, unrated, cancelled) before it fades. */
export const ENDED_NOTICE_MS = 8_000;

const ENDINGS: Partial<Record<KioskEvent['type'], InvitationEnd>> = {
  'invitation.done': 'rated',
  'invitation.expired': 'unrated',
  'invitation.cancelled': 'cancelled',
};

/** The status line (evaluator, central, queue) changes without events: it is also read every few seconds. */
export const STATUS_POLL_MS = 2_000;

export function createStaffStore(client: UiClient<'staff'>, pollMs = STATUS_POLL_MS): StoreApi<StaffState> {
  const store = createStore<StaffState>((set, get) => ({
    connected: false,
    ended: null,
    status: null,
    view: null,
    error: null,
    summary: null,
    refresh: async () => {
      const [status, view] = await Promise.all([client.send({ name: 'status' }), client.send({ name: 'view' })]);
      if (status.ok && view.ok) set({ status: status.value, view: view.value });
    },
    run: async (command) => {
      const result: Result<unknown> = await client.send(command);
      set({ error: result.ok ? null : result.error });
      await get().refresh();
      return result.ok;
    },
    logout: async () => {
      const result = await client.send({ name: 'logout' });
      set(result.ok ? { summary: result.value, error: null } : { error: result.error });
      await get().refresh();
    },
    dismiss: () => set({ summary: null, error: null }),
  }));
  client.onEvent((event) => {
    const outcome = ENDINGS[event.type];
    if (outcome && 'id' in event) store.setState({ ended: { id: event.id, outcome, at: Date.now() } });
    if (event.type === 'invitation.opened') store.setState({ ended: null });
    void store.getState().refresh();
  });
  setInterval(() => {
    if (store.getState().connected) void store.getState().refresh();
  }, pollMs);
  client.onConnection((connected) => {
    store.setState({ connected });
    if (connected) void store.getState().refresh();
  });
  return store;
}
