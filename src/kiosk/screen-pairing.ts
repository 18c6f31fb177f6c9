/**
 * Pairing the browser host's screens (docs/install.md, "Pairing the screens"). A technician issues a one-time
 * pairing code for one role (citizen screen, staff panel, technician mode) from an unlocked technician screen, or
 * with `hcp kiosk pair` on the kiosk PC itself (the first technician screen of a fresh kiosk); the screen redeems
 * it and receives a long-lived screen token bound to that role. Codes are PairingCodeSchema's digits, single-use,
 * valid for PAIRING_CODE_TTL_MS; PAIRING_MAX_WRONG wrong codes in a row void every pending code. Tokens are 256
 * random bits; the kiosk keeps only their SHA-256, lists the paired screens (never a token) and revokes them.
 * Runs in Node.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { SCREEN_TOKEN_PATTERN } from '../shared/screen-pairing.js';
import type { PairedScreenView, PairingCodeView, UiRole } from '../shared/ui-contract.js';
import { KioskError } from '../shared/kiosk-errors.js';
import { uuidv7 } from '../common/ids.js';
import { silentLogger, type Logger } from '../common/logger.js';
import type { Database } from './store/database.js';
import { ScreenPairingRepo, type ScreenTokenRow } from './store/screen-pairing-repo.js';

/** How long a pairing code can be redeemed. */
export const PAIRING_CODE_TTL_MS = 10 * 60_000;
/** Wrong codes in a row after which every pending code is void (the technician issues a new one). */
export const PAIRING_MAX_WRONG = 5;

export type ScreenPairingErrorCode = 'pairing_code_invalid' | 'pairing_wrong_role';

