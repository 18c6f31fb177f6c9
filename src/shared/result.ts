/**
 * The shape every command across a process boundary answers with. Runs everywhere (pure).
 */
export interface ErrorInfo {
  /** Stable, machine-readable code (`no_shift`, `locked`, …); UIs translate by it. */
  code: string;
  /** Human-readable explanation for logs and developers. */
  message: string;
  /** Extra facts a caller can act on (for `locked`: `retryAt`). */
  details?: Record<string, unknown>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = (error: ErrorInfo): Result<never> => ({ ok: false, error });
