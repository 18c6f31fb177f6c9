/**
 * `npm run bench [-- NAME …]`: runs issue 6's benchmarks, prints each one's table and then one summary table.
 * Figures, never assertions (a benchmark throws only when the system lost or refused data it should hold).
 * With no names it runs them all and also writes docs/performance.md; a run of some leaves that file alone.
 * Names, in the issue's order: write, press, backlog, queue, fleet, startup, evaluations, cases, defaults.
 */
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { backlogSummary, benchBacklog, formatBacklog } from './backlog.js';
import { benchCaseIngest, caseIngestSummary, formatCaseIngest } from './case-ingest.js';
import { benchDurableWrite, durableWriteSummary, formatDurableWrite } from './durable-write.js';
import { benchEvaluationsPage, evaluationsPageSummary, formatEvaluationsPage } from './evaluations-page.js';
import { benchFleetIngest, fleetIngestSummary, formatFleetIngest } from './fleet-ingest.js';
import { benchPressToAck, formatPressToAck, pressToAckSummary } from './press-to-ack.js';
import { benchQueueGrowth, formatQueueGrowth, queueGrowthSummary } from './queue-growth.js';
import { benchRatingDefaults, formatRatingDefaults, ratingDefaultsSummary } from './rating-defaults.js';
import { writePerformanceDoc, type Section } from './report.js';
import { benchStartup, formatStartup, startupSummary } from './startup.js';
import { summaryTable, type SummaryLine } from './summary.js';

interface Bench<T> {
  title: string;
  note: string;
  run(): Promise<T>;
  format(result: T): string;
  summary(result: T): SummaryLine[];
}

const bench =
  <T>(b: Bench<T>) =>
  async (): Promise<Section> => {
    const result = await b.run();
    return { title: b.title, note: b.note, table: b.format(result), summary: b.summary(result) };
  };

