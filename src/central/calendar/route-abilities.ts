/** The ability each of the calendar routes needs (merged into ADMIN_ROUTE_ABILITIES, src/central/policies/). */
import type { Ability } from '../../shared/abilities.js';

const A = '/api/v1/admin';

export const CALENDAR_ROUTE_ABILITIES: Readonly<Record<string, Ability>> = {
  [`GET ${A}/calendar/status`]: 'calendar.read',
  [`GET ${A}/calendar`]: 'calendar.read',
  [`PUT ${A}/calendar/days/:day`]: 'calendar.write',
  [`DELETE ${A}/calendar/days/:day`]: 'calendar.write',
  [`PUT ${A}/calendar/years/:year`]: 'calendar.write',
};
