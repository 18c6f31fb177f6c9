/**
 * The signed-in account (issue 15): who it is, its role, and `can(ability)` from src/shared/abilities.ts, so that
 * the console shows only what the role may do. A courtesy, not a control: the centre decides every request itself.
 * Runs in the browser.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { type Ability, roleHas } from '../shared/abilities.js';
import type { Account, SignedIn } from '../shared/accounts-api.js';
import { ApiError, get, onUnauthorized, post, setCsrfToken } from './api.js';

/** Why the console is back at its login page, when it did not go there on its own. */
export type SignedOutReason = 'expired' | 'logged_out' | null;

export interface AuthState {
  /** The account, or null when nobody is signed in; undefined while the centre is being asked. */
  account: Account | null | undefined;
  /** Whether the signed-in role has `ability` (false when nobody is signed in). */
  can: (ability: Ability) => boolean;
  /** After a login (or a ticket): keeps the CSRF token and the account. */
  signedIn: (answer: SignedIn) => void;
  logout: () => Promise<void>;
  /** Re-reads the account (after a change of password). */
  refresh: () => Promise<void>;
  signedOutReason: SignedOutReason;
  /** The error of asking the centre who is signed in, when it failed other than 401 (unreachable, 5xx). */
  error: ApiError | null;
}

const AuthContext = createContext<AuthState | null>(null);
export const ME_KEY = ['auth', 'me'] as const;

/** GET /api/v1/auth/me: the account, or null when the request has no live session. */
async function fetchMe(): Promise<Account | null> {
  try {
    const me = await get<SignedIn>('/api/v1/auth/me');
    setCsrfToken(me.csrfToken);
    return me.account;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [signedOutReason, setSignedOutReason] = useState<SignedOutReason>(null);
  const me = useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: Infinity, retry: false });

  useEffect(
    () =>
      onUnauthorized(() => {
        // A session that ran out (idle 30 min, 12 h at most) or was ended by an admin: back to the login page.
        if (queryClient.getQueryData(ME_KEY)) setSignedOutReason('expired');
        setCsrfToken(null);
        queryClient.setQueryData(ME_KEY, null);
      }),
    [queryClient],
  );

  const signedIn = useCallback(
    (answer: SignedIn) => {
      setCsrfToken(answer.csrfToken);
      setSignedOutReason(null);
      // Whatever the previous account had cached is not this one's to see.
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== ME_KEY[0] });
      queryClient.setQueryData(ME_KEY, answer.account);
    },
    [queryClient],
  );

  const logout = useCallback(async () => {
    try {
      await post('/api/v1/auth/logout');
    } finally {
      setCsrfToken(null);
      setSignedOutReason('logged_out');
      queryClient.clear();
      queryClient.setQueryData(ME_KEY, null);
    }
  }, [queryClient]);

  const refresh = useCallback(async () => {
    await queryClient.invalidateQueries({ queryKey: ME_KEY });
  }, [queryClient]);

  const account = me.data;
  const state = useMemo<AuthState>(
    () => ({
      account: me.isPending ? undefined : (account ?? null),
      can: (ability) => Boolean(account && !account.mustChangePassword && roleHas(account.role, ability)),
      signedIn,
      logout,
      refresh,
      signedOutReason,
      error: me.error instanceof ApiError ? me.error : me.error ? new ApiError(0, 'network', me.error.message) : null,
    }),
    [account, me.isPending, me.error, signedIn, logout, refresh, signedOutReason],
  );
  return <AuthContext.Provider value={state}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth outside <AuthProvider>');
  return state;
}