const BENCHES: Record<string, () => Promise<Section>> = {
  write: bench({
    title: '1. Durable rating write on the kiosk',
    note:
      'KioskService rating an open invitation (the rating and its outbox row, one fsynced SQLite transaction) ' +
      'against PouchDB `put`ting the same rating as a document, and one bare durable SQLite commit of a small row, ' +
      '5,000 writes each, one after another (HCP and the floor taking turns in five rounds); ratings/s is 1 / mean.',
    run: () => benchDurableWrite(),
    format: formatDurableWrite,
    summary: durableWriteSummary,
  }),
  press: bench({
    title: '2. Press to acknowledgement over a real pty',
    note:
      'A real kiosk process and the simulated evaluator on the two ends of a socat pty pair: KEY frame sent → ACK ' +
      'received, 1,000 presses, each 20 ms after its PROMPT. The floor is the same round trip, paced the same, to a ' +
      'process that only commits one row durably and answers; kiosk and floor take turns in five rounds. No peer: ' +
      'PouchDB has no evaluator.',
    run: () => benchPressToAck(1000),
    format: formatPressToAck,
    summary: pressToAckSummary,
  }),
  backlog: bench({
    title: '3. Backlog delivery to a fresh centre',
    note:
      'A kiosk holding 100,000 ratings delivers them with its sync agent to a fresh `hcp central` process, on ' +
      'its embedded PostgreSQL cluster and on a PostgreSQL server (DATABASE_URL); the floor bulk-inserts the same ' +
      'rows straight into the same kind of database. The centre’s resident memory (the central process, and its ' +
      'PostgreSQL’s processes apart) is read at start and after the backlog. The peer ' +
      'replicates 100,000 rating documents from pouchdb-node to express-pouchdb (its own process), 1,000 a batch as the agent sends. ' +
      'Each run checks the centre (or the peer’s server) holds them all. Delivery and floor take turns three times ' +
      'on each backend; the times are the medians.',
    run: () => benchBacklog(100_000),
    format: formatBacklog,
    summary: backlogSummary,
  }),
  queue: bench({
    title: '4. The durable write against the queue’s size',
    note:
      'Row 1’s write with 0, 100,000 and 1,000,000 records waiting for delivery, 5,000 writes each, timed in five ' +
      'rounds across the sizes; PouchDB’s ' +
      'synced `put` with 0 and 100,000 documents not yet replicated (filling 1,000,000 took PouchDB over a minute, longer than the rest of this row).',
    run: () => benchQueueGrowth(),
    format: formatQueueGrowth,
    summary: queueGrowthSummary,
  }),
  fleet: bench({
    title: '5. The fleet at a city’s size',
    note:
      '20,000 kiosks, written into the centre’s database with real Ed25519 keys, sign every request as a kiosk does: ' +
      'each heartbeats every 30 s (spread evenly; one in twenty stays silent, offline) while ratings arrive at ' +
      '10,000 a second in batches of 100, open-loop, against one `hcp central` on one PostgreSQL; a 30 s warm-up, ' +
      'then 60 s measured. The 设备 page’s API is read with each of its filters under that load and again once it ' +
      'has stopped. The load generator shares the two cores: what it offered is shown beside what the centre ' +
      'achieved, with its own CPU and cost per request. The centre must then hold every rating accepted, once.',
    run: () => benchFleetIngest(),
    format: formatFleetIngest,
    summary: fleetIngestSummary,
  }),
  startup: bench({
    title: '6. Start-up and footprint',
    note:
      '`hcp kiosk` from spawn to its first 200 on `/api/v1/status` and its resident memory then (five starts), ' +
      'empty and with 100,000 ratings in its database; its memory after taking 100,000 ratings live (invitation over ' +
      'the local API, press over the UI channel); `hcp central` restarting on an existing data folder, its embedded ' +
      'PostgreSQL started with it, and the resident memory of the central process and of its PostgreSQL then.',
    run: () => benchStartup(),
    format: formatStartup,
    summary: startupSummary,
  }),
  evaluations: bench({
    title: '7. The 评价记录 page’s API over 1,000,000 and 10,000,000 evaluations',
    note:
      '`GET /api/v1/admin/evaluations` on a real `hcp central` process over a hall’s year of evaluations in its ' +
      'PostgreSQL (a throwaway cluster of the embedded server’s binaries and settings), signed in as an admin and as ' +
      'a handler of two departments: each filter combination the page offers, 100 times with values drawn afresh ' +
      '(department, window, staff member, month…), the combinations taking turns, a page of 100. The fill is made ' +
      'by PostgreSQL (INSERT … SELECT generate_series), then the indexes are built and the table VACUUM ANALYZEd.',
    run: () => benchEvaluationsPage(),
    format: formatEvaluationsPage,
    summary: evaluationsPageSummary,
  }),
  cases: bench({
    title: '8. Ingest with 差评: a case and an alert each',
    note:
      'Record batches of 100 through the signed device API of a real `hcp central` on PostgreSQL, 8 in flight, ' +
      'with no 差评 and with one record in ten rated 1 or 2 — each of which makes its case, its created event and ' +
      'its `case_created` alert in the ingest’s statement; 20,000 records a round, the two mixes taking turns for ' +
      'nine rounds after a warm-up (the shared machine’s drift is wide: the median of nine steadies it), the centre’s alert relay running as in service. The centre must then hold ' +
      'exactly one case and one alert per 差评.',
    run: () => benchCaseIngest(),
    format: formatCaseIngest,
    summary: caseIngestSummary,
  }),
  defaults: bench({
    title: '9. The 7-day default of a million services',
    note:
      '1,000,000 services registered and never rated, all past their default (第八条), on a throwaway PostgreSQL ' +
      'cluster of the embedded binaries; the centre’s default job (src/central/channels/defaults.ts) gives each ' +
      'its 基本满意, a chunk per transaction, as its queue runs it. The centre must then hold exactly one default ' +
      'per service.',
    run: () => benchRatingDefaults(),
    format: formatRatingDefaults,
    summary: ratingDefaultsSummary,
  }),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
const started = new Date();
const t0 = performance.now();
console.log(
  `HCP benchmarks · ${started.toISOString()} · ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length} · Node ${process.version}\n`,
);
const sections: Section[] = [];
for (const name of names) {
  const section = await BENCHES[name]!();
  sections.push(section);
  console.log(`${section.title}\n\n${section.table}\n`);
}
console.log(`Summary\n\n${summaryTable(sections.flatMap((s) => s.summary))}\n`);
if (wanted.length === 0) {
  const file = fileURLToPath(new URL('../docs/performance.md', import.meta.url));
  await writePerformanceDoc(file, started, performance.now() - t0, sections);
  console.log(`written to ${file}`);
}
