/** The ability each 未知事项 route needs (merged into ADMIN_ROUTE_ABILITIES, src/central/policies/). */
import type { Ability } from '../../shared/abilities.js';

const A = '/api/v1/admin';

/** Mapping a code is a change to the catalogue: the catalogue's writers list and map them. */
export const UNKNOWN_ITEMS_ROUTE_ABILITIES: Readonly<Record<string, Ability>> = {
  [`GET ${A}/unknown-items`]: 'catalogue.write',
  [`POST ${A}/unknown-items/:code/map`]: 'catalogue.write',
};
