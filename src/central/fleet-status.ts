/**
 * What kiosks report of themselves, between their records: each heartbeat (version, queue, evaluator, key map in
 * force, last reconciliation) and the clock offset a record batch carries. Kept in memory as it arrives and written
 * to `devices` in one statement every STATUS_FLUSH_MS, on a connection of its own: a heartbeat is answered without
 * waiting for the database to store it, and never waits behind record batches for a connection or a row lock
 * (record batches no longer update the device row). What a crash loses is at most the last STATUS_FLUSH_MS of
 * status, which the kiosk's next heartbeat brings again; never a record, which is stored before its batch is
 * answered. Runs in Node.
 */
import type { HeartbeatRequest } from '../shared/central-api.js';
import type { Queryable } from './db/database.js';

/** How often reported status is written. A crash loses at most this much of it; the list flushes before reading. */
export const STATUS_FLUSH_MS = 1000;

/** What is waiting to be written for one device: the fields absent stay as the database holds them. */
interface Pending {
  beat?: { at: Date; body: HeartbeatRequest };
  keyMap?: HeartbeatRequest['keyMap'];
  lastReconciledAt?: string | null;
  clockOffsetMs?: number;
}

/** `newer` over `older`: the latest heartbeat, and of the fields only some heartbeats carry, the latest given. */
function merged(older: Pending, newer: Pending): Pending {
  const out: Pending = { ...older };
  if (newer.beat) out.beat = newer.beat;
  if (newer.keyMap !== undefined) out.keyMap = newer.keyMap;
  if (newer.lastReconciledAt !== undefined) out.lastReconciledAt = newer.lastReconciledAt;
  if (newer.clockOffsetMs !== undefined) out.clockOffsetMs = newer.clockOffsetMs;
  return out;
}

export class FleetStatus {
  private pending = new Map<string, Pending>();
  /** The flush under way: flushes run one after another, never two statements at once from one process. */
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Queryable,
    private readonly onError: (error: unknown) => void = () => undefined,
    private readonly flushMs = STATUS_FLUSH_MS,
  ) {}

  /** Writes what arrived every `flushMs` until `close`. */
  start(): void {
    this.timer ??= setInterval(() => void this.flush().catch(this.onError), this.flushMs);
    this.timer.unref();
  }

  /** A heartbeat received now (by the centre's clock): the device's last heartbeat from the next write on. */
  heartbeat(deviceId: string, body: HeartbeatRequest, at = new Date()): void {
    const next: Pending = { beat: { at, body } };
    if (body.keyMap !== undefined) next.keyMap = body.keyMap;
    if (body.lastReconciledAt !== undefined) next.lastReconciledAt = body.lastReconciledAt;
    this.add(deviceId, next);
  }

  /** The clock offset a record batch reported (the centre's clock minus the kiosk's), shown in the fleet list. */
  clockOffset(deviceId: string, clockOffsetMs: number): void {
    this.add(deviceId, { clockOffsetMs });
  }

  /**
   * Writes everything received so far, in one statement; resolves once it is stored (also what arrived during an
   * earlier flush). On failure nothing is dropped: it is written with the next flush, under anything newer.
   */
  flush(): Promise<void> {
    const next = this.flushing.then(() => this.write());
    this.flushing = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private add(deviceId: string, next: Pending): void {
    const known = this.pending.get(deviceId);
    this.pending.set(deviceId, known ? merged(known, next) : next);
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const taken = this.pending;
    this.pending = new Map();
    // In id order, locked in that order: two central processes flushing at once cannot deadlock.
    const entries = [...taken].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    try {
      await this.update(entries);
    } catch (error) {
      if (!isDataError(error)) {
        // Kept for the next flush, under whatever arrived since.
        for (const [id, p] of taken) {
          const since = this.pending.get(id);
          this.pending.set(id, since ? merged(p, since) : p);
        }
        throw error;
      }
      // A value the schema let through but the database refuses (a NUL in a string, an out-of-range number) must
      // not hold up the others' status: one device at a time, and only the one that fails is dropped.
      for (const entry of entries) await this.update([entry]).catch(this.onError);
    }
  }

  private async update(entries: [string, Pending][]): Promise<void> {
    const column = <T>(of: (p: Pending) => T) => entries.map(([, p]) => of(p));
    await this.db.query(
      `WITH u AS (
         SELECT * FROM unnest($1::uuid[], $2::boolean[], $3::timestamptz[], $4::text[], $5::integer[],
                              $6::timestamptz[], $7::text[], $8::boolean[], $9::text[], $10::text[], $11::boolean[],
                              $12::timestamptz[], $13::integer[])
           AS u (id, beat, at, version, queue_depth, oldest_pending_at, evaluator, has_key_map, key_map,
                 key_map_source, has_reconciled, reconciled_at, clock_offset_ms)),
       locked AS (SELECT d.id FROM devices d JOIN u USING (id) ORDER BY d.id FOR NO KEY UPDATE OF d)
       UPDATE devices d
          SET last_heartbeat_at = CASE WHEN u.beat THEN u.at ELSE d.last_heartbeat_at END,
              version = CASE WHEN u.beat THEN u.version ELSE d.version END,
              queue_depth = CASE WHEN u.beat THEN u.queue_depth ELSE d.queue_depth END,
              oldest_pending_at = CASE WHEN u.beat THEN u.oldest_pending_at ELSE d.oldest_pending_at END,
              evaluator = CASE WHEN u.beat THEN u.evaluator::jsonb ELSE d.evaluator END,
              key_map = CASE WHEN u.has_key_map THEN u.key_map::smallint[] ELSE d.key_map END,
              key_map_source = CASE WHEN u.has_key_map THEN u.key_map_source ELSE d.key_map_source END,
              last_reconciled_at = CASE WHEN u.has_reconciled THEN u.reconciled_at ELSE d.last_reconciled_at END,
              clock_offset_ms = coalesce(u.clock_offset_ms, d.clock_offset_ms)
         FROM u
        WHERE d.id = u.id AND d.id IN (SELECT id FROM locked)`,
      [
        entries.map(([id]) => id),
        column((p) => p.beat !== undefined),
        column((p) => p.beat?.at ?? null),
        column((p) => p.beat?.body.version ?? null),
        column((p) => p.beat?.body.queueDepth ?? null),
        column((p) => p.beat?.body.oldestPendingAt ?? null),
        column((p) => (p.beat ? JSON.stringify(p.beat.body.evaluator) : null)),
        column((p) => p.keyMap !== undefined),
        // smallint[] per row cannot go through unnest (a 2-D array is not ragged): as array literals.
        column((p) => (p.keyMap ? `{${p.keyMap.map.join(',')}}` : null)),
        column((p) => p.keyMap?.source ?? null),
        column((p) => p.lastReconciledAt !== undefined),
        column((p) => p.lastReconciledAt ?? null),
        column((p) => p.clockOffsetMs ?? null),
      ],
    );
  }
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation). */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
