/**
 * Unit: heartbeats read the configuration version once per CONFIG_VERSION_CACHE_MS between them all (concurrent ones
 * share one query), never wait for a read once a version is held, and read afresh after a change committed through
 * this centre, even while an older read is in flight: a kiosk is never answered with a version older than a change
 * this centre has already answered.
 */
import { describe, expect, it } from 'vitest';
import type { Queryable } from './db/database.js';
import { waitFor } from '../common/test-support/wait-for.js';
import { CONFIG_VERSION_CACHE_MS, ConfigVersions } from './devices.js';

function fakeDb() {
  const state = { version: 1, queries: 0, hold: undefined as Promise<void> | undefined };
  const db: Queryable = {
    query: async <R>() => {
      state.queries += 1;
      const version = state.version; // read when the query runs, answered when released
      await state.hold;
      return [{ version }] as R[];
    },
  };
  return { db, state };
}

describe('ConfigVersions', () => {
  it('reads once per CONFIG_VERSION_CACHE_MS for every heartbeat, concurrent ones sharing one query', async () => {
    const { db, state } = fakeDb();
    const versions = new ConfigVersions(db);
    expect(await Promise.all(Array.from({ length: 20 }, () => versions.get(1_000)))).toEqual(Array(20).fill(1));
    expect(await versions.get(1_000 + CONFIG_VERSION_CACHE_MS - 1)).toBe(1);
    expect(state.queries).toBe(1);
    state.version = 2; // changed by another central process
    // Past its age the version held is answered while it is read again: the next heartbeat gets the new one.
    expect(await versions.get(1_000 + CONFIG_VERSION_CACHE_MS)).toBe(1);
    await waitFor('the new version', () => versions.get(1_000 + CONFIG_VERSION_CACHE_MS + 1).then((v) => v === 2));
    expect(state.queries).toBe(2);
  });

  it('answers the version held without waiting while the database is slow, and keeps it if the read fails', async () => {
    const { db, state } = fakeDb();
    const versions = new ConfigVersions(db);
    expect(await versions.get(0)).toBe(1);
    let release!: () => void;
    state.hold = new Promise((resolve) => (release = resolve));
    state.version = 2;
    // The read is held: heartbeats are answered meanwhile, and share that one read.
    expect(
      await Promise.all([versions.get(CONFIG_VERSION_CACHE_MS), versions.get(CONFIG_VERSION_CACHE_MS + 5)]),
    ).toEqual([1, 1]);
    expect(state.queries).toBe(2);
    release();
    await waitFor('the version read', () => versions.get(CONFIG_VERSION_CACHE_MS + 10).then((v) => v === 2));
    // A failing database: the version held stays the answer, and the next heartbeat tries again.
    const failing = new ConfigVersions({ query: () => Promise.reject(new Error('connection lost')) });
    await expect(failing.get(0)).rejects.toThrow('connection lost');
    const held = new ConfigVersions(db);
    expect(await held.get(0)).toBe(2);
    db.query = () => Promise.reject(new Error('connection lost'));
    expect(await held.get(CONFIG_VERSION_CACHE_MS)).toBe(2);
    expect(await held.get(CONFIG_VERSION_CACHE_MS + 1)).toBe(2);
  });

  it('reads afresh after a change through this centre, never keeping a read that began before it', async () => {
    const { db, state } = fakeDb();
    const versions = new ConfigVersions(db);
    expect(await versions.get(0)).toBe(1);
    let release!: () => void;
    state.hold = new Promise((resolve) => (release = resolve));
    versions.changed();
    const before = versions.get(1); // reads 1, answers later
    await Promise.resolve();
    state.version = 2;
    versions.changed();
    state.hold = undefined;
    const after = versions.get(2);
    release();
    expect([await before, await after]).toEqual([1, 2]);
    expect(await versions.get(3)).toBe(2);
    expect(state.queries).toBe(3);
  });
});
