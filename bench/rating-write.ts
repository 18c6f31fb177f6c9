/**
 * The kiosk's durable rating write, as rows 1 and 4 time it: the press that rates an open invitation, through
 * KioskService — the invitation rated and its outbox row, in one fsynced transaction (WAL, synchronous=FULL).
 * Opening the invitation is a write of its own and is left outside the timing.
 */
import type { KioskService } from '../src/kiosk/kiosk-service.js';

/**
 * `writes` timed presses after 50 unmeasured ones; the shift must be open. Returns ms per write. Between presses
 * the event loop turns, as it does in the kiosk, where every press arrives as I/O: the idle-time WAL checkpoints
 * run there (src/kiosk/store/checkpoints.ts). A loop that never yields would keep them out and time a WAL file that
 * grows with every commit, which no kiosk has.
 */
export async function timeRatingWrites(service: KioskService, writes: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < writes + 50; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    service.invitations.open({ serviceItemCode: 'SC-0001', caseNo: `C-${i}` });
    const t0 = performance.now();
    const outcome = pressKey(service, i);
    const t = performance.now() - t0;
    if (outcome.kind !== 'rated') throw new Error(`press ${i} was not a rating: ${outcome.kind}`);
    if (i >= 50) samples.push(t);
  }
  return samples;
}

/** The `i`-th rating's press: key 1 of the serial evaluator, levels 1–5 in turn. */
function pressKey(service: KioskService, i: number) {
  return service.press({ level: ((i % 5) + 1) as 1 | 2 | 3 | 4 | 5, source: 'serial', key: 1 });
}

/** `count` ratings through the same rating path, in one transaction. The shift must be open. */
export function fillBacklog(service: KioskService, count: number): void {
  // One transaction for the whole backlog (savepoints inside): the real rating path, without a fsync per rating.
  service.context.db.transaction(() => {
    for (let i = 0; i < count; i++) {
      service.invitations.open({ serviceItemCode: 'SC-0001', caseNo: `C-${i}` });
      pressKey(service, i);
    }
  })();
}
