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

export async function startEvaluatorLine(dir: string): Promise<EvaluatorLine> {
  const pty = await startPtyPair(dir);
  // Up to 20 sends of a KEY (5 s), not a real device's 4: a busy test machine can hold the kiosk longer than 1 s.
  const sim = new EvaluatorSimulator({ open: serialTransport(pty.devicePath), keySends: 20 });
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
