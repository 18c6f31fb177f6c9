/**
 * `npm run bench [-- NAME …]`: runs the benchmarks and prints their tables. Figures, never assertions.
 * Names: press (press → ACK over a real pty), backlog (100,000 records to a fresh centre), queue (write cost vs
 * queue size).
 */
import { cpus } from 'node:os';
import { benchBacklog, formatBacklog } from './backlog.js';
import { benchPressToAck, formatPressToAck } from './press-to-ack.js';
import { benchQueueGrowth, formatQueueGrowth } from './queue-growth.js';

const BENCHES: Record<string, () => Promise<string>> = {
  press: async () => formatPressToAck(await benchPressToAck(1000)),
  backlog: async () => formatBacklog(await benchBacklog(100_000)),
  queue: async () => formatQueueGrowth(await benchQueueGrowth()),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
console.log(
  `HCP benchmarks · ${new Date().toISOString()} · ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length} · Node ${process.version}\n`,
);
for (const name of names) {
  const bench = BENCHES[name];
  if (!bench) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(BENCHES).join(', ')}`);
    process.exitCode = 2;
    continue;
  }
  console.log(await bench());
  console.log();
}
