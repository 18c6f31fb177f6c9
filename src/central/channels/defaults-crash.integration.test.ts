/**
 * Fault test of the 7-day default (第八条; issue 17) with a real `hcp central` process on real PostgreSQL: services
 * whose default fell due while the centre was down, the centre started (it defaults at start), SIGKILLed halfway
 * through, and started again. Every service ends with exactly one default, none twice and none missed.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../common/test-support/fault-proxy.js';
import { tempDir } from '../../common/test-support/temp-dir.js';
import { waitFor } from '../../common/test-support/wait-for.js';
import { openPostgres, type CentralDb } from '../db/database.js';
import { startCentralProcess, type CentralProcess } from '../test-support/central-process.js';
import { createTestDatabase } from '../test-support/pg-cluster.js';

const SERVICES = 100_000;

describe('the 7-day default through a SIGKILL of the centre', () => {
  const dir = tempDir('hcp-defaults-crash-');
  let db: CentralDb;
  let central: CentralProcess | undefined;
  let start: () => Promise<CentralProcess>;
  const count = async (sql: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`))[0]!.n;

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase(inject('pgUrl'), 'defaults_crash');
    const port = await freePort();
    start = () => startCentralProcess({ dataDir: join(dir.path, 'central'), port, databaseUrl });
    // Once, so that the schema is there; then the services, due eight days ago, while it is down.
    await (await start()).kill('SIGTERM');
    db = await openPostgres(databaseUrl, { max: 2 });
    await db.query(
      `WITH s AS (
         INSERT INTO services (id, project_no, service_number, channel, department_code, ended_at, registered_by)
         SELECT gen_random_uuid(), 'P' || lpad(i::text, 8, '0'), 1, 'hall_window', 'SCJG',
                now() - interval '15 days' + i * interval '1 second', 'test'
           FROM generate_series(1, $1) AS i
         RETURNING id, ended_at)
       INSERT INTO services_awaiting (service_id, due_at) SELECT id, ended_at + interval '7 days' FROM s`,
      [SERVICES],
    );
  }, 120_000);
  afterAll(async () => {
    await central?.kill();
    await db?.close();
    dir.remove();
  });

  it('defaults every service exactly once after a kill halfway', async () => {
    central = await start();
    await waitFor('the first defaults', async () => (await count(`evaluations WHERE channel = 'system_default'`)) > 0, {
      timeoutMs: 60_000,
      intervalMs: 10,
    });
    await central.kill('SIGKILL');
    const before = await count(`evaluations WHERE channel = 'system_default'`);
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(SERVICES);
    // What was killed in flight was rolled back whole: every service is either defaulted or still waiting.
    expect(before + (await count('services_awaiting'))).toBe(SERVICES);

    central = await start();
    await waitFor('every service defaulted', async () => (await count('services_awaiting')) === 0, {
      timeoutMs: 120_000,
      intervalMs: 100,
    });
    const [tally] = await db.query<{ defaults: number; services: number; threes: number }>(
      `SELECT count(*)::int AS defaults, count(DISTINCT service_id)::int AS services,
              count(*) FILTER (WHERE satisfaction = 3 AND mode = 'default')::int AS threes
         FROM evaluations WHERE channel = 'system_default'`,
    );
    expect(tally).toEqual({ defaults: SERVICES, services: SERVICES, threes: SERVICES });
  }, 240_000);
});
