/**
 * The browser host: the built screens (dist/renderer) at `/`, `/staff` and `/tech`, and the UI contract over a
 * WebSocket at `/ui` for screens that prove their role (src/shared/screen-pairing.ts). Both the socket and the
 * pairing route answer only the kiosk's own origin: the Host header must name an address the kiosk serves (no DNS
 * rebinding) and the Origin header must be that same `http://host:port` (no page of another site, no request
 * without one). The role comes from the screen's token, never from the URL. Refusals are logged, never a token.
 * Runs in Node.
 */
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import {
  PAIR_PATH,
  PairRequest,
  SCREEN_UNPAIRED_CLOSE,
  TOKEN_PROTOCOL_PREFIX,
  UI_SOCKET_PATH,
  UI_WS_PROTOCOL,
  type PairResponse,
  type ScreenHello,
} from '../../shared/screen-pairing.js';
import { HttpError, parseBody } from '../../common/http.js';
import type { Logger } from '../../common/logger.js';
import { serveUiChannel, type MessageTransport, type UiHost } from '../host/ui-channel.js';
import { ScreenPairingError, type ScreenPairings } from '../screen-pairing.js';

export interface BrowserHostOptions extends Omit<UiHost, 'pairing'> {
  /** The paired screens: every socket must present one's token. */
  pairing: ScreenPairings;
  /** The built screens; dist/renderer by default. */
  staticDir?: string;
}

/** The built screens (`npm run build:ui`): dist/renderer at the package root, seen from src/ and dist/ alike. */
export const RENDERER_DIR = fileURLToPath(new URL('../../../dist/renderer/', import.meta.url));

/** The host names this kiosk answers to: loopback, and the bound address (every interface's for a wildcard). */
export function ownHostnames(bindHost: string): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
  const bracket = (address: string) => (isIP(address) === 6 ? `[${address}]` : address);
  if (bindHost === '0.0.0.0' || bindHost === '::') {
    for (const addresses of Object.values(networkInterfaces())) {
      for (const a of addresses ?? []) names.add(bracket(a.address));
    }
  } else {
    names.add(bracket(bindHost));
  }
  return names;
}

/** The screen token a socket offers as its `hcp-token.<token>` subprotocol. */
export function tokenFromProtocols(header: string | undefined): string | undefined {
  for (const offered of (header ?? '').split(',')) {
    const p = offered.trim();
    if (p.startsWith(TOKEN_PROTOCOL_PREFIX)) return p.slice(TOKEN_PROTOCOL_PREFIX.length);
  }
  return undefined;
}

/**
 * Serves the browser host on `app`: the pairing route, the UI channel's WebSocket (own origin and a valid screen
 * token only; the socket's first message is a ScreenHello naming the token's role) and the built screens.
 * `bindHost` is the address the server listens on, from which the kiosk's own host names follow (ownHostnames).
 * Call before `app.listen`.
 */
export function serveBrowserHost(app: FastifyInstance, bindHost: string, ui: BrowserHostOptions, log: Logger): void {
  const { pairing } = ui;
  const hostLog = log.child({ module: 'browser-host' });
  const hostnames = ownHostnames(bindHost);
  const port = () => {
    const address = app.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  };

  /** Refuses (403) a request whose Host or Origin is not the kiosk's own. */
  const ownOriginOnly = async (request: FastifyRequest, reply: FastifyReply) => {
    const own = [...hostnames].map((name) => `${name}:${port()}`);
    const host = request.headers.host ?? '';
    const origin = request.headers.origin;
    if (own.includes(host) && origin !== undefined && own.some((h) => origin === `http://${h}`)) return;
    hostLog.warn(
      { origin: origin ?? null, host, path: request.url.split('?')[0] },
      'refused a request from another origin',
    );
    return reply
      .code(403)
      .send({ error: 'forbidden_origin', message: 'the screens are served to the kiosk’s own origin only' });
  };

  // Each paired screen's open sockets, closed at once when it is revoked.
  const sockets = new Map<string, Set<WebSocket>>();
  pairing.onRevoked((id) => {
    for (const socket of sockets.get(id) ?? []) socket.close(SCREEN_UNPAIRED_CLOSE, 'revoked');
  });

  // @fastify/websocket runs an upgrade through the hooks against a response it ties to the raw socket by hand,
  // outside the HTTP server's bookkeeping: an upgrade a hook refuses (another origin, no bearer token) would keep
  // its socket open, the server's close would wait for it, and a hostile page could open them until the kiosk runs
  // out of file descriptors. The socket of a refused upgrade is ended once its refusal is written.
  app.addHook('onResponse', async (request) => {
    if (request.headers.upgrade?.toLowerCase() === 'websocket') request.raw.socket?.destroy();
  });
  void app.register(fastifyWebsocket, {
    options: {
      maxPayload: 64 * 1024,
      // The answer names the contract only: the token offered beside it is never echoed.
      handleProtocols: (offered) => (offered.has(UI_WS_PROTOCOL) ? UI_WS_PROTOCOL : false),
    },
  });
  void app.register(async (scope) => {
    scope.addHook('preValidation', ownOriginOnly);

    scope.post(PAIR_PATH, async (request, reply): Promise<PairResponse> => {
      const { code, role } = parseBody(PairRequest, request.body);
      try {
        const { token, screen } = pairing.redeem(code, role);
        void reply.header('cache-control', 'no-store');
        return { token, role: screen.role, label: screen.label };
      } catch (error) {
        if (!(error instanceof ScreenPairingError)) throw error;
        throw new HttpError(error.code === 'pairing_wrong_role' ? 409 : 403, error.code, error.message);
      }
    });

    scope.get(UI_SOCKET_PATH, { websocket: true }, (socket, request) => {
      const token = tokenFromProtocols(request.headers['sec-websocket-protocol']);
      if (token === undefined) hostLog.warn('refused a screen with no screen token');
      const screen = pairing.authenticate(token);
      if (!screen) {
        socket.close(SCREEN_UNPAIRED_CLOSE, 'this screen is not paired');
        return;
      }
      const transport: MessageTransport = {
        send: (message) => {
          if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
        },
        onMessage: (receive) => {
          const onMessage = (data: Buffer) => {
            try {
              receive(JSON.parse(data.toString('utf8')));
            } catch {
              receive(null); // not JSON: dropped by the channel's own validation
            }
          };
          socket.on('message', onMessage);
          return () => socket.off('message', onMessage);
        },
      };
      // Who this screen is, before anything else: the page shows this role's screen, whatever its URL says.
      const hello: ScreenHello = { type: 'screen', role: screen.role, label: screen.label };
      socket.send(JSON.stringify(hello));
      const channelLog = log.child({ module: 'ui-channel', role: screen.role, screen: screen.id });
      const stop = serveUiChannel(transport, ui, screen.role, channelLog);
      const uncount = pairing.connected(screen.id);
      const own = sockets.get(screen.id) ?? new Set();
      sockets.set(screen.id, own.add(socket));
      socket.on('close', () => {
        stop();
        uncount();
        own.delete(socket);
        if (own.size === 0) sockets.delete(screen.id);
      });
    });
  });

  const root = ui.staticDir ?? RENDERER_DIR;
  if (!existsSync(join(root, 'index.html'))) {
    hostLog.warn({ root }, 'the screens are not built (npm run build:ui): serving the API only');
    return;
  }
  void app.register(fastifyStatic, { root, prefix: '/', wildcard: false, index: 'index.html' });
  // The staff panel and technician mode are routes of the same single-page app.
  for (const route of ['/staff', '/tech']) app.get(route, (_request, reply) => reply.sendFile('index.html'));
}
