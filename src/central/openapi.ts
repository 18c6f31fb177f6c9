/**
 * The central API's OpenAPI document, generated from the zod schemas each route declares (the schemas in src/shared
 * that also validate its requests): `/api/docs` (Swagger UI) and `/api/docs/json` (the document). Runs in Node.
 *
 * The document holds no data, only the API's shape, so it needs no authentication: an integrator of the hall's
 * 办件/叫号 system reads it before it has a key. Responses are documented, not enforced: an answer is serialized as
 * JSON, as without a schema (a timestamp from PostgreSQL is a Date until then, and a schema that drifted must not
 * turn a good answer into a 500).
 */
import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySerializerCompiler } from 'fastify';
import { createJsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { zodValidatorCompiler } from '../common/http.js';
import { DEVICE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../shared/device-auth.js';
import { CSRF_HEADER } from './accounts/auth.js';
import { SESSION_COOKIE } from './accounts/sessions.js';
import { OPENAPI_TAGS } from './openapi-docs.js';

export const DOCS_PREFIX = '/api/docs';

/** The release the document describes, from package.json (two levels above both src/central and dist/central). */
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const fromZod = createJsonSchemaTransform({ skipList: [] });

/** Answers are JSON.stringify'd as without a schema: see the file's comment. */
const documentedOnly: FastifySerializerCompiler<unknown> = () => (data) => JSON.stringify(data);

/**
 * Installs the zod compilers and registers the document and its page. Call before any route is declared: the
 * document is made of the routes declared after it.
 */
export function registerOpenApi(app: FastifyInstance): void {
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(documentedOnly);
  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'HCP central system (好差评 中心系统)',
        description:
          'The admin API (the console is its first client), the accounts’ sessions and the device API of the ' +
          'kiosks. Generated from the zod schemas in src/shared that validate each request. Errors are ' +
          '`{ error, message }` with a 4xx for anything the caller did.',
        version: VERSION,
      },
      tags: [...OPENAPI_TAGS],
      components: {
        securitySchemes: {
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: SESSION_COOKIE,
            description: 'The session cookie set by POST /api/v1/auth/login (HttpOnly, SameSite=Strict).',
          },
          csrf: {
            type: 'apiKey',
            in: 'header',
            name: CSRF_HEADER,
            description: 'With a session, every state-changing request carries the csrfToken of login or /auth/me.',
          },
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description:
              'An API key (hcpk_…), created by an admin or `hcp central apikey add`, scoped to a role; for one ' +
              'release the static admin token is accepted here too (as the admin key legacy-admin-token).',
          },
          deviceId: { type: 'apiKey', in: 'header', name: DEVICE_HEADER, description: 'The enrolled device’s id.' },
          deviceTimestamp: {
            type: 'apiKey',
            in: 'header',
            name: TIMESTAMP_HEADER,
            description: 'When the request was signed (a few minutes’ skew at most).',
          },
          deviceSignature: {
            type: 'apiKey',
            in: 'header',
            name: SIGNATURE_HEADER,
            description: 'Ed25519 signature of the method, path, timestamp and the exact body bytes (device-auth.ts).',
          },
        },
      },
    },
    transform: (input) => {
      const out = fromZod(input);
      // A read needs no CSRF token: the requirement a route declares once is narrowed for its GETs.
      const security = (out.schema as { security?: Record<string, string[]>[] } | undefined)?.security;
      if (security && [input.route.method].flat().every((m) => m === 'GET' || m === 'HEAD')) {
        (out.schema as { security?: Record<string, string[]>[] }).security = security.map((requirement) =>
          Object.fromEntries(Object.entries(requirement).filter(([scheme]) => scheme !== 'csrf')),
        );
      }
      return out;
    },
    transformObject: jsonSchemaTransformObject,
  });
  void app.register(async (docs) => {
    // Helmet's CSP serves the page as it is (its scripts and styles are files of its own origin), but for one
    // directive: `upgrade-insecure-requests` makes a browser fetch every file of a page reached over plain HTTP at a
    // hall address (not loopback) over https, where the centre is not listening, and the page stays blank. Dropped
    // for these answers only, and only when the request did not come over TLS (docs/security.md).
    docs.addHook('onSend', async (request, reply, payload) => {
      const csp = reply.getHeader('content-security-policy');
      if (request.protocol === 'http' && typeof csp === 'string') {
        reply.header('content-security-policy', withoutUpgrade(csp));
      }
      return payload;
    });
    await docs.register(swaggerUi, {
      routePrefix: DOCS_PREFIX,
      // No request leaves the hall's network for a badge.
      validatorUrl: false,
      theme: { title: 'HCP 中心系统 API' },
      uiConfig: { deepLinking: true, docExpansion: 'list' },
    });
  });
}

/** A CSP without its `upgrade-insecure-requests` directive. */
export const withoutUpgrade = (csp: string): string =>
  csp
    .split(';')
    .filter((directive) => directive.trim() !== 'upgrade-insecure-requests')
    .join(';');
