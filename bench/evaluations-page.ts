/**
 * The 评价记录 page's API (issue 15): `GET /api/v1/admin/evaluations` on a real `hcp central` process, over
 * 1,000,000 and then 10,000,000 evaluations of a hall's year in its PostgreSQL (a throwaway cluster of the embedded
 * server's own binaries and settings, as DATABASE_URL: src/central/test-support/pg-cluster.ts), signed in as an admin
 * and as a handler of two departments (sessions, as the console is). Each filter combination the page offers is asked
 * `requests` times with values drawn afresh each time (another department, staff member, month…), the combinations
 * taking turns; a page is the API's default of 100. The fill (bench/evaluation-fill.ts) is made by PostgreSQL itself
 * and timed apart; its 10,000,000 reuse the first 1,000,000.
 *
 *   npm run bench -- evaluations     (or: npx tsx bench/evaluations-page.ts [sizes, e.g. 1000000,10000000] [requests])
 */
import { seededRandom } from '../src/common/seeded-random.js';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createAccount } from '../src/central/accounts/accounts.js';
import { DepartmentScope } from '../src/central/accounts/department-scope.js';
import { SESSION_COOKIE } from '../src/central/accounts/sessions.js';
import { openPostgres, type CentralDb } from '../src/central/db/database.js';
import { listEvaluations } from '../src/central/reports/evaluations.js';
import { startCentralProcess } from '../src/central/test-support/central-process.js';
import { createTestDatabase, startPgCluster } from '../src/central/test-support/pg-cluster.js';
import { freePort } from '../src/common/test-support/fault-proxy.js';
import { tempDir } from '../src/common/test-support/temp-dir.js';
import { CHANNELS } from '../src/shared/channels.js';
import { EvaluationQuery, type EvaluationPage } from '../src/shared/evaluations-api.js';
import {
  departmentCode,
  DEPARTMENTS,
  fillEvaluations,
  itemCode,
  ITEMS_PER_DEPARTMENT,
  seedCatalogue,
  STAFF_PER_WINDOW,
  staffNo,
  windowCode,
  WINDOWS,
  WINDOWS_PER_DEPARTMENT,
} from './evaluation-fill.js';
import { count, ms, seconds, summarize, table, type Summary } from './stats.js';
import { NONE, type SummaryLine } from './summary.js';

/** The target for any combination the page offers. */
export const PAGE_P99_TARGET_MS = 50;

export interface PageOptions {
  sizes: number[];
  /** Requests of each combination at each size. */
  requests: number;
}

export interface SizeResult {
  evaluations: number;
  /** Time to add this size's rows (from the size before), build the indexes and VACUUM ANALYZE. */
  fillMs: number;
  /**
   * `latency`: the HTTP request; `query`: the same page from the list's own function on a connection of this
   * process (the database's part, without HTTP, the session check and JSON).
   */
  combinations: { name: string; latency: Summary; query: Summary; rows: number }[];
  overall: Summary;
  /** The machine's 1-minute load average at the end of the measurement (2 cores: above 2, processes waited). */
  load: number;
}

export interface PageResult {
  requests: number;
  sizes: SizeResult[];
}

type Who = 'admin' | 'handler';

/** One combination: its query, drawn with `pick`; `page2` asks the page after the first. */
interface Combination {
  name: string;
  who: Who;
  query(pick: (n: number) => number, month: () => string): string;
  page2?: boolean;
}

/** The handler's departments: a busy one and a quiet one. */
const HANDLER_DEPARTMENTS = [departmentCode(2), departmentCode(11)];

const oneOf = (pick: (n: number) => number) => ({
  department: () => departmentCode(1 + pick(DEPARTMENTS)),
  window: () => 1 + pick(WINDOWS),
  staffAt: (w: number) => staffNo((w - 1) * STAFF_PER_WINDOW + 1 + pick(STAFF_PER_WINDOW)),
  staff: () => staffNo(1 + pick(WINDOWS * STAFF_PER_WINDOW)),
  item: () => itemCode(1 + pick(DEPARTMENTS * ITEMS_PER_DEPARTMENT)),
  level: () => 1 + pick(5),
  channel: () => CHANNELS[pick(CHANNELS.length)]!,
  outcome: () => (['rated', 'unrated', 'cancelled'] as const)[pick(3)]!,
});

