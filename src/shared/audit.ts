/**
 * The audit log's closed list of action names (issue 15): the server writes only these, and the console's filter
 * offers the same list. An action not in the list is refused at compile time (`AuditAction`) and at the API
 * (`AuditActionSchema`). Runs everywhere (pure).
 */
import { z } from 'zod';

export const AUDIT_ACTIONS = [
  // Accounts and sessions (src/central/accounts/).
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.password_changed',
  'account.created',
  'account.updated',
  'account.disabled',
  'account.password_reset',
  'api_key.created',
  'api_key.revoked',
  // The catalogue (src/central/catalog.ts): departments, windows, service items, reason tags, staff.
  'catalog.created',
  'catalog.updated',
  // An Excel import of staff or service items (src/central/imports/): one entry per file written, with counts.
  'catalog.imported',
  // Hall settings, enrolment codes, the fleet.
  'settings.updated',
  'enrollment.created',
  'device.revoked',
  // The 差评 closed loop (issue 16): each transition (also in the case's timeline), the audited reveal of a rater's
  // phone (with its purpose, never the number), each attachment uploaded and downloaded, the deadlines and the
  // working-day calendar changed, the alerts' receivers configured.
  'case.transitioned',
  'case.phone_revealed',
  'case.attachment_uploaded',
  'case.attachment_downloaded',
  'case.deadlines_updated',
  'calendar.updated',
  'alerts.updated',
  // A rating channel's second first rating (or second 追评) of a service (issue 17): refused, and kept here.
  'rating.duplicate',
  // The 意见箱 (issue 17): each step an account takes on an item (also in its timeline), never its contact.
  'suggestion.transitioned',
  // An unknown service item code mapped to an item of the catalogue (issue 18), with the ratings it filed.
  'catalogue.item_mapped',
  // An Excel export of the audit log itself, with its filters.
  'audit.exported',
  // A request to the admin API refused for want of authentication (401) or permission (403).
  'access.refused',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AuditActionSchema = z.enum(AUDIT_ACTIONS);

export const AUDIT_RESULTS = ['ok', 'refused', 'failed'] as const;
export type AuditResult = (typeof AUDIT_RESULTS)[number];

export const AUDIT_ACTOR_KINDS = ['account', 'api_key', 'system', 'anonymous'] as const;
export type AuditActorKind = (typeof AUDIT_ACTOR_KINDS)[number];

/** Who did it: an account, an API key, the centre itself, or nobody known. Never a rater. */
export interface AuditActor {
  kind: AuditActorKind;
  /** The account's or API key's id. */
  id: string | null;
  /** The account's login name or the API key's name. */
  name: string | null;
  role: string | null;
}

/** What `appendAudit` is given. `summary` holds codes and before/after of configuration, never personal data. */
export interface AuditEntry {
  actor: AuditActor;
  action: AuditAction;
  /** What was acted on, as `kind:key` (`staff:S001`, `device:<uuid>`, `settings`), or null. */
  target: string | null;
  summary: Record<string, unknown> | null;
  ip: string | null;
  result: AuditResult;
}

/** One row of the log as `GET /api/v1/admin/audit` returns it. */
export interface AuditRecord extends AuditEntry {
  seq: number;
  /** ISO 8601, UTC. */
  at: string;
  prevHash: string;
  hash: string;
}
