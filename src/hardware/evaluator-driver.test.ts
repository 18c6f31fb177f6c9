import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EvaluatorDriver, type KeyHandler } from './evaluator-driver.js';
import { FRAME_LOG_SIZE } from './frame-log.js';
import { EvaluatorSimulator } from './evaluator-simulator.js';
import { encodeFrame, FrameType, type DecodedFrame } from './frame-codec.js';
import { memoryLine, type MemoryLine } from './memory-transport.js';

const log = { info: () => undefined, warn: () => undefined };

let lines: MemoryLine[];
let opens: number;
let failOpen: boolean;
let driver: EvaluatorDriver;
let sim: EvaluatorSimulator;
let hostFrames: DecodedFrame[];
let keys: number[];
let onKey: KeyHandler;

/** Lets queued microtasks and zero-delay work run, then moves the fake clock. */
async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

async function setup(handler?: KeyHandler): Promise<void> {
  lines = [];
  opens = 0;
  failOpen = false;
  keys = [];
  hostFrames = [];
  onKey = handler ?? (async (key) => void keys.push(key));
  const simulatorLine = { current: undefined as MemoryLine | undefined };
  driver = new EvaluatorDriver({
    log,
    onKey: (key) => onKey(key),
    open: async () => {
      opens += 1;
      if (failOpen) throw new Error('ENOENT: no such port');
      const line = memoryLine();
      lines.push(line);
      simulatorLine.current = line;
      return line.host;
    },
  });
  sim = new EvaluatorSimulator({ open: async () => simulatorLine.current!.device, heartbeatMs: 2_000 });
  sim.on('frame', (f) => hostFrames.push(f));
  driver.start();
  await advance(0);
  await sim.start();
  // The first QUERY went out before the simulated device was listening; its resend (300 ms) is answered.
  await advance(400);
  expect(driver.state).toBe('connected');
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
});

afterEach(async () => {
  await driver.stop();
  await sim.stop();
  vi.useRealTimers();
});

const acksFor = (seq: number) => hostFrames.filter((f) => f.type === FrameType.ACK && f.payload[0] === seq).length;

