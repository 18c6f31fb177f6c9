/**
 * Row 9, the 7-day default (第八条; issue 17): 1,000,000 services waiting for a rating, all past their default,
 * defaulted by the centre's job (src/central/channels/defaults.ts, as its queue runs it) on a throwaway cluster of
 * the embedded server's binaries. The target: under 60 s. Then every service must hold exactly one default.
 *
 *   npm run bench -- defaults
 *   npx tsx bench/rating-defaults.ts [services]
 */
import { applyDefaults } from '../src/central/channels/defaults.js';
import { openPostgres } from '../src/central/db/database.js';
import { migrateCentral } from '../src/central/db/migrate.js';
import { createTestDatabase, startPgCluster } from '../src/central/test-support/pg-cluster.js';
import { cpuMeter, processAndChildren } from './proc-stats.js';
import { count, seconds, table } from './stats.js';
import { NONE, type SummaryLine } from './summary.js';

export interface RatingDefaultsResult {
  services: number;
  seedMs: number;
  defaultMs: number;
  chunks: number;
  /** PostgreSQL's CPU while defaulting, % of one core. */
  postgresCpu: number;
}

export async function benchRatingDefaults(services = 1_000_000): Promise<RatingDefaultsResult> {
  const cluster = await startPgCluster();
  try {
    const db = await openPostgres(await createTestDatabase(cluster.url, 'bench_defaults'), { max: 2 });
    try {
      await migrateCentral(db);
      const t0 = performance.now();
      // Ids as the centre makes them (UUIDv7, in time order), so that their indexes grow as in service.
      await db.query(
        `WITH s AS (
           INSERT INTO services (id, project_no, service_number, channel, department_code, service_item_code,
                                 window_code, ended_at, registered_by)
           SELECT (lpad(to_hex(1760000000000 + i), 12, '0') || '7' || substr(md5(i::text), 1, 19))::uuid, 'BJ' || lpad(i::text, 10, '0'), 1, 'hall_window', 'D' || (i % 20), 'S-' || (i % 300),
                  'W' || (i % 400), now() - interval '30 days' + (i % 1000000) * interval '1 second', 'bench'
             FROM generate_series(1, $1) AS i
           RETURNING id, ended_at)
         INSERT INTO services_awaiting (service_id, due_at) SELECT id, ended_at + interval '7 days' FROM s`,
        [services],
      );
      await db.query('VACUUM ANALYZE services, services_awaiting');
      const seedMs = performance.now() - t0;
      const postgres = cpuMeter(() => processAndChildren(cluster.pid));
      const t1 = performance.now();
      const run = await applyDefaults(db, new Date());
      const defaultMs = performance.now() - t1;
      const postgresCpu = (postgres() / defaultMs) * 100;
      const [tally] = await db.query<{ defaults: number; distinct: number; waiting: number }>(
        `SELECT count(*)::int AS defaults, count(DISTINCT service_id)::int AS distinct,
                (SELECT count(*)::int FROM services_awaiting) AS waiting
           FROM evaluations WHERE channel = 'system_default'`,
      );
      if (tally!.defaults !== services || tally!.distinct !== services || tally!.waiting !== 0) {
        throw new Error(`the defaults are wrong: ${JSON.stringify(tally)} for ${services} services`);
      }
      return { services, seedMs, defaultMs, chunks: run.chunks, postgresCpu };
    } finally {
      await db.close();
    }
  } finally {
    await cluster.stop();
  }
}

export function formatRatingDefaults(r: RatingDefaultsResult): string {
  return table(
    ['the 7-day default (第八条)', 'figure'],
    [
      [`${count(r.services)} services past their default, seeded`, seconds(r.seedMs)],
      [
        `defaulted to 基本满意 by the job, in ${count(r.chunks)} transactions`,
        `${seconds(r.defaultMs)} · ${count(r.services / (r.defaultMs / 1000))} services/s · PostgreSQL CPU ${r.postgresCpu.toFixed(0)} %`,
      ],
      ['held afterwards', `exactly one default for each of the ${count(r.services)} services`],
    ],
  );
}

export function ratingDefaultsSummary(r: RatingDefaultsResult): SummaryLine[] {
  return [
    {
      measure: `9 the 7-day default of ${count(r.services)} waiting services`,
      hcp: `${seconds(r.defaultMs)} (${count(r.services / (r.defaultMs / 1000))} services/s)`,
      peer: NONE,
      floor: NONE,
      vsFloor: NONE,
      vsPeer: NONE,
      target: '< 60 s',
      met: r.defaultMs < 60_000,
      limit: 'PostgreSQL on the two cores: three rows and their indexes written per service',
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [services = 1_000_000] = process.argv.slice(2).map(Number);
  console.log(formatRatingDefaults(await benchRatingDefaults(services)));
}
