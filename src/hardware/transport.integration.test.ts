/**
 * Integration (real pty via socat): both serial transports carry bytes both ways, and a vanished line is noticed.
 * The event-loop transport is what Linux and macOS use; serialport's stream is what Windows uses.
 */
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../kiosk/test-support/fixtures.js';
import { startPtyPair, type PtyPair } from './test-support/pty-pair.js';
import { streamSerialTransport, type OpenTransport, type Transport } from './transport.js';
import { unixSerialTransport } from './unix-serial.js';
import { EvaluatorDriver } from './evaluator-driver.js';
import { EvaluatorSimulator } from './evaluator-simulator.js';
import { waitFor } from '../common/test-support/wait-for.js';

const XON = 0x11;
const XOFF = 0x13;

let dir: ReturnType<typeof tempDir>;
let pty: PtyPair;
beforeEach(async () => {
  dir = tempDir('hcp-tty-');
  pty = await startPtyPair(dir.path);
});
afterEach(async () => {
  await pty.kill();
  dir.remove();
});

function collect(line: Transport): { bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  line.onData((c) => chunks.push(c));
  return { bytes: () => Buffer.concat(chunks) };
}

describe.each([
  ['event-loop transport (Linux, macOS)', (path: string) => unixSerialTransport(path, 9600)],
  ['serialport stream transport (Windows)', (path: string) => streamSerialTransport(path, 9600)],
] as [string, (path: string) => OpenTransport][])('%s over a real pty', (_name, open) => {
  it('carries bytes both ways, in order, including a large burst', async () => {
    const host = await open(pty.hostPath)();
    const device = await open(pty.devicePath)();
    const atHost = collect(host);
    const atDevice = collect(device);
    const burst = Buffer.from(Array.from({ length: 20_000 }, (_, i) => i & 0xff));
    // One way, then the other. serialport's stream on Linux reads and writes through bindings-cpp's poller,
    // which polls for the event last asked for alone: bytes arriving while its write waits for room stall that
    // write until more bytes come (a CI run lost the tail of the burst so). Windows, where this transport is used,
    // has no such poller; the event-loop transport does both at once (the next describe).
    host.write(Buffer.from([1, 2, 3]));
    await waitFor(
      () => `3 bytes at the device (${atDevice.bytes().length} there)`,
      () => atDevice.bytes().length >= 3,
      10_000,
    );
    device.write(burst);
    await waitFor(
      () => `${burst.length} bytes at the host (${atHost.bytes().length} there)`,
      () => atHost.bytes().length >= burst.length,
      10_000,
    );
    expect([...atDevice.bytes()]).toEqual([1, 2, 3]);
    expect(atHost.bytes().equals(burst)).toBe(true);
    await host.close();
    await device.close();
  });

  it('refuses a port that does not exist, with the error of the open', async () => {
    await expect(open(`${dir.path}/no-such-tty`)()).rejects.toThrow();
  });
});

describe('the event-loop transport with a write waiting for room on the line', () => {
  it('keeps reading, and sends the rest once there is room again', async () => {
    const host = await unixSerialTransport(pty.hostPath, 9600)();
    const device = await unixSerialTransport(pty.devicePath, 9600)();
    const atHost = collect(host);
    const atDevice = collect(device);
    // XON/XOFF on the host's line, for this test only: an XOFF from the device stops the host's output in the
    // kernel, so that the host's write has to wait for room (a pty never runs out of baud) while bytes still come.
    execFileSync('stty', ['-F', pty.hostPath, 'ixon', '-ixany']);
    device.write(Buffer.from([XOFF, 0x41])); // the host has the 'A' only once the XOFF before it has stopped it
    await waitFor('the A after the XOFF', () => atHost.bytes().length >= 1, 10_000);

    const burst = Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 7) & 0xff));
    host.write(burst);
    device.write(Buffer.from([1, 2, 3]));
    await waitFor(
      () => `3 bytes at the host while its write waits (${atHost.bytes().length - 1} there)`,
      () => atHost.bytes().length >= 4,
      10_000,
    );
    expect([...atHost.bytes()]).toEqual([0x41, 1, 2, 3]);
    expect(atDevice.bytes().length, 'bytes sent while stopped').toBe(0);

    device.write(Buffer.from([XON]));
    await waitFor(
      () => `${burst.length} bytes at the device after XON (${atDevice.bytes().length} there)`,
      () => atDevice.bytes().length >= burst.length,
      10_000,
    );
    expect(atDevice.bytes().equals(burst)).toBe(true);
    await host.close();
    await device.close();
  });
});

describe('a vanished line over a real pty', () => {
  it('is reported closed by the event-loop transport at once', async () => {
    const host = await unixSerialTransport(pty.hostPath, 9600)();
    collect(host); // a reading line, as the driver's always is
    let closed = false;
    host.onClose(() => (closed = true));
    await pty.kill();
    await waitFor('the line to be reported closed', () => closed, 10_000);
    expect(closed).toBe(true);
  });

  it('is noticed by the driver’s watchdog over serialport’s stream, even when the close is never reported', async () => {
    // serialport's stream often reports nothing when the other end of a pty goes (its read waits in the thread
    // pool), and some USB adapters raise no error when pulled: the driver's silence check and PING must notice.
    // The stream's own close report is withheld here, so that only the watchdog can.
    const silentClose: OpenTransport = async () => {
      const line = await streamSerialTransport(pty.hostPath, 9600)();
      return { ...line, onClose: () => undefined };
    };
    const sim = new EvaluatorSimulator({ open: unixSerialTransport(pty.devicePath, 9600), heartbeatMs: 200 });
    await sim.start();
    const driver = new EvaluatorDriver({
      open: silentClose,
      onKey: async () => undefined,
      log: { info: () => undefined, warn: () => undefined },
      timings: { silenceMs: 600, watchdogTickMs: 100, resendMs: 500, maxResends: 6, reconnectMinMs: 60_000 },
    });
    driver.start();
    try {
      await waitFor('the driver to connect', () => driver.state === 'connected', 10_000);
      await sim.stop();
      await pty.kill();
      await waitFor(
        () => `the driver to notice (still ${driver.state})`,
        () => driver.state !== 'connected',
        20_000,
      );
      expect(driver.state).toBe('not_responding');
    } finally {
      await driver.stop();
    }
  });
});
