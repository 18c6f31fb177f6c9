/**
 * Integration (real pty via socat, real processes): the kiosk as a child process drives the evaluator on one end of
 * a pseudo-terminal pair; the simulated evaluator speaks the device side on the other end through serialport.
 */
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvaluatorSimulator } from '../hardware/evaluator-simulator.js';
import { encodeFrame, FrameType, type DecodedFrame } from '../hardware/frame-codec.js';
import { parseAck } from '../hardware/messages.js';
import { TEST_KEY_SENDS } from '../hardware/test-support/evaluator-line.js';
import { startPtyPair, type PtyPair } from '../hardware/test-support/pty-pair.js';
import { serialTransport } from '../hardware/transport.js';
import type { StatusView } from '../shared/local-api.js';
import { PIN_1001, provisioned, tempDir } from './test-support/fixtures.js';
import { startKioskProcess, type KioskProcess } from './test-support/kiosk-process.js';
import { waitFor } from '../common/test-support/wait-for.js';

let dir: ReturnType<typeof tempDir>;
let pty: PtyPair;
let kiosk: KioskProcess;
let sim: EvaluatorSimulator;

const status = async () => (await kiosk.api('GET', '/status')).body as StatusView;
const evaluatorState = async (state: string) => ((await status()).evaluator.state === state ? true : undefined);

function startSimulator(): Promise<void> {
  sim = new EvaluatorSimulator({ open: serialTransport(pty.devicePath), keySends: TEST_KEY_SENDS });
  return sim.start();
}

function ratingsInDatabase(): { id: string; satisfaction: number }[] {
  const db = new BetterSqlite3(join(dir.path, 'kiosk.db'), { readonly: true });
  try {
    return db.prepare("SELECT id, satisfaction FROM invitations WHERE state = 'rated'").all() as {
      id: string;
      satisfaction: number;
    }[];
  } finally {
    db.close();
  }
}

async function invite(): Promise<string> {
  const res = await kiosk.api('POST', '/invitations', { serviceItemCode: 'SC-0001' });
  expect(res.status).toBe(201);
  return (res.body as { id: string }).id;
}

async function stateOf(id: string): Promise<string> {
  return ((await kiosk.api('GET', `/invitations/${id}`)).body as { state: string }).state;
}

beforeAll(async () => {
  dir = tempDir('hcp-serial-');
  await (await provisioned(dir.path)).close();
  pty = await startPtyPair(dir.path);
  await startSimulator();
  kiosk = await startKioskProcess(dir.path, ['--serial', pty.hostPath]);
  await waitFor('the evaluator to connect', () => evaluatorState('connected'));
  expect((await kiosk.api('POST', '/shift/login', { staffNo: '1001', pin: PIN_1001 })).status).toBe(200);
});

afterAll(async () => {
  await kiosk?.kill('SIGTERM');
  await sim?.stop().catch(() => undefined);
  await pty?.kill();
  dir.remove();
});

