/**
 * The kiosk's logger. One root pino logger; each module takes a child with its own `module` name.
 * Rater identity must never reach a log: the redaction below is a second line of defence, not the first.
 * Runs in Node.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

const REDACT = ['rater', '*.rater', 'pin', '*.pin', 'callbackPhone', '*.callbackPhone', 'req.headers.authorization'];

export function createRootLogger(options: { level?: string; destination?: number | string } = {}): Logger {
  const level = options.level ?? process.env.HCP_LOG_LEVEL ?? 'info';
  return pino(
    { level, redact: { paths: REDACT, censor: '[redacted]' }, base: { pid: process.pid } },
    pino.destination({ dest: options.destination ?? 2, sync: false }),
  );
}

/** A logger that writes nothing, for tests and embedded use. */
export const silentLogger: Logger = pino({ level: 'silent' });
