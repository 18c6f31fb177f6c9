/**
 * The transport's own floor: the round trip of a 9-byte frame over the same kind of socat pty pair, to a second
 * process that echoes it straight back with the same transport the kiosk uses. No SQLite, no kiosk logic.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serialTransport } from '../src/hardware/transport.js';
import type { PtyPair } from '../src/hardware/test-support/pty-pair.js';
import { summarize, type Summary } from './stats.js';

const UNIX_SERIAL = fileURLToPath(new URL('../dist/hardware/transport.js', import.meta.url));

export async function measurePtyEcho(pty: PtyPair, count = 1000): Promise<Summary> {
  const echo = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { serialTransport } from ${JSON.stringify(UNIX_SERIAL)};
       const line = await serialTransport(process.argv[1])();
       line.onData((chunk) => line.write(chunk));
       process.stdout.write('ready\\n');`,
      pty.hostPath,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve) => echo.stdout.once('data', () => resolve()));
  const line = await serialTransport(pty.devicePath)();
  let waiting: (() => void) | undefined;
  let got = 0;
  line.onData((chunk) => {
    got += chunk.length;
    if (got >= 9) {
      got -= 9;
      waiting?.();
    }
  });
  const frame = Buffer.from([0xaa, 0x55, 0x01, 0x02, 0x00, 0x01, 0x03, 0x00, 0x00]);
  const samples: number[] = [];
  for (let i = 0; i < count + 50; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      waiting = resolve;
      line.write(frame);
    });
    if (i >= 50) samples.push(performance.now() - t0);
  }
  await line.close();
  echo.kill();
  return summarize(samples);
}
