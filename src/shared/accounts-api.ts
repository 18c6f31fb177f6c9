/**
 * The centre's accounts as its API gives them (issue 15), typed once for the centre (src/central/accounts/) and
 * the console. Runs everywhere (pure).
 */
import { z } from 'zod';
import { CHANNEL_SCOPES, type ChannelScope } from './channels-api.js';
import { ROLES, type Role } from './abilities.js';

/** What an account's name may be: the centre and the console's form check it with this one schema. */
export const USERNAME_RULE = 'letters, digits and . _ @ - only';
const Username = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[\p{L}\p{N}._@-]+$/u, USERNAME_RULE);
const DepartmentCodes = z.array(z.string().min(1).max(64)).max(200);

export const AccountCreate = z.strictObject({
  username: Username,
  displayName: z.string().min(1).max(100),
  role: z.enum(ROLES),
  departments: DepartmentCodes.default([]),
});
export type AccountCreate = z.infer<typeof AccountCreate>;

export const AccountPatch = z
  .strictObject({
    displayName: z.string().min(1).max(100).optional(),
    role: z.enum(ROLES).optional(),
    departments: DepartmentCodes.optional(),
    disabled: z.boolean().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');
export type AccountPatch = z.infer<typeof AccountPatch>;

/**
 * What an API key may do: act as a role (any but `handler`, whose departments belong to a person), or send the
 * ratings and services of one rating channel (`channel:<name>`, channels-api.ts), which opens nothing else.
 */
export const API_KEY_SCOPES = ['admin', 'supervisor', 'leader', 'auditor', ...CHANNEL_SCOPES] as const;
export type ApiKeyScope = 'admin' | 'supervisor' | 'leader' | 'auditor' | ChannelScope;

export const API_KEY_NAME_RULE = 'letters, digits, spaces and . _ - only';
export const ApiKeyCreate = z.strictObject({
  name: z
    .string()
    .min(2)
    .max(64)
    .regex(/^[\p{L}\p{N}._ -]+$/u, API_KEY_NAME_RULE),
  scope: z.enum(API_KEY_SCOPES),
});
export type ApiKeyCreate = z.infer<typeof ApiKeyCreate>;

export interface Account {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  /** A handler's departments (codes); empty for the other roles, who see the whole hall. */
  departments: string[];
  /** A one-time or reset password: nothing but POST /api/v1/auth/password is allowed until it is changed. */
  mustChangePassword: boolean;
  disabled: boolean;
  lockedUntil: string | null;
  createdAt: string;
  /** Its last successful login (from the audit log), or null if it never logged in. */
  lastLoginAt: string | null;
}

/** The answer of POST /api/v1/auth/login (and of POST /api/v1/auth/ticket, and GET /api/v1/auth/me). */
export interface SignedIn {
  account: Account;
  /** For the `x-csrf-token` header of every state-changing request of this session. */
  csrfToken: string;
}
