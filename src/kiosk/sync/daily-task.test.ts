/** The daily upkeep's schedule, on vitest's fake clock: wall-clock runs, start-if-stale, retries with backoff. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { DailyTask, type DailyTaskOptions } from './daily-task.js';

const HOUR = 3600_000;
/** 20:00 local time: the hall has just closed. */
const EVENING = new Date(2026, 11, 1, 20, 0, 0);

let task: DailyTask | undefined;
beforeEach(() => {
  vi.useFakeTimers({ now: EVENING });
});
afterEach(() => {
  task?.stop();
  task = undefined;
  vi.useRealTimers();
});

function daily(options: Partial<DailyTaskOptions> & { run: () => Promise<void> }): DailyTask {
  task = new DailyTask({ name: 'test', lastSuccess: () => Date.now() - HOUR, log: silentLogger, ...options });
  task.start();
  return task;
}

describe('a daily task', () => {
  it('runs at start when its last success is older than a day, or there was none; not when it is fresh', async () => {
    const stale = vi.fn(async () => undefined);
    daily({ run: stale, lastSuccess: () => Date.now() - 25 * HOUR });
    await vi.advanceTimersByTimeAsync(0);
    expect(stale).toHaveBeenCalledTimes(1);
    task!.stop();
    const never = vi.fn(async () => undefined);
    daily({ run: never, lastSuccess: () => null });
    await vi.advanceTimersByTimeAsync(0);
    expect(never).toHaveBeenCalledTimes(1);
    task!.stop();
    const fresh = vi.fn(async () => undefined);
    daily({ run: fresh, lastSuccess: () => Date.now() - 23 * HOUR });
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(fresh).not.toHaveBeenCalled();
  });

  it('runs at 02:30 local time by the wall clock, every night, not 24 hours after the start', async () => {
    const run = vi.fn(async () => undefined);
    const t = daily({ run });
    expect(t.nextRun()).toEqual(new Date(2026, 11, 2, 2, 30, 0));
    await vi.advanceTimersByTimeAsync(6 * HOUR + 29 * 60_000); // 02:29
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(60_000); // 02:30
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(24 * HOUR);
    expect(run).toHaveBeenCalledTimes(2);
    expect(t.nextRun()).toEqual(new Date(2026, 11, 4, 2, 30, 0));
  });

  it('tries a failure again with growing, jittered, bounded waits, then leaves it to the schedule', async () => {
    const attempts: number[] = [];
    const run = vi.fn(async () => {
      attempts.push(Date.now());
      throw new Error('the centre is away');
    });
    const retry = { minMs: 60_000, maxMs: 8 * 60_000, attempts: 4 };
    daily({ run, lastSuccess: () => null, retry, random: () => 0.5 });
    await vi.advanceTimersByTimeAsync(HOUR);
    // The start, then four retries: waits of min + 0.5·(ceiling − min), the ceiling doubling up to maxMs.
    const waits = attempts.slice(1).map((at, i) => at - attempts[i]!);
    expect(waits).toEqual([60_000, 90_000, 150_000, 270_000]);
    expect(run).toHaveBeenCalledTimes(5);
    // No more until the schedule: 02:30 tries again, with its own retries.
    await vi.advanceTimersByTimeAsync(5 * HOUR);
    expect(run).toHaveBeenCalledTimes(5);
    await vi.advanceTimersByTimeAsync(30 * 60_000); // 02:30
    expect(run).toHaveBeenCalledTimes(6);
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(run).toHaveBeenCalledTimes(10);
  });

  it('runs once at a time: a run asked for while one is under way joins it', async () => {
    let finish: () => void = () => undefined;
    const run = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const t = daily({ run, lastSuccess: () => null });
    const joined = t.runNow('on demand');
    expect(run).toHaveBeenCalledTimes(1);
    finish();
    await expect(joined).resolves.toBe(true);
  });

  it('counts each run as it begins, with its reason and, once finished, its outcome', async () => {
    let fail = true;
    const t = daily({
      run: async () => {
        if (fail) throw new Error('centre away');
      },
      lastSuccess: () => null,
      retry: { minMs: 1000, maxMs: 1000, attempts: 1 },
    });
    expect(t.stats()).toEqual({ runs: 1, lastReason: 'stale at start', lastOutcome: null });
    await vi.advanceTimersByTimeAsync(0);
    expect(t.stats()).toEqual({ runs: 1, lastReason: 'stale at start', lastOutcome: 'failed' });
    fail = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.stats()).toEqual({ runs: 2, lastReason: 'retry', lastOutcome: 'succeeded' });
    const joined = [t.runNow('asked'), t.runNow('asked again')];
    expect(t.stats().runs).toBe(3); // the second call joined the first
    await Promise.all(joined);
    expect(t.stats()).toEqual({ runs: 3, lastReason: 'asked', lastOutcome: 'succeeded' });
  });
});
