/** The ability each of the 意见箱's admin routes needs (merged into ADMIN_ROUTE_ABILITIES, src/central/policies/). */
import type { Ability } from '../../shared/abilities.js';

const A = '/api/v1/admin';

/** Which action is whose is src/shared/suggestions.ts's; a handler only reaches what was referred to its departments. */
export const SUGGESTIONS_ROUTE_ABILITIES: Readonly<Record<string, Ability>> = {
  [`GET ${A}/suggestions`]: 'suggestions.read',
  [`GET ${A}/suggestions/:id`]: 'suggestions.read',
  [`POST ${A}/suggestions/:id/actions`]: 'suggestions.act',
};