describe('serial evaluator over a real pty', () => {
  it('reports the device from its HELLO and shows who is serving', async () => {
    expect((await status()).evaluator).toMatchObject({
      state: 'connected',
      kind: 'serial',
      model: 'HCP-SIM-5',
      firmware: '1.0.0',
      serial: 'SIM0001',
    });
    await waitFor('the staff on the display', () => sim.view.display === '王丽 1001' || undefined);
  });

  it('runs the whole flow: invitation → PROMPT → KEY → ACK → THANKS, and stores the level of the key', async () => {
    const prompted = new Promise<{ seconds: number; speak: boolean }>((r) => sim.once('prompt', r));
    const thanked = new Promise<void>((r) => sim.once('thanks', r));
    const id = await invite();
    const prompt = await prompted;
    expect(prompt.speak).toBe(true);
    expect(prompt.seconds).toBeGreaterThanOrEqual(19);

    const press = await sim.press(2); // key 2 = 满意 (4) by default
    expect(press.acked).toBe(true);
    await thanked;
    expect(sim.view.lastSpoken).toBe('谢谢您的评价');
    expect(await stateOf(id)).toBe('rated');
    expect(ratingsInDatabase().find((r) => r.id === id)?.satisfaction).toBe(4);
  });

  it('counts a KEY that the device sends four times (same SEQ) once', async () => {
    const prompted = new Promise((r) => sim.once('prompt', r));
    const id = await invite();
    await prompted;
    const before = ratingsInDatabase().length;
    let acks = 0;
    const countAcks = (frame: DecodedFrame) => {
      if (frame.type === FrameType.ACK && parseAck(frame.payload) === 200) acks++;
    };
    sim.on('frame', countAcks);
    const key = encodeFrame({ type: FrameType.KEY, seq: 200, payload: Buffer.from([5]) });
    for (let i = 0; i < 4; i++) {
      sim.writeRaw(key);
      await new Promise((r) => setTimeout(r, 250));
    }
    // Every send is ACKed, the resends too: once all four are, the kiosk has taken all four.
    await waitFor('an ACK for each of the four sends', () => acks >= 4 || undefined);
    sim.off('frame', countAcks);
    expect(await stateOf(id)).toBe('rated');
    expect(ratingsInDatabase().length).toBe(before + 1);
    expect(ratingsInDatabase().find((r) => r.id === id)?.satisfaction).toBe(1);
    expect((await status()).invitation).toBeNull();
  });

  it('takes a rating through garbage and corrupt frames on the line', async () => {
    const prompted = new Promise((r) => sim.once('prompt', r));
    const id = await invite();
    await prompted;
    const corrupt = Buffer.from(encodeFrame({ type: FrameType.KEY, seq: 90, payload: Buffer.from([1]) }));
    corrupt[6]! ^= 0x04; // key 1 → key 5, CRC no longer matches
    sim.writeRaw(Buffer.from([0x00, 0xaa, 0x13, 0xaa, 0x55, 0x01, 0xff]));
    sim.writeRaw(corrupt);
    sim.writeRaw(Buffer.from('noise on the line'));
    const press = await sim.press(3);
    sim.writeRaw(Buffer.from([0xaa, 0x55, 0x01, 0x02])); // a frame cut short
    expect(press.acked).toBe(true);
    expect(await stateOf(id)).toBe('rated');
    expect(ratingsInDatabase().find((r) => r.id === id)?.satisfaction).toBe(3);
    const diagnostics = (await kiosk.api('GET', '/diagnostics/evaluator')).body as {
      counters: { crcErrors: number; resyncs: number };
      frames: unknown[];
    };
    expect(diagnostics.counters.crcErrors).toBeGreaterThanOrEqual(1);
    expect(diagnostics.counters.resyncs).toBeGreaterThanOrEqual(1);
    expect(diagnostics.frames.length).toBeGreaterThan(0);
  });

  it('ACKs a press with no invitation open and records it as a stray press, not a rating', async () => {
    const before = ratingsInDatabase().length;
    const pendingBefore = (await status()).queue.pending;
    expect(await sim.press(1)).toMatchObject({ acked: true });
    expect(ratingsInDatabase().length).toBe(before);
    expect((await status()).queue.pending).toBe(pendingBefore + 1);
  });

  it('marks a device that stops answering not_responding, and recovers when it answers again', async () => {
    sim.mute = true;
    const id = await invite(); // PROMPT goes unanswered: 3 resends, then not_responding
    await waitFor('not_responding', () => evaluatorState('not_responding'), 5_000);
    await kiosk.api('DELETE', `/invitations/${id}`);
    sim.mute = false;
    await waitFor('the evaluator to answer again', () => evaluatorState('connected'), 10_000);
  });

  it('reconnects on its own after socat is killed and started again, and the next invitation works', async () => {
    await pty.kill();
    await waitFor('the line to drop', async () =>
      (await status()).evaluator.state !== 'connected' ? true : undefined,
    );
    await sim.stop().catch(() => undefined);
    await pty.restart();
    await startSimulator();
    await waitFor('the evaluator to reconnect', () => evaluatorState('connected'), 20_000);
    // After reconnecting the kiosk brings the device up to date.
    await waitFor('the staff on the display again', () => sim.view.display === '王丽 1001' || undefined);

    const prompted = new Promise((r) => sim.once('prompt', r));
    const id = await invite();
    await prompted;
    expect((await sim.press(1)).acked).toBe(true);
    expect(await stateOf(id)).toBe('rated');
    expect(ratingsInDatabase().find((r) => r.id === id)?.satisfaction).toBe(5);
  });

  it('shows 暂停服务 on pause and the staff again on resume', async () => {
    await kiosk.api('POST', '/shift/pause', { reason: '午休' });
    await waitFor('暂停服务', () => sim.view.display === '暂停服务' || undefined);
    await kiosk.api('POST', '/shift/resume');
    await waitFor('the staff', () => sim.view.display === '王丽 1001' || undefined);
  });
});
