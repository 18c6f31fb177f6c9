/**
 * The kiosk's HTTP client for the central system: every request signed with the device key, every request bounded
 * by a timeout (a stalled centre must never hang the queue). Runs in Node.
 */
import type { DeviceIdentity } from '../../common/device-identity.js';

export interface CentralResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** The centre could not be reached or did not answer in time: try again later. */
export class CentralUnreachableError extends Error {
  override readonly name = 'CentralUnreachableError';
  readonly code = 'central_unreachable';
}

export interface CentralClientOptions {
  baseUrl: string;
  deviceId: string;
  identity: DeviceIdentity;
  /** Per request, in ms. Default 15 s. */
  timeoutMs?: number;
}

export class CentralClient {
  constructor(private readonly options: CentralClientOptions) {}

  async request<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<CentralResponse<T>> {
    const { baseUrl, deviceId, identity } = this.options;
    const bytes = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
    const signed = identity.sign(deviceId, method, path, bytes);
    let res: Response;
    try {
      res = await fetch(new URL(path, baseUrl), {
        method,
        headers: { ...signed, ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : bytes,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new CentralUnreachableError(describeFetchError(error));
    }
    let parsed: unknown = null;
    try {
      const text = await res.text();
      parsed = text.length > 0 ? JSON.parse(text) : null;
    } catch (error) {
      // A response cut off half-way: the centre may or may not have acted; the kiosk will simply send again.
      if (res.status < 300) throw new CentralUnreachableError(`the answer was cut off: ${describeFetchError(error)}`);
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
}

function describeFetchError(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'the central system did not answer in time';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
}
