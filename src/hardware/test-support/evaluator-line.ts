/**
 * A simulated evaluator on a real serial line: a socat pty pair with the simulator started on the device's end,
 * for integration tests, browser tests and benchmarks. The kiosk opens `pty.hostPath`.
 */
import { EvaluatorSimulator } from '../evaluator-simulator.js';
import { serialTransport } from '../transport.js';
import { startPtyPair, type PtyPair } from './pty-pair.js';

export interface EvaluatorLine {
  pty: PtyPair;
  sim: EvaluatorSimulator;
  /** Stops the simulator, then socat. */
  stop(): Promise<void>;
}

/**
 * How often a simulated evaluator in a test sends a KEY: up to 20 times (5 s), not a real device's 4, since a busy
 * test machine can hold the kiosk longer than 1 s. The kiosk takes a resend (same SEQ) once, so nothing else changes.
 */
export const TEST_KEY_SENDS = 20;

export async function startEvaluatorLine(dir: string): Promise<EvaluatorLine> {
  const pty = await startPtyPair(dir);
  const sim = new EvaluatorSimulator({ open: serialTransport(pty.devicePath), keySends: TEST_KEY_SENDS });
  await sim.start();
  return {
    pty,
    sim,
    stop: async () => {
      await sim.stop().catch(() => undefined);
      await pty.kill();
    },
  };
}
