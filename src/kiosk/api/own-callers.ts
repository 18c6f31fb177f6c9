/**
 * Who may call the kiosk's local API at all. The API sits on loopback, where every program on the PC and every web
 * page in its browsers can reach it, so two checks run before any route:
 * - a request that carries an `Origin` header came from a web page; unless that page is the kiosk's own, it is
 *   refused (the hall's business and queue systems are programs, and send none). No other site's page can log
 *   staff in or out, open or cancel an invitation, or read the status.
 * - without an API token, the `Host` header must name an address the kiosk serves: a page on a name the attacker
 *   controls that resolves to 127.0.0.1 (DNS rebinding) is refused even though its requests reach the port. With a
 *   token the token decides, so the hall's systems may use any name for the kiosk.
 * Refusals answer 403 and are logged without the request's body. Runs in Node.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../common/logger.js';

export interface OwnCallersOptions {
  /** The host names the kiosk answers to (ownHostnames in browser-host.ts): loopback and the bound address. */
  hostnames: ReadonlySet<string>;
  /** The port the API listens on (0 while not listening, as under `inject`). */
  port: () => number;
  /** Set when the API has a bearer token: then any Host is accepted. */
  tokenRequired: boolean;
  log: Logger;
}

/** The host name of a Host header: `127.0.0.1:8710` → `127.0.0.1`, `[::1]:8710` → `[::1]`. */
export function hostnameOf(hostHeader: string): string {
  if (hostHeader.startsWith('[')) {
    const end = hostHeader.indexOf(']');
    return end < 0 ? hostHeader : hostHeader.slice(0, end + 1);
  }
  const colon = hostHeader.indexOf(':');
  return (colon < 0 ? hostHeader : hostHeader.slice(0, colon)).toLowerCase();
}

/** An `onRequest` hook that refuses pages of other origins and, without a token, hosts the kiosk is not. */
export function ownCallersOnly(options: OwnCallersOptions) {
  const { hostnames, log } = options;
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const host = request.headers.host ?? '';
    const origin = request.headers.origin;
    const path = request.url.split('?')[0];
    if (!options.tokenRequired && !hostnames.has(hostnameOf(host))) {
      log.warn({ host, path }, 'refused a request for a host this kiosk is not (DNS rebinding?)');
      await reply.code(403).send({ error: 'forbidden_host', message: 'this kiosk answers to its own addresses only' });
      return;
    }
    if (origin !== undefined && !isOwnOrigin(origin, hostnames, options.port())) {
      log.warn({ origin, host, path }, 'refused a request from a web page of another origin');
      await reply
        .code(403)
        .send({ error: 'forbidden_origin', message: 'web pages of other sites may not use the kiosk’s API' });
    }
  };
}

function isOwnOrigin(origin: string, hostnames: ReadonlySet<string>, port: number): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // includes the `null` origin of sandboxed frames and file:// pages
  }
  if (url.protocol !== 'http:' || !hostnames.has(url.hostname.toLowerCase())) return false;
  return port === 0 || url.port === String(port);
}
