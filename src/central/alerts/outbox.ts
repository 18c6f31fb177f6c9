/**
 * The alerts' outbox (issue 16): an alert is a row written in the transaction of what causes it (a case made by
 * ingest, a transition, a deadline's warning), so that it exists exactly when its cause does. The job queue
 * delivers it afterwards (src/central/alerts/), to the console's notifications, webhooks and SMS, each receiver
 * seeing the alert's `key` as its idempotency key. A payload carries codes and numbers, never personal data. Runs
 * in Node.
 */
import { uuidv7 } from '../../common/ids.js';
import type { NotificationKind } from '../../shared/cases-api.js';
import type { Queryable } from '../db/database.js';

export type AlertKind = NotificationKind;

export interface Alert {
  kind: AlertKind;
  caseId: string | null;
  /** Codes, numbers and states only: what the receivers are told. */
  payload: Record<string, unknown>;
  /** The idempotency key; by default `<kind>:<caseId>:<a new id>`. A caller that may run twice gives its own. */
  key?: string;
}

/** Writes `alerts` in `tx`; an alert whose key was written already is not written again. */
export async function enqueueAlerts(tx: Queryable, alerts: readonly Alert[]): Promise<void> {
  if (alerts.length === 0) return;
  const ids = alerts.map(() => uuidv7());
  await tx.query(
    `INSERT INTO alert_outbox (id, key, kind, case_id, payload)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::jsonb[])
     ON CONFLICT (key) DO NOTHING`,
    [
      ids,
      alerts.map((a, i) => a.key ?? `${a.kind}:${a.caseId ?? '-'}:${ids[i]}`),
      alerts.map((a) => a.kind),
      alerts.map((a) => a.caseId),
      alerts.map((a) => JSON.stringify(a.payload)),
    ],
  );
}
