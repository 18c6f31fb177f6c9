/**
 * How the kiosk may reach its central system (等保 2.0: the hall network is not trusted). `https` always; plain
 * `http` only to this machine (loopback) unless the kiosk runs with `--insecure-http`, which is then logged loudly at
 * every start. A hall with its own certificate authority gives its certificate with `--ca-file`: the kiosk then
 * trusts that authority alone for the centre. Runs in Node.
 */
import { readFileSync } from 'node:fs';
import { Agent, type Dispatcher } from 'undici';
import type { Logger } from '../../common/logger.js';
import { isLoopback } from '../../common/loopback.js';

/** The transport choices `hcp kiosk`, `hcp kiosk enroll` and technician enrolment share. */
export interface CentralTransportOptions {
  /** Allow plain http to a centre off this machine (a lab, a migration): logged at warn on every start. */
  insecureHttp?: boolean;
  /** PEM file of the hall's own certificate authority; when given, it is the only authority trusted for the centre. */
  caFile?: string;
}

/** A central URL the kiosk will not use. */
export class CentralUrlError extends Error {
  override readonly name = 'CentralUrlError';
  constructor(
    readonly code: 'invalid_url' | 'insecure_url',
    message: string,
  ) {
    super(message);
  }
}

export { isLoopback };

/** Parses and checks a central URL against the policy; returns its origin as a URL. */
export function checkCentralUrl(url: string, options: CentralTransportOptions = {}): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CentralUrlError('invalid_url', `${url} is not an http(s) URL of the central system`);
  }
  if (parsed.protocol === 'https:') return parsed;
  if (parsed.protocol !== 'http:') {
    throw new CentralUrlError('invalid_url', `${url} is not an http(s) URL of the central system`);
  }
  if (isLoopback(parsed.hostname) || options.insecureHttp) return parsed;
  throw new CentralUrlError(
    'insecure_url',
    `${parsed.origin} is plain http: anyone on the network could read and rewrite what the kiosk sends and gets. ` +
      'Use https (see docs/install.md), or --insecure-http for a test network only',
  );
}

/** Says loudly, at every start, that the kiosk speaks plain http to a centre off this machine. */
export function warnIfInsecure(url: URL, log: Logger): void {
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    log.warn(
      { central: url.origin },
      'INSECURE: the central system is reached over plain http (--insecure-http): ratings, configuration and ' +
        'updates can be read and altered on the network',
    );
  }
}

/** The fetch dispatcher for a hall's own certificate authority (undefined: the system's default authorities). */
export function dispatcherFor(options: CentralTransportOptions): Dispatcher | undefined {
  if (!options.caFile) return undefined;
  let ca: Buffer;
  try {
    ca = readFileSync(options.caFile);
  } catch (error) {
    throw new CentralUrlError('invalid_url', `cannot read the CA file ${options.caFile}: ${(error as Error).message}`);
  }
  return new Agent({ connect: { ca } });
}
