/**
 * Authorization (issue 15), declared once: src/shared/abilities.ts says which roles have which ability, and
 * ADMIN_ROUTE_ABILITIES which ability each admin route needs. The admin scope's hook calls `authorize` for every
 * request; a route missing from the table is refused to everybody (fail closed). Runs in Node.
 */
import { HttpError } from '../../common/http.js';
import { type Ability, isRole, roleHas } from '../../shared/abilities.js';
import type { AuditActor } from '../../shared/audit.js';
import { IMPORT_KINDS } from '../../shared/excel.js';
import { ALERTS_ROUTE_ABILITIES } from '../alerts/route-abilities.js';
import { CALENDAR_ROUTE_ABILITIES } from '../calendar/route-abilities.js';
import { CASES_ROUTE_ABILITIES } from '../cases/route-abilities.js';
import { CATALOG } from '../catalog.js';
import { SUGGESTIONS_ROUTE_ABILITIES } from '../suggestions/route-abilities.js';
import { UNKNOWN_ITEMS_ROUTE_ABILITIES } from '../unknown-items/route-abilities.js';

const A = '/api/v1/admin';

/** `METHOD /path` (Fastify's route pattern) → the ability it needs. */
export const ADMIN_ROUTE_ABILITIES: Readonly<Record<string, Ability>> = {
  ...Object.fromEntries(
    CATALOG.flatMap((e) => [
      [`GET ${A}/${e.path}`, 'catalogue.read'],
      [`GET ${A}/${e.path}/:key`, 'catalogue.read'],
      [`POST ${A}/${e.path}`, 'catalogue.write'],
      [`PATCH ${A}/${e.path}/:key`, 'catalogue.write'],
    ]),
  ),
  [`GET ${A}/settings`]: 'settings.read',
  [`PATCH ${A}/settings`]: 'settings.write',
  [`POST ${A}/enrollments`]: 'enrollments.create',
  [`GET ${A}/devices`]: 'devices.read',
  [`POST ${A}/devices/:id/revoke`]: 'devices.revoke',
  [`GET ${A}/evaluations`]: 'evaluations.read',
  [`GET ${A}/stats`]: 'stats.read',
  [`GET ${A}/overview`]: 'stats.read',
  [`GET ${A}/signing-key`]: 'signing_key.read',
  [`GET ${A}/audit`]: 'audit.read',
  [`GET ${A}/audit/export.xlsx`]: 'audit.read',
  ...Object.fromEntries(
    IMPORT_KINDS.flatMap((kind) => [
      [`POST ${A}/imports/${kind}`, 'catalogue.write'],
      [`GET ${A}/imports/${kind}/template.xlsx`, 'catalogue.write'],
    ]),
  ),
  [`GET ${A}/accounts`]: 'accounts.manage',
  [`POST ${A}/accounts`]: 'accounts.manage',
  [`PATCH ${A}/accounts/:id`]: 'accounts.manage',
  [`POST ${A}/accounts/:id/reset-password`]: 'accounts.manage',
  [`GET ${A}/api-keys`]: 'api_keys.manage',
  [`POST ${A}/api-keys`]: 'api_keys.manage',
  [`POST ${A}/api-keys/:id/revoke`]: 'api_keys.manage',
  ...CASES_ROUTE_ABILITIES,
  ...CALENDAR_ROUTE_ABILITIES,
  ...ALERTS_ROUTE_ABILITIES,
  ...SUGGESTIONS_ROUTE_ABILITIES,
  ...UNKNOWN_ITEMS_ROUTE_ABILITIES,
};

/** Whether `actor` has `ability`: by its role, and nothing else. */
export function allow(actor: AuditActor, ability: Ability): boolean {
  return isRole(actor.role) && roleHas(actor.role, ability);
}

/** Throws 403 unless `actor` has `ability`. */
export function authorize(actor: AuditActor, ability: Ability): void {
  if (!allow(actor, ability)) {
    throw new HttpError(403, 'forbidden', `the role ${actor.role ?? 'none'} may not do this (${ability})`);
  }
}

/** The ability a route needs, or null for a route nobody declared (refused to all). */
export function abilityOfRoute(method: string, url: string): Ability | null {
  return ADMIN_ROUTE_ABILITIES[`${method} ${url}`] ?? null;
}
