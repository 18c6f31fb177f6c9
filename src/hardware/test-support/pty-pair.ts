/**
 * A real pseudo-terminal pair made by socat: two device paths joined like a null-modem cable, for integration
 * tests and benchmarks of the serial evaluator. Killing socat makes both ends vanish, as an unplugged USB adapter.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface PtyPair {
  /** The kiosk's end. */
  hostPath: string;
  /** The evaluator's end. */
  devicePath: string;
  /** Kills socat: both ends disappear. */
  kill(): Promise<void>;
  /** Starts socat again on the same paths. */
  restart(): Promise<void>;
}

export async function startPtyPair(dir: string): Promise<PtyPair> {
  const hostPath = join(dir, 'tty-host');
  const devicePath = join(dir, 'tty-device');
  let socat: ChildProcess | undefined;

  const start = async () => {
    // Links left dangling by a killed socat would make it refuse to start.
    rmSync(hostPath, { force: true });
    rmSync(devicePath, { force: true });
    socat = spawn('socat', [`pty,raw,echo=0,link=${hostPath}`, `pty,raw,echo=0,link=${devicePath}`], {
      stdio: 'ignore',
    });
    const failed = new Promise<never>((_, reject) =>
      socat!.once('error', (e) => reject(new Error(`socat could not start (apt-get install socat): ${e.message}`))),
    );
    const ready = (async () => {
      for (let i = 0; i < 1000; i++) {
        if (existsSync(hostPath) && existsSync(devicePath)) return;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error('socat did not create the pty pair within 10 s');
    })();
    await Promise.race([ready, failed]);
  };

  const kill = async () => {
    const child = socat;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };

  await start();
  return { hostPath, devicePath, kill, restart: start };
}
