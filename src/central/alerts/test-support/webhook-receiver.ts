/**
 * A test webhook receiver on 127.0.0.1 that honours the idempotency key as a real one should: the first request
 * with a key is processed, a repeat of it is answered 200 and not processed again. It checks every signature, can
 * answer 503 to the next N requests, and can be stopped and started again on the same port (a receiver down, then
 * up). The same server takes an SMS gateway's requests. Runs in Node (tests only).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  IDEMPOTENCY_KEY_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
} from '../../../shared/alerts-api.js';
import { verifyWebhookSignature } from '../channels.js';

export interface Received {
  key: string;
  body: string;
  headers: IncomingHttpHeaders;
  signatureOk: boolean;
  /** Whether this request was processed (the key's first), or a repeat answered without processing. */
  processed: boolean;
}

export class WebhookReceiver {
  /** Every request that reached the handler, in order (503s included). */
  readonly requests: Received[] = [];
  /** The number of times each key was processed: 1 each, for a receiver that honours the key. */
  readonly processed = new Map<string, number>();
  secret = '';
  /** Answer 503 to this many requests before accepting again. */
  failNext = 0;
  /** Answer 503 to this many requests with a key before accepting it. */
  readonly failuresFor = new Map<string, number>();
  /** How long a processed request waits before its answer (a slow receiver: deliveries in flight). */
  delayMs = 0;
  private server: Server | undefined;
  private portNumber = 0;

  get port(): number {
    return this.portNumber;
  }

  get url(): string {
    return `http://127.0.0.1:${this.portNumber}/hook`;
  }

  /** The bodies processed, parsed. */
  bodies<T = Record<string, unknown>>(): T[] {
    return this.requests.filter((r) => r.processed).map((r) => JSON.parse(r.body) as T);
  }

  async start(port = this.portNumber): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const key = String(req.headers[IDEMPOTENCY_KEY_HEADER] ?? '');
        const signature = String(req.headers[WEBHOOK_SIGNATURE_HEADER] ?? '');
        const timestamp = String(req.headers[WEBHOOK_TIMESTAMP_HEADER] ?? '');
        const signatureOk = this.secret !== '' && verifyWebhookSignature(this.secret, timestamp, body, signature);
        const failures = this.failuresFor.get(key) ?? 0;
        if (this.failNext > 0 || failures > 0) {
          if (failures > 0) this.failuresFor.set(key, failures - 1);
          else this.failNext--;
          this.requests.push({ key, body, headers: req.headers, signatureOk, processed: false });
          res.writeHead(503).end();
          return;
        }
        const first = !this.processed.has(key);
        if (first) this.processed.set(key, 1);
        this.requests.push({ key, body, headers: req.headers, signatureOk, processed: first });
        const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        if (this.delayMs > 0) setTimeout(answer, this.delayMs);
        else answer();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.portNumber = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
