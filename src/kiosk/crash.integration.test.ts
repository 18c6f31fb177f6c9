/**
 * Integration (real processes): a kiosk serving the API is killed with SIGKILL in the middle of a burst of
 * ratings, three times over. Every rating that had been acknowledged must be in the database exactly once, with
 * the level pressed, together with its outbox row.
 */
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Satisfaction } from '../shared/satisfaction.js';
import type { PressOutcome } from './invitation-service.js';
import { PIN_1001, provisioned, tempDir } from './test-support/fixtures.js';
import { startKioskProcess, type KioskProcess } from './test-support/kiosk-process.js';

const ROUNDS = 3;

let dir: ReturnType<typeof tempDir>;
beforeAll(async () => {
  dir = tempDir('hcp-crash-');
  await (await provisioned(dir.path)).close();
});
afterAll(() => dir.remove());

/** Rates invitations one after another until the process dies; returns what was acknowledged. */
async function burst(kiosk: KioskProcess, acked: Map<string, Satisfaction>, kill: { started: boolean }): Promise<void> {
  for (let i = 0; ; i++) {
    const level = ((i % 5) + 1) as Satisfaction;
    try {
      const opened = await kiosk.api('POST', '/invitations', { caseNo: `C-${i}` });
      if (opened.status !== 201) throw new Error(`invitation refused: ${JSON.stringify(opened.body)}`);
      const result = await kiosk.command<PressOutcome>({ name: 'press', level, source: 'touch' });
      if (!result.ok || result.value.kind !== 'rated') throw new Error(`press not rated: ${JSON.stringify(result)}`);
      acked.set(result.value.invitationId, level);
    } catch (error) {
      if (!kill.started) throw error;
      return; // killed: whatever was in flight may or may not have committed, but was not acknowledged
    }
  }
}

describe('crash during a burst of ratings (real process, SIGKILL)', () => {
  it('keeps every acknowledged rating exactly once', async () => {
    const acked = new Map<string, Satisfaction>();
    for (let round = 0; round < ROUNDS; round++) {
      const kiosk = await startKioskProcess(dir.path);
      // Recovery: an invitation left open by the previous kill is still there; clear it.
      const status = (await kiosk.api('GET', '/status')).body as { invitation: { id: string } | null; shift: unknown };
      if (status.invitation) await kiosk.api('DELETE', `/invitations/${status.invitation.id}`);
      if (!status.shift) {
        expect((await kiosk.api('POST', '/shift/login', { staffNo: '1001', pin: PIN_1001 })).status).toBe(200);
      }
      const before = acked.size;
      const kill = { started: false };
      const running = burst(kiosk, acked, kill);
      // Kill after a random number of acknowledged ratings (not after a time: a busy machine rates fewer), a few
      // milliseconds into the next one, so that the kill lands anywhere in a press.
      const target = before + 20 + Math.floor(Math.random() * 30);
      const deadline = Date.now() + 30_000;
      while (acked.size < target) {
        if (Date.now() > deadline) throw new Error(`round ${round}: only ${acked.size - before} ratings in 30 s`);
        await Promise.race([running, new Promise((r) => setTimeout(r, 2))]);
      }
      await new Promise((r) => setTimeout(r, Math.random() * 10));
      kill.started = true;
      await kiosk.kill('SIGKILL');
      await running;
    }

    const db = new BetterSqlite3(join(dir.path, 'kiosk.db'), { readonly: true });
    try {
      const rated = db.prepare("SELECT id, satisfaction FROM invitations WHERE state = 'rated'").all() as {
        id: string;
        satisfaction: number;
      }[];
      const byId = new Map(rated.map((r) => [r.id, r.satisfaction]));
      const outbox = db.prepare("SELECT record_id, payload FROM outbox WHERE kind = 'evaluation'").all() as {
        record_id: string;
        payload: string;
      }[];
      const outboxCount = new Map<string, number>();
      for (const row of outbox) outboxCount.set(row.record_id, (outboxCount.get(row.record_id) ?? 0) + 1);

      for (const [id, level] of acked) {
        expect(byId.get(id), `acknowledged rating ${id}`).toBe(level);
        expect(outboxCount.get(id), `outbox rows for ${id}`).toBe(1);
        const record = JSON.parse(outbox.find((r) => r.record_id === id)!.payload) as { satisfaction: number };
        expect(record.satisfaction).toBe(level);
      }
      // Nothing beyond what was acknowledged, except at most the one press in flight at each kill.
      expect(rated.length - acked.size).toBeGreaterThanOrEqual(0);
      expect(rated.length - acked.size).toBeLessThanOrEqual(ROUNDS);
      // Every ended invitation has exactly one evaluation record queued, never two.
      const ended = db.prepare("SELECT count(*) AS n FROM invitations WHERE state != 'open'").get() as { n: number };
      expect(outbox.length).toBe(ended.n);
      expect(Math.max(...outboxCount.values())).toBe(1);
    } finally {
      db.close();
    }
  });
});