export const COMBINATIONS: Combination[] = [
  { name: 'no filter', who: 'admin', query: () => '' },
  { name: 'a month', who: 'admin', query: (_, month) => month() },
  { name: 'department', who: 'admin', query: (p) => `departmentCode=${oneOf(p).department()}` },
  { name: 'window', who: 'admin', query: (p) => `windowCode=${windowCode(oneOf(p).window())}` },
  { name: 'staff member', who: 'admin', query: (p) => `staffNo=${oneOf(p).staff()}` },
  { name: 'service item', who: 'admin', query: (p) => `serviceItemCode=${oneOf(p).item()}` },
  { name: 'level', who: 'admin', query: (p) => `satisfaction=${oneOf(p).level()}` },
  { name: 'channel (half have none)', who: 'admin', query: (p) => `channel=${oneOf(p).channel()}` },
  { name: 'outcome', who: 'admin', query: (p) => `outcome=${oneOf(p).outcome()}` },
  {
    name: 'department × level',
    who: 'admin',
    query: (p) => `departmentCode=${oneOf(p).department()}&satisfaction=${oneOf(p).level()}`,
  },
  {
    name: 'window × its staff member × level',
    who: 'admin',
    query: (p) => {
      const o = oneOf(p);
      const w = o.window();
      return `windowCode=${windowCode(w)}&staffNo=${o.staffAt(w)}&satisfaction=${o.level()}`;
    },
  },
  {
    name: 'service item × channel',
    who: 'admin',
    query: (p) => `serviceItemCode=${oneOf(p).item()}&channel=${oneOf(p).channel()}`,
  },
  {
    name: 'a month × department × level × outcome',
    who: 'admin',
    query: (p, month) =>
      `${month()}&departmentCode=${oneOf(p).department()}&satisfaction=${oneOf(p).level()}&outcome=rated`,
  },
  {
    // No such rows: a window's staff member at a window of another department.
    name: 'none match: window × another department’s staff × level',
    who: 'admin',
    query: (p) => {
      const o = oneOf(p);
      const w = o.window();
      const other = ((w - 1 + WINDOWS_PER_DEPARTMENT * (1 + p(DEPARTMENTS - 1))) % WINDOWS) + 1;
      return `windowCode=${windowCode(w)}&staffNo=${o.staffAt(other)}&satisfaction=${o.level()}`;
    },
  },
  {
    name: 'page 2 (cursor) of department × level',
    who: 'admin',
    query: (p) => `departmentCode=${oneOf(p).department()}&satisfaction=${1 + p(3)}`,
    page2: true,
  },
  { name: 'handler of 2 departments: no filter', who: 'handler', query: () => '' },
  { name: 'handler of 2 departments: level', who: 'handler', query: (p) => `satisfaction=${oneOf(p).level()}` },
];

/** Whole numbers below `n` from a seeded generator, so that every run asks the same questions. */
function seeded(seed: number): (n: number) => number {
  const next = seededRandom(seed);
  return (n) => Math.floor(next() * n);
}

const PASSWORD = 'bench Pass 2026 evaluations';

/** A session of a new account of `role` (no password change asked), as the console holds one. */
async function signIn(
  db: CentralDb,
  url: string,
  role: Who,
  departments: string[],
): Promise<{ cookie: string; scope: DepartmentScope }> {
  const username = `bench-${role}`;
  const account = await createAccount(db, { username, displayName: username, role, departments }, PASSWORD);
  await db.query('UPDATE accounts SET must_change_password = false WHERE id = $1', [account.id]);
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (res.status !== 200 || !cookie) throw new Error(`login of ${username} answered ${res.status}`);
  const scope = DepartmentScope.of({ kind: 'account', id: account.id, name: username, role });
  return { cookie: cookie.split(';')[0]!, scope };
}

