/**
 * The console's only `fetch` (issue 15): same origin, the session cookie, the CSRF token (from GET /api/v1/auth/me
 * or the login's answer) on every state-changing request, and every refusal as an `ApiError`. Runs in the browser.
 */

/** A refusal of the centre's API, or a failure to reach it (`status` 0, `code` `network`). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The other fields of the error body (for example `lockedUntil`). */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** The header the centre checks on every state-changing request made with a session. */
export const CSRF_HEADER = 'x-csrf-token';

let csrfToken: string | null = null;
const unauthorizedListeners = new Set<(error: ApiError) => void>();

/** Set from the login's or GET /me's answer; cleared at logout. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/**
 * Called when a request that had a session answers 401 (the session ran out or was ended): the console goes back
 * to its login page and says why.
 */
export function onUnauthorized(listener: (error: ApiError) => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

type Query = Record<string, string | number | boolean | null | undefined>;

/** `path?query`, leaving out empty values. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

const SAFE = new Set(['GET', 'HEAD']);

/** A body sent as it is (a file's bytes: an import, an attachment), with its content type, instead of as JSON. */
export class RawBody {
  constructor(
    readonly bytes: Blob,
    readonly type: string,
  ) {}
}

/** Calls the centre's API at `path` (from `/api/…`); resolves to the parsed JSON body of a 2xx answer. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = body instanceof RawBody ? body.type : 'application/json';
  if (!SAFE.has(method) && csrfToken) headers[CSRF_HEADER] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : body instanceof RawBody ? body.bytes : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, 'network', (error as Error).message);
  }
  const text = await res.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      parsed = undefined;
    }
  }
  if (!res.ok) {
    const { error, message, ...details } = (parsed ?? {}) as Record<string, unknown>;
    const failure = new ApiError(
      res.status,
      typeof error === 'string' ? error : `http_${res.status}`,
      typeof message === 'string' ? message : res.statusText,
      details,
    );
    if (res.status === 401 && !path.startsWith('/api/v1/auth/login') && !path.startsWith('/api/v1/auth/ticket')) {
      for (const listener of unauthorizedListeners) listener(failure);
    }
    throw failure;
  }
  return parsed as T;
}

export const get = <T>(path: string, query?: Query) => api<T>('GET', withQuery(path, query));
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
/** POSTs a file's bytes as `type`. */
export const postBytes = <T>(path: string, bytes: Blob, type: string) => api<T>('POST', path, new RawBody(bytes, type));
