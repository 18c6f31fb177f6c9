/**
 * Sign-in tickets: how the demo (`npm start`) opens the console already signed in, without a password on a command
 * line or in a URL that lasts. Only code in the central process can issue one (RunningCentral.signInTickets: there
 * is no route that issues them), for an account that exists and needs no password change; a ticket is 32 random
 * bytes, held in memory as its hash, good once and for SIGN_IN_TICKET_TTL_MS. `POST /api/v1/auth/ticket` redeems it
 * and answers as a login does. Runs in Node.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Long enough for a browser to start and open its first page; short enough that a ticket left in a log is dead. */
export const SIGN_IN_TICKET_TTL_MS = 2 * 60_000;

const digest = (ticket: string) => createHash('sha256').update(ticket, 'utf8').digest('base64url');

export class SignInTickets {
  private readonly tickets = new Map<string, { accountId: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A ticket for `accountId`, to put in the console's URL fragment (`/console/#ticket=…`). */
  issue(accountId: string): string {
    this.sweep();
    const ticket = randomBytes(32).toString('base64url');
    this.tickets.set(digest(ticket), { accountId, expiresAt: this.now() + SIGN_IN_TICKET_TTL_MS });
    return ticket;
  }

  /** The account a live ticket was issued for, once; null for an unknown, used or expired ticket. */
  redeem(ticket: string): string | null {
    if (ticket.length === 0 || ticket.length > 100) return null;
    const key = digest(ticket);
    const entry = this.tickets.get(key);
    this.tickets.delete(key);
    return entry && entry.expiresAt > this.now() ? entry.accountId : null;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.tickets) if (entry.expiresAt <= now) this.tickets.delete(key);
  }
}
