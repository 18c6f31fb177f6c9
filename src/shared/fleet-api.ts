/**
 * The fleet as the console's 设备 page reads it: `GET /api/v1/admin/devices`, its query, its paged answer and the
 * status the centre derives from each kiosk's heartbeat. Runs everywhere (pure).
 */
import { z } from 'zod';
import type { RejectionCode } from './central-api.js';
import { codeSchema } from './device-config.js';

/** How often a kiosk heartbeats (its sync agent's default). */
export const DEVICE_HEARTBEAT_MS = 30_000;
/** A kiosk is offline once three heartbeats in a row are missing. */
export const DEVICE_OFFLINE_AFTER_MS = 3 * DEVICE_HEARTBEAT_MS;

/**
 * `revoked` once revoked (whatever it still sends); otherwise `online` if its last heartbeat is less than
 * DEVICE_OFFLINE_AFTER_MS old by the centre's clock, else `offline` (also a kiosk that never heartbeated). Computed
 * by the database from `last_heartbeat_at` and `now()` on every read, never stored.
 */
export const DEVICE_STATUSES = ['online', 'offline', 'revoked'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

/** The page's filters (query string, hence the coercions). All filters combine (AND). */
export const DeviceQuery = z.strictObject({
  status: z.enum(DEVICE_STATUSES).optional(),
  /** Only kiosks whose last heartbeat reported at least this many records waiting to be delivered. */
  minQueue: z.coerce.number().int().min(0).max(1_000_000_000).optional(),
  /** Only the kiosks of this department's windows (a terminal-mode kiosk belongs to no department). */
  departmentCode: codeSchema.optional(),
  /** A part of the kiosk's name or of its window code, case-insensitive. */
  q: z.string().trim().min(1).max(64).optional(),
  /** The `nextCursor` of the previous page, as given. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type DeviceQuery = z.infer<typeof DeviceQuery>;

/** One device of `GET /api/v1/admin/devices`. */
export interface FleetDevice {
  id: string;
  mode: 'window' | 'terminal';
  windowCode: string | null;
  /** The department of its window now; null for a terminal-mode kiosk. */
  departmentCode: string | null;
  name: string;
  status: DeviceStatus;
  version: string | null;
  enrolledAt: string;
  revokedAt: string | null;
  lastHeartbeatAt: string | null;
  queueDepth: number | null;
  oldestPendingAt: string | null;
  evaluator: unknown;
  clockOffsetMs: number | null;
  /** The key map in force at its last heartbeat, and where it came from (`local`: a technician's override). */
  keyMap: number[] | null;
  keyMapSource: 'central' | 'local' | null;
  /** Its last successful reconciliation, as its last heartbeat reported it. */
  lastReconciledAt: string | null;
  /** Records refused from it, all codes together, and per code. */
  rejectedRecords: number;
  rejectedByCode: Partial<Record<RejectionCode, number>>;
  /** Its evaluations whose staff number the centre did not know (accepted, flagged). */
  unknownStaffEvaluations: number;
  /** Its last key-test session, or null if it never ran one. */
  lastKeyTest: { startedAt: string; endedAt: string; endedBy: string; presses: number } | null;
}

/**
 * One page of the fleet, in enrolment order (device ids are UUIDv7). `nextCursor` is null on the last page.
 * `counts`: the devices of each status among those the caller may see that match every filter but `status` (the
 * page's status tabs show them).
 */
export interface DevicePage {
  items: FleetDevice[];
  nextCursor: string | null;
  counts: Record<DeviceStatus, number>;
}
