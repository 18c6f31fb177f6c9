/**
 * Technician mode's state: locked until the admin PIN, then the first-run wizard (connection, evaluator, check) and
 * the diagnostics. Key-test presses arrive as `evaluator.key` events, which only technician screens are told.
 * Runs in the browser.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ErrorInfo, Result } from '../../shared/result.js';
import type { TechStatusView, UiCommandOf } from '../../shared/ui-contract.js';
import type { UiClient } from '../ui-client.js';

export interface TechState {
  status: TechStatusView | null;
  error: ErrorInfo | null;
  /** The last reply of a command, for the step that asked. */
  last: Record<string, unknown>;
  /** Keys seen during the key test, in order: physical key (or null for a touch) and level. */
  keys: { key: number | null; level: number }[];
  /** This screen's key test while it is on: its session and when it ends by itself. */
  keyTest: { id: string; endsAt: string } | null;
  /** How this screen's last key test ended, once it has (a test that ran out is said so). */
  keyTestEnded: 'technician' | 'timeout' | 'closed' | null;
  /** Turns this screen's key test on or off; false when the kiosk refused (a shift or an invitation is open). */
  setKeyTest(on: boolean): Promise<boolean>;
  refresh(): Promise<void>;
  run<T = unknown>(command: UiCommandOf<'technician'>): Promise<T | null>;
  /** Runs a command like `run`; true when the kiosk took it (a command whose answer is null says so only here). */
  attempt(command: UiCommandOf<'technician'>): Promise<boolean>;
  clearKeys(): void;
}

export function createTechStore(client: UiClient<'technician'>): StoreApi<TechState> {
  const store = createStore<TechState>((set, get) => ({
    status: null,
    error: null,
    last: {},
    keys: [],
    keyTest: null,
    keyTestEnded: null,
    setKeyTest: async (on: boolean) => {
      set({ keys: [], keyTestEnded: null });
      const result = await client.send({ name: 'keyTest', on });
      set({ error: result.ok ? null : result.error, keyTest: result.ok ? result.value : null });
      return result.ok;
    },
    refresh: async () => {
      const result = await client.send({ name: 'techStatus' });
      if (result.ok) set({ status: result.value });
    },
    run: async <T>(command: UiCommandOf<'technician'>) => {
      const result = (await client.send(command)) as Result<T>;
      set((s) => ({
        error: result.ok ? null : result.error,
        last: result.ok ? { ...s.last, [command.name]: result.value } : s.last,
      }));
      await get().refresh();
      return result.ok ? result.value : null;
    },
    attempt: async (command: UiCommandOf<'technician'>) => {
      await get().run(command);
      return get().error === null;
    },
    clearKeys: () => set({ keys: [] }),
  }));
  client.onEvent((event) => {
    if (event.type === 'evaluator.key')
      store.setState((s) => ({ keys: [...s.keys, { key: event.key, level: event.level }] }));
    if (event.type === 'keytest.ended' && store.getState().keyTest?.id === event.id)
      store.setState({ keyTest: null, keyTestEnded: event.endedBy });
  });
  client.onConnection((connected) => {
    if (connected) void store.getState().refresh();
  });
  return store;
}
