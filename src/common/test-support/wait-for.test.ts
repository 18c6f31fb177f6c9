import { describe, expect, it } from 'vitest';
import { waitFor, WaitForTimeoutError } from './wait-for.js';

describe('waitFor', () => {
  it('resolves with the probe’s first answer that is not undefined, null or false', async () => {
    let calls = 0;
    const answers = [undefined, null, false, 0, 'later'];
    expect(await waitFor('a count', () => answers[calls++], { intervalMs: 1 })).toBe(0);
    expect(calls).toBe(4);
  });

  it('gives up after its bound with an error naming what it waited for', async () => {
    const error = await waitFor('the kiosk to say online', () => false, { timeoutMs: 30, intervalMs: 5 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WaitForTimeoutError);
    expect((error as Error).message).toBe('timed out after 30 ms waiting for the kiosk to say online');
  });

  it('says, when it gives up, what a function names at that moment', async () => {
    let seen = 'nothing';
    const probe = () => {
      seen = 'something else';
      return false;
    };
    await expect(waitFor(() => `a word (saw ${seen})`, probe, { timeoutMs: 10, intervalMs: 5 })).rejects.toThrow(
      'timed out after 10 ms waiting for a word (saw something else)',
    );
  });

  it('ends the wait with the probe’s own error', async () => {
    await expect(waitFor('nothing', () => Promise.reject(new Error('probe failed')), 1000)).rejects.toThrow(
      'probe failed',
    );
  });
});
