/**
 * `hcp sim --port PATH`: an interactive five-key evaluator that speaks the device side of the protocol, for
 * technicians and demos. Keys 1–5 press; what the kiosk sends (prompt, display, thanks) is printed. Runs in Node.
 */
import { EvaluatorSimulator } from '../hardware/evaluator-simulator.js';
import { serialTransport, type BaudRate } from '../hardware/transport.js';

export async function runSimulator(options: { port: string; baud: BaudRate }): Promise<void> {
  const say = (line: string) => process.stdout.write(`${new Date().toLocaleTimeString()}  ${line}\n`);
  const sim = new EvaluatorSimulator({ open: serialTransport(options.port, options.baud) });
  sim.on('prompt', (p) => say(`PROMPT  keys lit for ${p.seconds} s${p.speak ? ' · 「请对本次服务做出评价」' : ''}`));
  sim.on('display', (text) => say(`DISPLAY ${text}`));
  sim.on('thanks', () => say('THANKS  「谢谢您的评价」'));
  sim.on('idle', () => say('IDLE    keys off'));

  const connect = async (): Promise<void> => {
    for (;;) {
      try {
        await sim.start();
        say(`connected to ${options.port} at ${options.baud} baud: press 1–5 (1 = 非常满意 … 5 = 非常不满意), q quits`);
        return;
      } catch (error) {
        say(`cannot open ${options.port}: ${(error as Error).message}; retrying`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  };
  sim.on('closed', () => {
    say('line closed; reconnecting');
    void connect();
  });
  await connect();

  const quit = () => {
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    void sim.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', quit);
  process.once('SIGTERM', quit);
  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  process.stdin.on('data', (chunk: Buffer) => {
    for (const char of chunk.toString('utf8')) {
      if (char === 'q' || char === '\u0003' || char === '\u0004') return quit();
      const key = Number(char);
      if (key >= 1 && key <= 5) {
        const started = performance.now();
        void sim.press(key).then((r) => {
          const ms = (performance.now() - started).toFixed(1);
          say(
            r.acked
              ? `KEY ${key} acknowledged (${r.sends} send${r.sends > 1 ? 's' : ''}, ${ms} ms)`
              : `KEY ${key} NOT acknowledged after ${r.sends} sends`,
          );
        });
      }
    }
  });
}
