/**
 * Unit: the centre's memory of devices asks the database once per DEVICE_CACHE_MS (one query for all the devices it
 * knows, not one per device), forgets a device at once when
 * told (revocation), and never keeps what a lookup read before it was told to forget. An id it does not know is
 * remembered as unknown for UNKNOWN_DEVICE_CACHE_MS (at most UNKNOWN_DEVICE_CACHE_SIZE of them), and forgotten at
 * once when that device enrols.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Queryable } from './db/database.js';
import { DEVICE_CACHE_MS, KnownDevices, UNKNOWN_DEVICE_CACHE_MS, UNKNOWN_DEVICE_CACHE_SIZE } from './devices.js';

const ID = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const publicKey = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).toString('base64');

/** A database whose devices table holds one device; counts its queries and can hold them until released. */
function fakeDb() {
  const state = {
    queries: 0,
    revokedAt: null as string | null,
    hold: undefined as Promise<void> | undefined,
    /** Ids besides ID the table holds. */
    enrolled: new Set<string>(),
  };
  const db: Queryable = {
    query: async <R>(sql: string, params?: unknown[]) => {
      state.queries += 1;
      const revokedAt = state.revokedAt; // read when the query runs, answered when released
      await state.hold;
      // The sweep: every revoked device.
      if (params === undefined) return (revokedAt ? [{ id: ID, revokedAt }] : []) as R[];
      if (params[0] !== ID && !state.enrolled.has(String(params[0]))) return [];
      return [{ id: params[0], mode: 'window', windowCode: 'W01', name: 'k', revokedAt, publicKey }] as R[];
    },
  };
  return { db, state };
}

describe('KnownDevices', () => {
  it('asks the database once within DEVICE_CACHE_MS and again after it', async () => {
    const { db, state } = fakeDb();
    const devices = new KnownDevices(db);
    expect((await devices.find(ID, 1_000))?.device.id).toBe(ID);
    await devices.find(ID, 1_000 + DEVICE_CACHE_MS - 1);
    expect(state.queries).toBe(1);
    state.revokedAt = '2026-11-25T06:00:00Z';
    expect((await devices.find(ID, 1_000 + DEVICE_CACHE_MS))?.device.revokedAt).toBe('2026-11-25T06:00:00Z');
    expect(state.queries).toBe(2);
  });

  it('asks once for every device it knows after DEVICE_CACHE_MS, not once per device, and sees a revocation', async () => {
    const { db, state } = fakeDb();
    const devices = new KnownDevices(db);
    const others = Array.from({ length: 50 }, (_, n) => `0193a1b2-c3d4-7e5f-8a9b-${n.toString(16).padStart(12, '0')}`);
    for (const id of others) state.enrolled.add(id);
    for (const id of [ID, ...others]) await devices.find(id, 0);
    expect(state.queries).toBe(51);
    state.revokedAt = '2026-11-25T06:00:00Z';
    const later = await Promise.all([ID, ...others].map((id) => devices.find(id, DEVICE_CACHE_MS)));
    expect(state.queries).toBe(52);
    expect(later.map((k) => k?.device.revokedAt ?? null)).toEqual(['2026-11-25T06:00:00Z', ...others.map(() => null)]);
    for (const id of [ID, ...others]) await devices.find(id, 2 * DEVICE_CACHE_MS - 1);
    expect(state.queries).toBe(52);
  });

  it('reads a forgotten device afresh at once', async () => {
    const { db, state } = fakeDb();
    const devices = new KnownDevices(db);
    await devices.find(ID, 0);
    state.revokedAt = '2026-11-25T06:00:00Z';
    devices.forget(ID);
    expect((await devices.find(ID, 1))?.device.revokedAt).toBe('2026-11-25T06:00:00Z');
  });

  it('does not keep a lookup that began before a forget', async () => {
    const { db, state } = fakeDb();
    const devices = new KnownDevices(db);
    let release!: () => void;
    state.hold = new Promise((resolve) => (release = resolve));
    const stale = devices.find(ID, 0); // reads "not revoked", answers later
    await Promise.resolve();
    state.revokedAt = '2026-11-25T06:00:00Z';
    devices.forget(ID);
    release();
    expect((await stale)?.device.revokedAt).toBeNull();
    state.hold = undefined;
    expect((await devices.find(ID, 1))?.device.revokedAt).toBe('2026-11-25T06:00:00Z');
    expect(state.queries).toBe(2);
  });

  it('asks the database once per UNKNOWN_DEVICE_CACHE_MS about an id it does not know', async () => {
    const { db, state } = fakeDb();
    const devices = new KnownDevices(db);
    const stranger = '0193a1b2-c3d4-7e5f-8a9b-000000000001';
    for (let i = 0; i < 100; i++) expect(await devices.find(stranger, 1_000 + i)).toBeUndefined();
    expect(state.queries).toBe(1);
    await devices.find(stranger, 1_000 + UNKNOWN_DEVICE_CACHE_MS);
    expect(state.queries).toBe(2);
  });

  it('knows a device at once once it enrols, though its id was looked up unknown a moment before', async () => {
    const { db, state } = fakeDb();
    const devices = new KnownDevices(db);
    const newcomer = '0193a1b2-c3d4-7e5f-8a9b-000000000002';
    expect(await devices.find(newcomer, 0)).toBeUndefined();
    state.enrolled.add(newcomer);
    devices.forget(newcomer); // what the enrolment route does
    expect((await devices.find(newcomer, 1))?.device.id).toBe(newcomer);
  });

  it('remembers at most UNKNOWN_DEVICE_CACHE_SIZE unknown ids, dropping the oldest', async () => {
    const { db, state } = fakeDb();
    const devices = new KnownDevices(db);
    const id = (n: number) => `0193a1b2-c3d4-7e5f-8a9b-${n.toString(16).padStart(12, '0')}`;
    for (let n = 0; n <= UNKNOWN_DEVICE_CACHE_SIZE; n++) await devices.find(id(n), 0);
    const queries = state.queries;
    await devices.find(id(UNKNOWN_DEVICE_CACHE_SIZE), 1); // the newest: still remembered
    expect(state.queries).toBe(queries);
    await devices.find(id(0), 1); // the oldest: dropped, asked again
    expect(state.queries).toBe(queries + 1);
  });
});
