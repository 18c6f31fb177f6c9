/**
 * Integration (real PostgreSQL): a job queue that cannot start (its schema refused) does not stop the centre: the
 * start is logged as failed and tried again, and once it starts, the alerts that waited in the outbox are relayed.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { Sealer } from '../../common/data-key.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../common/test-support/wait-for.js';
import { CalendarCache } from '../calendar/calendar.js';
import type { CentralDb } from '../db/database.js';
import { startHarness, type Harness } from '../test-support/api-harness.js';
import { createAlerts } from './alerts.js';
import { alertCreated, insertCase, seedEvaluations } from './test-support/cases-fixture.js';

describe('the alerts’ start', () => {
  let h: Harness;
  let evaluationId: string;
  let overdueEvaluationId: string;
  beforeAll(async () => {
    h = await startHarness();
    [evaluationId, overdueEvaluationId] = (await seedEvaluations(h, 2)) as [string, string];
    await h.app.close();
  });
  afterAll(() => h.close());

  it('logs a queue that cannot start, starts it again later, and then relays what waited in the outbox', async () => {
    let refuse = true;
    // The database refuses the queue's own statements until told otherwise.
    const db: CentralDb = {
      ...h.db,
      query: (sql, params) =>
        refuse && sql.includes('pgboss')
          ? Promise.reject(new Error('permission denied for schema pgboss'))
          : h.db.query(sql, params),
    };
    const errors: string[] = [];
    const logger = {
      child: () => logger,
      warn: () => undefined,
      error: (_obj: unknown, msg: string) => errors.push(msg),
      info: () => undefined,
    } as unknown as FastifyBaseLogger;
    const alerts = createAlerts({
      db,
      logger,
      calendar: new CalendarCache(h.db),
      sealer: Sealer.fromBase64(randomBytes(32).toString('base64')),
      tuning: { restartDelayMs: 200 },
    });
    try {
      await alerts.start();
      expect(errors.some((m) => m.includes('did not start'))).toBe(true);
      const c = await insertCase(h, { evaluationId });
      const key = await alertCreated(h, c);
      await waitFor('a second failed start', () => errors.filter((m) => m.includes('did not start')).length >= 2);
      const [waiting] = await h.db.query<{ dispatched: boolean }>(
        'SELECT dispatched_at IS NOT NULL AS dispatched FROM alert_outbox WHERE key = $1',
        [key],
      );
      expect(waiting).toEqual({ dispatched: false });
      refuse = false;
      await waitFor('the waiting alert to be relayed', async () => {
        const [row] = await h.db.query<{ dispatched: boolean }>(
          'SELECT dispatched_at IS NOT NULL AS dispatched FROM alert_outbox WHERE key = $1',
          [key],
        );
        return row!.dispatched;
      });
    } finally {
      await alerts.stop();
    }
  });

  it('runs the sweep by the queue’s cron, with no call from outside: a case past its deadline is marked overdue and told', async () => {
    const c = await insertCase(h, {
      evaluationId: overdueEvaluationId,
      dueAt: new Date(Date.now() - 3_600_000),
      deadlineDay: '2026-01-05',
    });
    const logger = {
      child: () => logger,
      warn: () => undefined,
      error: () => undefined,
      info: () => undefined,
    } as unknown as FastifyBaseLogger;
    const alerts = createAlerts({
      db: h.db,
      logger,
      calendar: new CalendarCache(h.db),
      sealer: Sealer.fromBase64(randomBytes(32).toString('base64')),
      tuning: { cronCheckSeconds: 1 },
    });
    try {
      await alerts.start();
      const relayed = await waitFor(
        'the overdue notice to be written and relayed',
        async () => {
          const [row] = await h.db.query<{ key: string; dispatched: boolean }>(
            `SELECT key, dispatched_at IS NOT NULL AS dispatched FROM alert_outbox WHERE case_id = $1 AND kind = 'overdue'`,
            [c.id],
          );
          return row?.dispatched && row;
        },
        // The sweep's cron fires on the minute: up to a minute, then the queue's check and the relay.
        100_000,
      );
      expect(relayed.key).toMatch(new RegExp(`^overdue:${c.id}:`));
      const [flag] = await h.db.query<{ overdue: boolean }>(
        'SELECT overdue_at IS NOT NULL AS overdue FROM cases WHERE id = $1',
        [c.id],
      );
      expect(flag).toEqual({ overdue: true });
    } finally {
      await alerts.stop();
    }
  }, 150_000);
});