async function measure(
  db: CentralDb,
  url: string,
  sessions: Record<Who, { cookie: string; scope: DepartmentScope }>,
  requests: number,
  start: Date,
): Promise<Pick<SizeResult, 'combinations' | 'overall' | 'load'>> {
  const pick = seeded(15);
  const month = () => {
    const from = new Date(start.getTime() + pick(12) * 30 * 86_400_000);
    const to = new Date(from.getTime() + 30 * 86_400_000);
    return `from=${from.toISOString()}&to=${to.toISOString()}`;
  };
  const get = async (who: Who, query: string): Promise<EvaluationPage> => {
    const res = await fetch(`${url}/api/v1/admin/evaluations?${query}`, { headers: { cookie: sessions[who].cookie } });
    if (res.status !== 200) throw new Error(`${query} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as EvaluationPage;
  };
  const samples = COMBINATIONS.map(() => [] as number[]);
  const direct = COMBINATIONS.map(() => [] as number[]);
  const rows = COMBINATIONS.map(() => 0);
  // One untimed turn first (connections, the server's first plans), then the combinations take turns.
  for (let turn = -1; turn < requests; turn++) {
    for (const [i, c] of COMBINATIONS.entries()) {
      let query = c.query(pick, month);
      if (c.page2) {
        const first = await get(c.who, query);
        if (first.nextCursor) query = `${query}&cursor=${first.nextCursor}`;
      }
      const t0 = performance.now();
      const page = await get(c.who, query);
      const took = performance.now() - t0;
      const q = EvaluationQuery.parse(Object.fromEntries(new URLSearchParams(query)));
      const t1 = performance.now();
      await listEvaluations(db, q, sessions[c.who].scope);
      const queried = performance.now() - t1;
      if (turn < 0) continue;
      samples[i]!.push(took);
      direct[i]!.push(queried);
      rows[i]! += page.items.length;
      if (c.who === 'handler' && page.items.some((e) => !HANDLER_DEPARTMENTS.includes(e.departmentCode!))) {
        throw new Error('the handler was answered another department’s evaluations');
      }
    }
  }
  return {
    combinations: COMBINATIONS.map((c, i) => ({
      name: c.name,
      latency: summarize(samples[i]!),
      query: summarize(direct[i]!),
      rows: rows[i]!,
    })),
    overall: summarize(samples.flat()),
    load: loadavg()[0]!,
  };
}

export async function benchEvaluationsPage(
  options: PageOptions = { sizes: [1_000_000, 10_000_000], requests: 100 },
): Promise<PageResult> {
  const cluster = await startPgCluster();
  const dir = tempDir('hcp-bench-evaluations-');
  try {
    const databaseUrl = await createTestDatabase(cluster.url, 'bench_evaluations');
    const central = await startCentralProcess({
      dataDir: join(dir.path, 'central'),
      port: await freePort(),
      databaseUrl,
    });
    const db = await openPostgres(databaseUrl, { max: 2 });
    try {
      await seedCatalogue(db);
      const sessions = {
        admin: await signIn(db, central.url, 'admin', []),
        handler: await signIn(db, central.url, 'handler', HANDLER_DEPARTMENTS),
      };
      const start = new Date(Date.now() - 365 * 86_400_000);
      const sizes: SizeResult[] = [];
      let held = 0;
      for (const size of options.sizes) {
        const t0 = performance.now();
        await fillEvaluations(db, { from: held, to: size, start });
        const fillMs = performance.now() - t0;
        held = size;
        sizes.push({
          evaluations: size,
          fillMs,
          ...(await measure(db, central.url, sessions, options.requests, start)),
        });
      }
      return { requests: options.requests, sizes };
    } finally {
      await db.close();
      await central.kill('SIGTERM');
    }
  } finally {
    await cluster.stop();
    dir.remove();
  }
}

export function formatEvaluationsPage(r: PageResult): string {
  const header = [
    '评价记录 API, a page of 100',
    ...r.sizes.flatMap((s) => [`HTTP p50 · ${count(s.evaluations)}`, 'HTTP p99', 'query p50', 'query p99']),
  ];
  const row = (name: string, of: (s: SizeResult) => Summary, query: (s: SizeResult) => Summary | null) => [
    name,
    ...r.sizes.flatMap((s) => {
      const q = query(s);
      return [ms(of(s).p50), ms(of(s).p99), q ? ms(q.p50) : '', q ? ms(q.p99) : ''];
    }),
  ];
  return table(header, [
    ...COMBINATIONS.map((c, i) =>
      row(
        c.name,
        (s) => s.combinations[i]!.latency,
        (s) => s.combinations[i]!.query,
      ),
    ),
    row(
      `every combination (${count(r.requests)} requests each)`,
      (s) => s.overall,
      () => null,
    ),
    ['fill: rows added, indexes built, VACUUM ANALYZE', ...r.sizes.flatMap((s) => [seconds(s.fillMs), '', '', ''])],
    ['machine’s load average (1 min) after', ...r.sizes.flatMap((s) => [s.load.toFixed(1), '', '', ''])],
  ]);
}

/** The worst p99 of any combination at a size. */
const worst = (s: SizeResult) => Math.max(...s.combinations.map((c) => c.latency.p99));
/** The worst p99 of any combination's query alone at a size. */
const worstQuery = (s: SizeResult) => Math.max(...s.combinations.map((c) => c.query.p99));

export function evaluationsPageSummary(r: PageResult): SummaryLine[] {
  return [
    {
      measure: `7 评价记录 page API, worst combination p99 at ${r.sizes.map((s) => count(s.evaluations)).join(' · ')} evaluations`,
      hcp: r.sizes
        .map((s) => `${ms(worst(s))} (all: p50 ${ms(s.overall.p50)}; the query alone ${ms(worstQuery(s))})`)
        .join(' · '),
      peer: NONE,
      floor: NONE,
      vsFloor: NONE,
      vsPeer: NONE,
      target: `p99 < ${PAGE_P99_TARGET_MS} ms`,
      met: r.sizes.every((s) => worst(s) < PAGE_P99_TARGET_MS),
      limit: 'the slowest combination is named in its section',
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = (process.argv[2] ?? '1000000,10000000').split(',').map(Number);
  const requests = Number(process.argv[3] ?? 100);
  console.log(formatEvaluationsPage(await benchEvaluationsPage({ sizes, requests })));
}
