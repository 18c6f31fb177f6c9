/**
 * docs/performance.md, written by a full `npm run bench`: the machine, the summary table, each row's own table and
 * short notes. Formatted with the repository's Prettier settings (prose wrapped), so the lint passes on it as written.
 */
import { writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { describeMachine } from './machine.js';
import { missedTargets, summaryTable, type SummaryLine } from './summary.js';

/** One row of issue 6 as a run produced it. */
export interface Section {
  title: string;
  /** What the row measures, in a sentence or two. */
  note: string;
  table: string;
  summary: SummaryLine[];
}

export async function writePerformanceDoc(
  file: string,
  date: Date,
  tookMs: number,
  sections: Section[],
): Promise<void> {
  const lines = sections.flatMap((s) => s.summary);
  const missed = missedTargets(lines);
  const text = [
    '# Performance',
    '',
    'Written by `npm run bench` (all benchmarks; a run of some leaves this file alone). What each benchmark does: ' +
      '[benchmarks.md](benchmarks.md). Every figure below was measured in one run, on one machine: this project ' +
      '(HCP), the peer (PouchDB) and the floor (the bare storage underneath).',
    '',
    ...describeMachine(date),
    `- the whole run took ${(tookMs / 60_000).toFixed(1)} min`,
    '',
    '## Summary',
    '',
    summaryTable(lines),
    '',
    'Times: lower is better; a ratio below 1× to PouchDB is ahead of it. "Synced" PouchDB is pouchdb-node on ' +
      'LevelDB with `sync: true` on every write, the like-for-like comparison with the kiosk’s fsynced commit; ' +
      'PouchDB as it ships does not sync, so its `put` returns before the rating is on the disk.',
    '',
    ...(missed.length > 0 ? ['Targets missed in this run, and what limits them:', '', ...missed, ''] : []),
    ...sections.flatMap((s) => [`## ${s.title}`, '', s.note, '', s.table, '']),
  ].join('\n');
  writeFileSync(file, await format(text, { ...(await resolveConfig(file)), filepath: file, proseWrap: 'always' }));
}
