/** The ability each of the alerts routes needs (merged into ADMIN_ROUTE_ABILITIES, src/central/policies/). */
import type { Ability } from '../../shared/abilities.js';

export const ALERTS_ROUTE_ABILITIES: Readonly<Record<string, Ability>> = {};