/** A refused redemption; `code` is stable for the screens to translate. */
export class ScreenPairingError extends Error {
  override readonly name = 'ScreenPairingError';
  constructor(
    readonly code: ScreenPairingErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A paired screen, as the channel serving it knows it. */
export interface PairedScreen {
  id: string;
  role: UiRole;
  label: string;
}

export interface ScreenPairingsOptions {
  /** The kiosk's database (its screen_pairing_codes and screen_tokens tables). */
  db: Database;
  /** Where pairings, refusals and revocations are logged (never a code or a token). */
  log?: Logger;
  /** Runs a write in one transaction (the service's `transact`, so a full disk is said as such). */
  write?: <T>(work: () => T) => T;
  /** The clock, in epoch milliseconds (codes' expiry, when a screen was paired and last seen); Date.now by default. */
  now?: () => number;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The browser host's paired screens: issues and redeems pairing codes, authenticates a socket's screen token,
 * lists the paired screens and revokes them (telling the host, which closes their sockets). One per kiosk
 * service (KioskService.screenPairings), shared by technician mode and the browser host.
 */
export class ScreenPairings {
  private readonly repo: ScreenPairingRepo;
  private readonly log: Logger;
  private readonly write: <T>(work: () => T) => T;
  private readonly now: () => number;
  private wrongInARow = 0;
  private readonly revokedListeners = new Set<(id: string) => void>();
  /** Open sockets per screen, for the list (connected) and for closing them when a screen is revoked. */
  private readonly live = new Map<string, number>();

  constructor(options: ScreenPairingsOptions) {
    const { db } = options;
    this.repo = new ScreenPairingRepo(db);
    this.log = (options.log ?? silentLogger).child({ module: 'screen-pairing' });
    this.write = options.write ?? (<T>(work: () => T) => db.transaction(work).immediate());
    this.now = options.now ?? Date.now;
  }

  /** Issues a one-time code that pairs one screen for `role`. */
  issue(role: UiRole, label: string): PairingCodeView {
    const now = this.now();
    const expiresAt = now + PAIRING_CODE_TTL_MS;
    const code = this.write(() => {
      this.repo.deleteCodesExpiredAt(now);
      for (;;) {
        const candidate = String(randomInt(0, 100_000_000)).padStart(8, '0');
        if (this.repo.code(sha256(candidate))) continue; // pending already: draw again
        this.repo.addCode(sha256(candidate), { role, label, expiresAt });
        return candidate;
      }
    });
    this.log.info({ role, label }, 'pairing code issued');
    return { code, role, label, expiresAt: new Date(expiresAt).toISOString() };
  }

  /**
   * Redeems a code for a screen of `role`: the code is consumed and a new token returned (the only time it is ever
   * seen). A code for another role is refused and kept (the technician opened the wrong page); a wrong code counts
   * towards PAIRING_MAX_WRONG.
   */
  redeem(code: string, role: UiRole): { token: string; screen: PairedScreen } {
    const now = this.now();
    const codeHash = sha256(code);
    // A refusal is returned, not thrown, from the transaction: voiding the pending codes must commit.
    const outcome = this.write((): { token: string; screen: PairedScreen } | ScreenPairingError => {
      this.repo.deleteCodesExpiredAt(now);
      const pending = this.repo.code(codeHash);
      if (!pending) {
        this.wrongInARow += 1;
        if (this.wrongInARow >= PAIRING_MAX_WRONG) {
          const voided = this.repo.deleteAllCodes();
          this.wrongInARow = 0;
          this.log.warn({ voided }, `${PAIRING_MAX_WRONG} wrong pairing codes in a row: every pending code is void`);
        } else {
          this.log.warn({ role }, 'a wrong or expired pairing code');
        }
        return new ScreenPairingError('pairing_code_invalid', 'this pairing code is wrong, used or expired');
      }
      if (pending.role !== role) {
        this.log.warn({ role, codeRole: pending.role }, 'a pairing code redeemed on a screen of another role');
        return new ScreenPairingError(
          'pairing_wrong_role',
          `this code pairs a ${pending.role} screen, not a ${role} one`,
        );
      }
      this.wrongInARow = 0;
      this.repo.deleteCode(codeHash);
      const token = randomBytes(32).toString('base64url');
      const screen = { id: uuidv7(now), role, label: pending.label };
      this.repo.addToken(sha256(token), { ...screen, createdAt: now });
      this.log.info({ screen: screen.id, role, label: screen.label }, 'screen paired');
      return { token, screen };
    });
    if (outcome instanceof ScreenPairingError) throw outcome;
    return outcome;
  }

  /** The screen this token pairs, or null (malformed, unknown or revoked: logged, without the token). */
  authenticate(token: string | undefined): PairedScreen | null {
    if (token === undefined) return null;
    const row: ScreenTokenRow | undefined = SCREEN_TOKEN_PATTERN.test(token)
      ? this.repo.byTokenHash(sha256(token))
      : undefined;
    if (!row) {
      this.log.warn('refused a screen with an unknown screen token');
      return null;
    }
    if (row.revokedAt !== null) {
      this.log.warn({ screen: row.id, role: row.role, label: row.label }, 'refused a revoked screen');
      return null;
    }
    this.write(() => this.repo.touch(row.id, this.now()));
    return { id: row.id, role: row.role, label: row.label };
  }

  /** The paired screens, oldest first: never a token. */
  list(): PairedScreenView[] {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return this.repo.active().map((row) => ({
      id: row.id,
      label: row.label,
      role: row.role,
      createdAt: iso(row.createdAt)!,
      lastSeenAt: iso(row.lastSeenAt),
      connected: (this.live.get(row.id) ?? 0) > 0,
    }));
  }

  /** Revokes a screen: its token pairs nothing from now on, and its open sockets are closed at once. */
  revoke(id: string): void {
    const row = this.repo.byId(id);
    if (!row || row.revokedAt !== null) throw new KioskError('not_found', `no paired screen ${id}`);
    this.write(() => this.repo.revoke(id, this.now()));
    this.log.info({ screen: id, role: row.role, label: row.label }, 'screen revoked');
    for (const listener of this.revokedListeners) listener(id);
  }

  /** Called with a screen's id when it is revoked. Returns the function that stops listening. */
  onRevoked(listener: (id: string) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  /** Counts an open socket of a screen; returns the function that uncounts it. */
  connected(id: string): () => void {
    this.live.set(id, (this.live.get(id) ?? 0) + 1);
    let counted = true;
    return () => {
      if (counted) this.live.set(id, (this.live.get(id) ?? 1) - 1);
      counted = false;
    };
  }
}
