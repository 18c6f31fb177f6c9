/**
 * What the status says about the central system, including why a kiosk that is enrolled delivers nothing or takes
 * no configuration. Two cases come from kiosks enrolled before the TLS and signing rules of this version, and would
 * otherwise fail quietly (ratings piling up unseen):
 *
 * - `insecure_url`: enrolled over plain http to a centre off this machine, and started without `--insecure-http`:
 *   delivery is not started at all;
 * - `no_central_key`: no centre key is pinned, so every configuration is refused (deliveries still go).
 *
 * docs/install.md ("Upgrading a kiosk enrolled before signed configurations") says what to do. Runs in Node.
 */
import type { StatusView } from '../../shared/local-api.js';
import type { KioskContext } from '../context.js';
import { isLoopback } from '../../common/loopback.js';
import type { SyncStatus } from './sync-agent.js';

export type CentralStatus = StatusView['central'];

/** True when `url` is plain http to a centre off this machine (refused without --insecure-http). */
function insecure(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' && !isLoopback(u.hostname);
  } catch {
    return false;
  }
}

/**
 * The central part of the status. `sync` is the running agent's status, or undefined when none runs: then an
 * enrolment whose URL is plain http off this machine is why (the only policy refusal at start).
 */
export function centralStatus(ctx: Pick<KioskContext, 'settings'>, sync: SyncStatus | undefined): CentralStatus {
  const enrolment = ctx.settings.get('enrolment');
  const lastReconciledAt = sync?.lastReconciledAt ?? ctx.settings.get('lastReconciledAt') ?? null;
  if (!enrolment) return { state: 'not_enrolled', lastError: null, lastReconciledAt };
  if (!sync && insecure(enrolment.centralUrl)) {
    return {
      state: 'insecure_url',
      lastError:
        `enrolled over plain http (${new URL(enrolment.centralUrl).origin}): nothing is delivered. ` +
        'Enrol again over https (hcp kiosk enroll --central https://…), or start with --insecure-http on a test network',
      lastReconciledAt,
    };
  }
  if (!ctx.settings.get('centralPublicKey')) {
    return {
      state: 'no_central_key',
      lastError:
        'no central key is pinned: every configuration is refused. Pin it (hcp kiosk provision --central-key, the key from `hcp central key`) or enrol again over https',
      lastReconciledAt,
    };
  }
  if (!sync) return { state: 'not_enrolled', lastError: null, lastReconciledAt };
  return { state: sync.state, lastError: sync.lastError, lastReconciledAt };
}
