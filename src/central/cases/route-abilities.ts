/** The ability each of the cases routes needs (merged into ADMIN_ROUTE_ABILITIES, src/central/policies/). */
import type { Ability } from '../../shared/abilities.js';

export const CASES_ROUTE_ABILITIES: Readonly<Record<string, Ability>> = {};