describe('evaluator driver', () => {
  it('connects: QUERY, then ACK and HELLO from the device, which the host ACKs', async () => {
    await setup();
    expect(driver.state).toBe('connected');
    expect(driver.device).toEqual({ model: 'HCP-SIM-5', firmware: '1.0.0', serial: 'SIM0001' });
    expect(hostFrames.map((f) => f.type)).toContain(FrameType.QUERY);
    expect(hostFrames.filter((f) => f.type === FrameType.ACK).length).toBeGreaterThanOrEqual(1);
  });

  it('ACKs a key only after the press has committed', async () => {
    let commit!: () => void;
    await setup(() => new Promise<void>((resolve) => (commit = resolve)));
    const pressed = sim.press(2);
    await advance(100);
    const seq = (await Promise.race([pressed, Promise.resolve(null)]))?.seq;
    expect(seq).toBeUndefined(); // not acknowledged yet
    const keyFrameSeq = hostFrames.length; // nothing about the key reached the device yet
    commit();
    const result = await pressed;
    expect(result).toMatchObject({ acked: true, sends: 1 });
    expect(hostFrames.length).toBeGreaterThan(keyFrameSeq);
    expect(acksFor(result.seq)).toBe(1);
  });

  it('counts a KEY resent with the same SEQ once, and ACKs every resend after the commit', async () => {
    let commit!: () => void;
    let calls = 0;
    await setup(() => {
      calls += 1;
      return new Promise<void>((resolve) => (commit = resolve));
    });
    const bytes = encodeFrame({ type: FrameType.KEY, seq: 42, payload: Buffer.from([1]) });
    sim.writeRaw(bytes);
    await advance(250);
    sim.writeRaw(bytes); // resent while the commit is still under way: ignored
    await advance(250);
    expect(calls).toBe(1);
    expect(acksFor(42)).toBe(0);
    commit();
    await advance(0);
    expect(acksFor(42)).toBe(1);
    sim.writeRaw(bytes); // the device did not hear the ACK and resends: ACK again, count nothing
    sim.writeRaw(bytes);
    await advance(10);
    expect(calls).toBe(1);
    expect(acksFor(42)).toBe(3);
  });

  it('takes the same SEQ again as a new press after 5 s', async () => {
    await setup();
    const bytes = encodeFrame({ type: FrameType.KEY, seq: 7, payload: Buffer.from([3]) });
    sim.writeRaw(bytes);
    await advance(4_000);
    sim.writeRaw(bytes);
    await advance(1_100);
    sim.writeRaw(bytes);
    await advance(10);
    expect(keys).toEqual([3, 3]);
  });

  it('takes a recent SEQ as a new press once the device has restarted (HELLO) or the line was reopened', async () => {
    await setup();
    const key = (k: number) => encodeFrame({ type: FrameType.KEY, seq: 9, payload: Buffer.from([k]) });
    sim.writeRaw(key(1));
    await advance(10);
    // The device powers up again and numbers from 0: its HELLO, then a press that happens to reuse SEQ 9.
    sim.writeRaw(encodeFrame({ type: FrameType.HELLO, seq: 0, payload: Buffer.from('HCP-SIM-5\x001.0.0\x00SIM0001') }));
    await advance(10);
    sim.writeRaw(key(2));
    await advance(10);
    expect(keys).toEqual([1, 2]);

    lines[0]!.unplug();
    await advance(1_000); // reopened after 1 s
    await sim.stop();
    await sim.start();
    await advance(400);
    expect(driver.state).toBe('connected');
    sim.writeRaw(key(2)); // the same bytes as the last press, on the new line: a new press
    await advance(10);
    expect(keys).toEqual([1, 2, 2]);
    expect(acksFor(9)).toBe(3);
  });

  it('does not ACK a press that could not be stored, so the device resends it', async () => {
    let failures = 1;
    await setup(async (key) => {
      if (failures-- > 0) throw new Error('disk full');
      keys.push(key);
    });
    const result = sim.press(5);
    await advance(1_000);
    expect(await result).toMatchObject({ acked: true, sends: 2 });
    expect(keys).toEqual([5]);
  });

  it('ignores a KEY whose payload is not a key 1–5', async () => {
    await setup();
    const result = sim.pressRaw(Buffer.from([9]));
    await advance(1_100);
    expect(await result).toMatchObject({ acked: false, sends: 4 });
    expect(keys).toEqual([]);
  });

  it('resends an unacknowledged host frame every 300 ms, 3 times, then is not_responding and reopens the port', async () => {
    await setup();
    sim.mute = true;
    const resendsBefore = driver.counters.resends;
    const sent = driver.send(FrameType.PROMPT, Buffer.from([20, 1]));
    await advance(299);
    expect(driver.counters.resends - resendsBefore).toBe(0);
    await advance(900);
    expect(driver.counters.resends - resendsBefore).toBe(3);
    expect(driver.state).toBe('connected');
    await advance(1);
    expect(await sent).toBe(false);
    expect(driver.state).toBe('not_responding');
    // The device heard the same frame (same SEQ) four times: the send and three resends.
    const prompts = hostFrames.filter((f) => f.type === FrameType.PROMPT);
    expect(prompts).toHaveLength(4);
    expect(new Set(prompts.map((f) => f.raw.toString('hex'))).size).toBe(1);
    await advance(1_000);
    expect(opens).toBe(2);
  });

  it('is disconnected when the line closes', async () => {
    await setup();
    lines[0]!.unplug();
    await advance(0);
    expect(driver.state).toBe('disconnected');
  });

  it('PINGs after 12 s of silence and is not_responding when the PING goes unanswered', async () => {
    await setup();
    // A device that hangs on a line that stays open: no close event, only silence.
    sim.mute = true;
    await advance(11_000);
    expect(driver.state).toBe('connected');
    await advance(2_000);
    expect(driver.frames().some((f) => f.type === 'PING' && f.dir === 'out')).toBe(true);
    await advance(1_300);
    expect(driver.state).toBe('not_responding');
  });

  it('keeps a line with heartbeats alive with no PING', async () => {
    await setup();
    await advance(30_000);
    expect(driver.state).toBe('connected');
    expect(driver.frames().some((f) => f.type === 'PING')).toBe(false);
  });

  it('retries a port that cannot be opened with backoff from 1 s doubling to 30 s, then connects', async () => {
    await setup();
    failOpen = true;
    lines[0]!.unplug();
    await advance(0);
    expect(driver.state).toBe('disconnected');
    const times: number[] = [];
    const start = Date.now();
    for (let i = 0; i < 8; i++) {
      const before = opens;
      while (opens === before) await advance(100);
      times.push(Math.round((Date.now() - start) / 100) * 100);
    }
    const gaps = times.map((t, i) => t - (times[i - 1] ?? 0));
    expect(gaps).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    failOpen = false;
    await advance(30_000);
    await sim.start();
    await advance(100);
    expect(driver.state).toBe('connected');
    expect(driver.counters.reconnects).toBeGreaterThanOrEqual(9);
  });

  it('keeps no key in its frame log or its log lines: a KEY frame is logged as KEY with payload and CRC masked', async () => {
    const lines: string[] = [];
    const recording = {
      info: (o: object, m: string) => lines.push(JSON.stringify(o) + m),
      warn: (o: object, m: string) => lines.push(JSON.stringify(o) + m),
    };
    Object.assign(log, recording);
    try {
      await setup();
      const sent: Buffer[] = [];
      for (const k of [1, 2, 3, 4, 5]) {
        const bytes = encodeFrame({ type: FrameType.KEY, seq: 100 + k, payload: Buffer.from([k]) });
        sent.push(bytes);
        sim.writeRaw(bytes);
        await advance(10);
      }
      sim.writeRaw(encodeFrame({ type: FrameType.KEY, seq: 120, payload: Buffer.from([9, 9]) })); // not a key
      await advance(10);
      expect(keys).toEqual([1, 2, 3, 4, 5]);
      const keyFrames = driver.frames().filter((f) => f.type === 'KEY');
      expect(keyFrames).toHaveLength(6);
      for (const bytes of sent) {
        const header = bytes.subarray(0, 6).toString('hex');
        expect(keyFrames.map((f) => f.hex)).toContain(`${header}••••••`);
        // Neither the payload with its CRC nor the CRC alone (which names the key among five) is anywhere.
        const text = JSON.stringify(driver.frames()) + lines.join('\n');
        expect(text).not.toContain(bytes.subarray(6).toString('hex'));
        expect(text).not.toContain(bytes.subarray(7).toString('hex'));
      }
      expect(lines.join('\n')).not.toContain('0909');
    } finally {
      Object.assign(log, { info: () => undefined, warn: () => undefined });
    }
  });

  it('keeps the last 200 frames for diagnostics', async () => {
    await setup();
    await advance(2_000 * 250);
    expect(driver.frames()).toHaveLength(FRAME_LOG_SIZE);
    expect(driver.counters.framesIn).toBeGreaterThan(FRAME_LOG_SIZE);
  });
});
