/**
 * Backlog delivery: a kiosk that was offline holds 100,000 ratings; how long until a fresh central system holds
 * them all? The central system runs as its own process (on its embedded PostgreSQL cluster in its data folder, then
 * on a PostgreSQL server at DATABASE_URL); the kiosk's sync agent delivers over loopback HTTP. The floor is the same
 * kind of database bulk-inserting the same rows directly (the same two tables, 10,000 rows per statement), measured
 * in the same run. The centre's resident memory is read at start and after the backlog: the central process's own,
 * and its PostgreSQL's (the postmaster and its children) apart. The peer: PouchDB replicating the same
 * number of rating documents from pouchdb-node to express-pouchdb (its own process) over loopback, 1,000 documents a
 * batch like the sync agent (PouchDB's default of 100 took 1.6× as long as 500 here).
 *
 *   npm run bench -- backlog     (or: npx tsx bench/backlog.ts [records])
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '../src/common/logger.js';
import { freePort } from '../src/common/test-support/fault-proxy.js';
import { tempDir } from '../src/common/test-support/temp-dir.js';
import { uuidv7 } from '../src/common/ids.js';
import { openPostgres, type CentralDb } from '../src/central/db/database.js';
import { startEmbeddedCluster } from '../src/central/db/embedded-cluster.js';
import { migrateCentral } from '../src/central/db/migrate.js';
import { heldRatings, seedHall, startCentralProcess } from '../src/central/test-support/central-process.js';
import { createTestDatabase, startPgCluster } from '../src/central/test-support/pg-cluster.js';
import { KioskService } from '../src/kiosk/kiosk-service.js';
import { enrollKiosk } from '../src/kiosk/sync/enroll.js';
import { syncAgentFor } from '../src/kiosk/run-kiosk.js';
import { MAX_RECORDS_PER_BATCH as SYNC_BATCH, recordDay } from '../src/shared/wire-records.js';
import { fillPouch, openPouch, startPouchServer } from './pouchdb-peer.js';
import { memoryOf, processAndChildren, pssOf } from './proc-stats.js';
import { count, mb, median, ratio, seconds, table } from './stats.js';
import { fillBacklog } from './rating-write.js';
import { NONE, type SummaryLine } from './summary.js';

/**
 * Resident memory of the centre, bytes: the central process's (RSS), and its PostgreSQL's (the postmaster and its
 * children, their proportional shares summed, so that shared buffers count once).
 */
export interface CentreMemory {
  central: number;
  postgres: number;
}

export interface BacklogRow {
  backend: 'the embedded cluster' | 'a PostgreSQL server';
  /** Medians of the runs below. */
  deliverMs: number;
  floorMs: number;
  /** Every run, in the order taken. */
  deliveries: number[];
  floors: number[];
  /** The centre's memory at start and after the backlog, of the last round. */
  memory: { start: CentreMemory; after: CentreMemory };
}

export interface BacklogResult {
  records: number;
  hcp: BacklogRow[];
  /** PouchDB replication of as many documents to express-pouchdb. */
  pouchMs: number;
}

/** Resident memory of the central process and, apart, of the server with process id `postmaster` and its children. */
function centreMemory(centralPid: number, postmaster: number): CentreMemory {
  const pss = processAndChildren(postmaster).reduce((sum, pid) => sum + pssOf(pid), 0);
  return { central: memoryOf(centralPid).rss, postgres: pss };
}

interface Delivery {
  ms: number;
  memory: { start: CentreMemory; after: CentreMemory };
}

