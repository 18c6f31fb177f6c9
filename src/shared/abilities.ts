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
} as const satisfies Record<string, readonly Role[]>;

export type Ability = keyof typeof ABILITIES;

export function roleHas(role: Role, ability: Ability): boolean {
  return (ABILITIES[ability] as readonly Role[]).includes(role);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
