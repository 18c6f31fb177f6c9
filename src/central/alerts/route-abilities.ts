/** The ability each of the alerts routes needs (merged into ADMIN_ROUTE_ABILITIES, src/central/policies/). */
import type { Ability } from '../../shared/abilities.js';

const A = '/api/v1/admin';

export const ALERTS_ROUTE_ABILITIES: Readonly<Record<string, Ability>> = {
  [`GET ${A}/notifications`]: 'notifications.read',
  [`POST ${A}/notifications/:id/read`]: 'notifications.read',
  [`POST ${A}/notifications/read-all`]: 'notifications.read',
  [`GET ${A}/alerts/settings`]: 'alerts.manage',
  [`PUT ${A}/alerts/settings`]: 'alerts.manage',
  [`GET ${A}/alerts/deliveries`]: 'alerts.manage',
};
