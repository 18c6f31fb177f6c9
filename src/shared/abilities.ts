/**
 * Who may do what at the centre (issue 15): the roles and, ONCE, the table of ability → roles. The server enforces
 * it on every admin route through `authorize(actor, ability)` (src/central/policies/); docs/central-api.md prints
 * it. Shared so that the console can hide what a role may not do (the server decides regardless).
 */

export const ROLES = ['admin', 'supervisor', 'handler', 'leader', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** What each role is, in a sentence (for the documentation and the console). */
export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  admin: 'runs the centre: catalogue, settings, kiosks, accounts and API keys',
  supervisor: 'supervises the hall: reads everything of every department, edits the catalogue',
  handler: "handles a department's evaluations: reads only its own departments' evaluations, staff and devices",
  leader: 'reads the figures of every department (statistics and evaluations), changes nothing',
  auditor: 'reads the audit log and the figures, changes nothing',
};

/** Ability → the roles that have it. The only place this is said. */
export const ABILITIES = {
  'catalogue.read': ['admin', 'supervisor', 'handler', 'leader'],
  'catalogue.write': ['admin', 'supervisor'],
  'settings.read': ['admin', 'supervisor'],
  'settings.write': ['admin'],
  'enrollments.create': ['admin'],
  'devices.read': ['admin', 'supervisor', 'handler'],
  'devices.revoke': ['admin'],
  'evaluations.read': ['admin', 'supervisor', 'handler', 'leader', 'auditor'],
  'stats.read': ['admin', 'supervisor', 'handler', 'leader', 'auditor'],
  'signing_key.read': ['admin', 'supervisor'],
  'accounts.manage': ['admin'],
  'api_keys.manage': ['admin'],
  'audit.read': ['admin', 'auditor'],
  // The 差评 closed loop (issue 16): who may read cases, and who may act at all (which action is whose is
  // CASE_TRANSITIONS in src/shared/cases.ts; a handler only ever on its departments' cases).
  'cases.read': ['admin', 'supervisor', 'handler', 'leader', 'auditor'],
  'cases.act': ['admin', 'supervisor', 'handler'],
  'cases.reveal_phone': ['supervisor', 'handler'],
  'cases.configure': ['admin'],
  'calendar.read': ['admin', 'supervisor', 'handler', 'leader', 'auditor'],
  'calendar.write': ['admin'],
  'notifications.read': ['admin', 'supervisor', 'handler', 'leader', 'auditor'],
  'alerts.manage': ['admin'],
  // The 意见箱 (issue 17): which action is whose is src/shared/suggestions.ts's; a handler only answers what was
  // referred to its departments.
  'suggestions.read': ['admin', 'supervisor', 'handler', 'leader', 'auditor'],
  'suggestions.act': ['admin', 'supervisor', 'handler'],
} as const satisfies Record<string, readonly Role[]>;

export type Ability = keyof typeof ABILITIES;

export function roleHas(role: Role, ability: Ability): boolean {
  return (ABILITIES[ability] as readonly Role[]).includes(role);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
