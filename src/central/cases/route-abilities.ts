/** The ability each of the cases routes needs (merged into ADMIN_ROUTE_ABILITIES, src/central/policies/). */
import type { Ability } from '../../shared/abilities.js';

const A = '/api/v1/admin';

/**
 * Reading is for every role that reads cases; which action is whose is the transition table's (src/shared/cases.ts),
 * and a handler only ever reaches its departments' cases (the routes' scope).
 */
export const CASES_ROUTE_ABILITIES: Readonly<Record<string, Ability>> = {
  [`GET ${A}/cases`]: 'cases.read',
  [`GET ${A}/cases/counts`]: 'cases.read',
  [`GET ${A}/cases/handlers`]: 'cases.act',
  [`GET ${A}/cases/:id`]: 'cases.read',
  [`POST ${A}/cases/:id/actions`]: 'cases.act',
  [`POST ${A}/cases/:id/reveal-phone`]: 'cases.reveal_phone',
  [`POST ${A}/cases/:id/attachments`]: 'cases.act',
  [`GET ${A}/cases/:id/attachments/:sha256`]: 'cases.read',
  [`GET ${A}/case-deadlines`]: 'cases.read',
  [`PATCH ${A}/case-deadlines`]: 'cases.configure',
};