async function deliver(
  backend: BacklogRow['backend'],
  records: number,
  server: { url: string; pid: number } | undefined,
): Promise<Delivery> {
  const dir = tempDir('hcp-bench-backlog-');
  const dataDir = join(dir.path, 'central');
  const central = await startCentralProcess({ dataDir, port: await freePort(), databaseUrl: server?.url });
  const postmaster = server?.pid ?? Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const memory = () => centreMemory(central.child.pid!, postmaster);
  try {
    const start = memory();
    await seedHall((method, path, body) => central.admin(method, path, body));
    const { code } = (await central.admin('POST', '/enrollments', { mode: 'window', windowCode: 'W01', name: 'bench' }))
      .body as { code: string };
    const kioskDir = join(dir.path, 'kiosk');
    const kiosk = KioskService.open({ dataDir: kioskDir });
    await enrollKiosk(kiosk, kioskDir, central.url, code);
    await kiosk.shifts.login({ staffNo: '1001', pin: '246810' });
    fillBacklog(kiosk, records);
    const agent = syncAgentFor(kiosk, kioskDir, silentLogger)!;
    const t0 = performance.now();
    kiosk.attachSync(agent);
    while (kiosk.context.outbox.pending(1).length > 0) await new Promise((r) => setTimeout(r, 10));
    const ms = performance.now() - t0;
    await kiosk.close();
    const total = await heldRatings(central);
    if (total !== records) throw new Error(`${backend}: the centre holds ${total} ratings, not ${records}`);
    return { ms, memory: { start, after: memory() } };
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

/** The peer: `records` rating documents replicated from a local pouchdb-node database to express-pouchdb. */
async function replicatePouch(records: number): Promise<number> {
  const dir = tempDir('hcp-bench-pouch-');
  const server = await startPouchServer(join(dir.path, 'server'));
  try {
    const local = openPouch(join(dir.path, 'local'), { durable: false });
    await fillPouch(local, records);
    const t0 = performance.now();
    await local.replicate.to(`${server.url}/backlog`, { batch_size: SYNC_BATCH });
    const ms = performance.now() - t0;
    await local.close();
    const held = await server.docCount('backlog');
    if (held !== records) throw new Error(`express-pouchdb holds ${held} documents, not ${records}`);
    return ms;
  } finally {
    await server.stop();
    dir.remove();
  }
}

interface Backend {
  backend: BacklogRow['backend'];
  /** One delivery to a fresh centre on this backend. */
  deliver(): Promise<Delivery>;
  /** One bulk insert into a fresh database of this backend, in ms. */
  floor(): Promise<number>;
}

/** The floor on a fresh embedded cluster, as the centre starts one. */
async function embeddedFloor(records: number): Promise<number> {
  const dir = tempDir('hcp-bench-floor-');
  const cluster = await startEmbeddedCluster(dir.path, silentLogger);
  try {
    return await bulkInsert(await openPostgres(cluster.url), records);
  } finally {
    await cluster.stop();
    dir.remove();
  }
}

/**
 * Each delivery and its floor take turns, three times, and the medians are compared: a single run of each swung by
 * a quarter with the machine's slow stretches, enough to flip the 2× target either way.
 */
const ROUNDS = 3;

/**
 * `only`: one backend's row (`embedded` or `server`), e.g. `npx tsx bench/backlog.ts 100000 embedded`; the peer is
 * then left out.
 */
export async function benchBacklog(records = 100_000, only?: 'embedded' | 'server'): Promise<BacklogResult> {
  // The server: a throwaway cluster (the embedded binaries, or Debian's with HCP_TEST_PG=debian), as DATABASE_URL.
  const cluster = only === 'embedded' ? undefined : await startPgCluster();
  try {
    const backends: Backend[] = [];
    if (only !== 'server') {
      backends.push({
        backend: 'the embedded cluster',
        deliver: () => deliver('the embedded cluster', records, undefined),
        floor: () => embeddedFloor(records),
      });
    }
    if (cluster) {
      backends.push({
        backend: 'a PostgreSQL server',
        deliver: async () =>
          deliver('a PostgreSQL server', records, {
            url: await createTestDatabase(cluster.url, 'bench_backlog'),
            pid: cluster.pid,
          }),
        floor: async () =>
          bulkInsert(await openPostgres(await createTestDatabase(cluster.url, 'bench_floor')), records),
      });
    }
    const hcp: BacklogRow[] = [];
    for (const b of backends) {
      const deliveries: Delivery[] = [];
      const floors: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        deliveries.push(await b.deliver());
        floors.push(await b.floor());
      }
      const times = deliveries.map((d) => d.ms);
      hcp.push({
        backend: b.backend,
        deliverMs: median(times),
        floorMs: median(floors),
        deliveries: times,
        floors,
        memory: deliveries.at(-1)!.memory,
      });
    }
    return { records, hcp, pouchMs: only ? NaN : await replicatePouch(records) };
  } finally {
    await cluster?.stop();
  }
}

export function formatBacklog({ records, hcp, pouchMs }: BacklogResult): string {
  const rate = (ms: number) => count(records / (ms / 1000));
  return table(
    [
      `backlog: ${count(records)} records to a fresh centre`,
      `time (median of ${ROUNDS})`,
      'records/s',
      'direct bulk insert (floor)',
      'HCP / floor (target ≤ 2×)',
      'HCP / PouchDB (< 1× is ahead)',
      'every run: HCP · floor',
      'centre’s memory at start → after: central · postgres',
    ],
    [
      ...hcp.map((r) => [
        `HCP kiosk → centre on ${r.backend}`,
        seconds(r.deliverMs),
        rate(r.deliverMs),
        seconds(r.floorMs),
        ratio(r.deliverMs, r.floorMs),
        ratio(r.deliverMs, pouchMs),
        `${r.deliveries.map((t) => (t / 1000).toFixed(2)).join(', ')} · ${r.floors.map((t) => (t / 1000).toFixed(2)).join(', ')} s`,
        `${mb(r.memory.start.central)} · ${mb(r.memory.start.postgres)} → ${mb(r.memory.after.central)} · ${mb(r.memory.after.postgres)}`,
      ]),
      // Left out when one backend's row ran alone.
      ...(Number.isNaN(pouchMs)
        ? []
        : [['PouchDB replication → express-pouchdb', seconds(pouchMs), rate(pouchMs), NONE, NONE, NONE, NONE, NONE]]),
    ],
  );
}

export function backlogSummary({ records, hcp, pouchMs }: BacklogResult): SummaryLine[] {
  return hcp.flatMap((r): SummaryLine[] => [
    {
      measure: `3 backlog of ${count(records)} to a fresh centre on ${r.backend}`,
      hcp: seconds(r.deliverMs),
      peer: `${seconds(pouchMs)} (replication to express-pouchdb)`,
      floor: `${seconds(r.floorMs)} (bulk insert)`,
      vsFloor: ratio(r.deliverMs, r.floorMs),
      vsPeer: ratio(r.deliverMs, pouchMs),
      target: '≤ 2× floor; ahead of peer',
      met: r.deliverMs <= 2 * r.floorMs && r.deliverMs < pouchMs,
      limit:
        'delivery does what the floor leaves out: reading and unsealing the outbox, JSON over HTTP, checking every ' +
        'record and its device signature, the ledger insert with ON CONFLICT, marking rows delivered on the kiosk',
    },
    {
      measure: `3 centre resident on ${r.backend}, at start → after the backlog (central · postgres)`,
      hcp:
        `${mb(r.memory.start.central)} · ${mb(r.memory.start.postgres)} → ` +
        `${mb(r.memory.after.central)} · ${mb(r.memory.after.postgres)}`,
      peer: NONE,
      floor: NONE,
      vsFloor: NONE,
      vsPeer: NONE,
      target: NONE,
      met: null,
    },
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const only = process.argv[3] as 'embedded' | 'server' | undefined;
  console.log(formatBacklog(await benchBacklog(Number(process.argv[2] ?? 100_000), only)));
}
