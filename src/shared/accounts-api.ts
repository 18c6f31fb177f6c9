/**
 * The centre's accounts as its API gives them (issue 15), typed once for the centre (src/central/accounts/) and
 * the console. Runs everywhere (pure).
 */
import type { Role } from './abilities.js';

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
