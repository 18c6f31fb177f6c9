/**
 * The kiosk's HTTP client for the central system: every request signed with the device key, every request bounded
 * by a timeout (a stalled centre must never hang the queue). Runs in Node.
 */
import type { Dispatcher } from 'undici';
import type { DeviceIdentity } from '../../common/device-identity.js';

export interface CentralResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
  /** The exact bytes of the body, as received: what a configuration's signature is checked over. */
  raw: Buffer;
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
  /** The fetch dispatcher: an undici Agent trusting the hall's own certificate authority (central-transport.ts). */
  dispatcher?: Dispatcher;
}

export class CentralClient {
  constructor(private readonly options: CentralClientOptions) {}

  /** This kiosk's id at the centre (a configuration's signature is bound to it). */
  get deviceId(): string {
    return this.options.deviceId;
  }

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
        ...(this.options.dispatcher ? { dispatcher: this.options.dispatcher } : {}),
      });
    } catch (error) {
      throw new CentralUnreachableError(describeFetchError(error));
    }
    let parsed: unknown = null;
    let raw = Buffer.alloc(0);
    try {
      raw = Buffer.from(await res.arrayBuffer());
      parsed = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : null;
    } catch (error) {
      // A response cut off half-way: the centre may or may not have acted; the kiosk will simply send again.
      if (res.status < 300) throw new CentralUnreachableError(`the answer was cut off: ${describeFetchError(error)}`);
    }
    return { status: res.status, body: parsed as T, headers: res.headers, raw };
  }
}

function describeFetchError(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'the central system did not answer in time';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
}
