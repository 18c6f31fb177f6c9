/**
 * Backlog delivery: a kiosk that was offline holds 100,000 ratings; how long until a fresh central system holds
 * them all? The central system runs as its own process (on PGlite, then on a real PostgreSQL server); the kiosk's
 * sync agent delivers over loopback HTTP. The floor is the same database bulk-inserting the same rows directly
 * (the same two tables, 10,000 rows per statement), measured in the same run.
 *
 *   npm run bench -- backlog     (or: npx tsx bench/backlog.ts [records])
 */
import { join } from 'node:path';
import { silentLogger } from '../src/common/logger.js';
import { freePort } from '../src/common/test-support/fault-proxy.js';
import { tempDir } from '../src/common/test-support/temp-dir.js';
import { uuidv7 } from '../src/common/ids.js';
import { openPglite, openPostgres, type CentralDb } from '../src/central/db/database.js';
import { migrateCentral } from '../src/central/db/migrate.js';
import { seedHall, startCentralProcess } from '../src/central/test-support/central-process.js';
import { createTestDatabase, startPgCluster } from '../src/central/test-support/pg-cluster.js';
import { KioskService } from '../src/kiosk/kiosk-service.js';
import { enrollKiosk } from '../src/kiosk/sync/enroll.js';
import { syncAgentFor } from '../src/kiosk/run-kiosk.js';
import { recordDay } from '../src/shared/wire-records.js';
import { table } from './stats.js';

export interface BacklogRow {
  backend: 'PGlite' | 'PostgreSQL';
  records: number;
  deliverMs: number;
  floorMs: number;
}

async function fillBacklog(kiosk: KioskService, count: number): Promise<void> {
  // One transaction for the whole backlog (savepoints inside): the real rating path, without a fsync per rating.
  kiosk.context.db.transaction(() => {
    for (let i = 0; i < count; i++) {
      kiosk.invitations.open({ serviceItemCode: 'SC-0001', caseNo: `C-${i}` });
      kiosk.press({ level: ((i % 5) + 1) as 1 | 2 | 3 | 4 | 5, source: 'serial', key: 1 });
    }
  })();
}

async function deliver(
  backend: BacklogRow['backend'],
  records: number,
  databaseUrl: string | undefined,
): Promise<number> {
  const dir = tempDir('hcp-bench-backlog-');
  const central = await startCentralProcess({
    dataDir: join(dir.path, 'central'),
    port: await freePort(),
    databaseUrl,
  });
  try {
    await seedHall((method, path, body) => central.admin(method, path, body));
    const { code } = (await central.admin('POST', '/enrollments', { mode: 'window', windowCode: 'W01', name: 'bench' }))
      .body as { code: string };
    const kioskDir = join(dir.path, 'kiosk');
    const kiosk = KioskService.open({ dataDir: kioskDir });
    await enrollKiosk(kiosk, kioskDir, central.url, code);
    await kiosk.shifts.login({ staffNo: '1001', pin: '246810' });
    await fillBacklog(kiosk, records);
    const agent = syncAgentFor(kiosk, kioskDir, silentLogger)!;
    const t0 = performance.now();
    kiosk.attachSync(agent);
    while (kiosk.context.outbox.pending(1).length > 0) await new Promise((r) => setTimeout(r, 10));
    const ms = performance.now() - t0;
    await kiosk.close();
    const held = (await central.admin('GET', '/stats?groupBy=staff')).body as { groups: { rated: number }[] };
    const total = held.groups.reduce((a, g) => a + g.rated, 0);
    if (total !== records) throw new Error(`${backend}: the centre holds ${total} ratings, not ${records}`);
    void backend;
    return ms;
  } finally {
    await central.kill('SIGTERM');
    dir.remove();
  }
}

/** The floor: the same rows into the same two tables, straight into the database, 10,000 per statement. */
async function bulkInsert(db: CentralDb, records: number): Promise<number> {
  await migrateCentral(db);
  const deviceId = uuidv7();
  await db.query(`INSERT INTO devices (id, public_key, mode, name, info) VALUES ($1, 'x', 'terminal', 'floor', '{}')`, [
    deviceId,
  ]);
  const ids = Array.from({ length: records }, () => uuidv7());
  const now = new Date().toISOString();
  const t0 = performance.now();
  for (let start = 0; start < records; start += 10_000) {
    const chunk = ids.slice(start, start + 10_000);
    await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO records (id, device_id, kind, day) SELECT id, $2, 'evaluation', day FROM unnest($1::uuid[], $3::date[]) AS r (id, day)`,
        [chunk, deviceId, chunk.map(recordDay)],
      );
      await tx.query(
        `INSERT INTO evaluations (id, device_id, channel, mode, outcome, satisfaction, source, invited_at, expires_at, ended_at,
           staff_no, window_code, department_code, service_item_code, case_no)
         SELECT id, $2, 'hall_window', 'window', 'rated', s, 'serial', $3, $3, $3, '1001', 'W01', 'SCJG', 'SC-0001', c
           FROM unnest($1::uuid[], $4::smallint[], $5::text[]) AS r (id, s, c)`,
        [chunk, deviceId, now, chunk.map((_, i) => (i % 5) + 1), chunk.map((_, i) => `C-${start + i}`)],
      );
    });
  }
  const ms = performance.now() - t0;
  await db.close();
  return ms;
}

export async function benchBacklog(records = 100_000): Promise<BacklogRow[]> {
  const cluster = await startPgCluster();
  try {
    const rows: BacklogRow[] = [];
    const floorDir = tempDir('hcp-bench-floor-');
    const pgliteDeliver = await deliver('PGlite', records, undefined);
    const pgliteFloor = await bulkInsert(await openPglite(join(floorDir.path, 'pg')), records);
    floorDir.remove();
    rows.push({ backend: 'PGlite', records, deliverMs: pgliteDeliver, floorMs: pgliteFloor });
    const pgDeliver = await deliver('PostgreSQL', records, await createTestDatabase(cluster.url, 'bench_backlog'));
    const pgFloor = await bulkInsert(await openPostgres(await createTestDatabase(cluster.url, 'bench_floor')), records);
    rows.push({ backend: 'PostgreSQL', records, deliverMs: pgDeliver, floorMs: pgFloor });
    return rows;
  } finally {
    cluster.stop();
  }
}

export function formatBacklog(rows: BacklogRow[]): string {
  return table(
    [
      'backlog delivery to a fresh centre',
      'records',
      'kiosk → centre',
      'records/s',
      'direct bulk insert (floor)',
      'ratio (target on PostgreSQL ≤ 3×)',
    ],
    rows.map((r) => [
      r.backend,
      String(r.records),
      `${(r.deliverMs / 1000).toFixed(2)} s`,
      String(Math.round(r.records / (r.deliverMs / 1000))),
      `${(r.floorMs / 1000).toFixed(2)} s`,
      `${(r.deliverMs / r.floorMs).toFixed(2)}×`,
    ]),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatBacklog(await benchBacklog(Number(process.argv[2] ?? 100_000))));
}
