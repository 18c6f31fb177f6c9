/**
 * Integration (real PostgreSQL): the OpenAPI document at /api/docs/json is made of the routes themselves. Every /api
 * route Fastify registers is in it with its request schemas, tag and summary; it is a well-formed OpenAPI 3.1
 * document; the page and the document need no authentication. A request the route's schema refuses answers our
 * 400 `invalid_request` naming the field (never Fastify's shape), and authentication still comes before validation.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sealer } from '../common/data-key.js';
import { tempDir } from '../common/test-support/temp-dir.js';
import { OPENAPI_TAGS } from './openapi-docs.js';
import { buildCentralApi } from './server.js';
import { CentralSigningKey } from './signing-key.js';
import { ADMIN_TOKEN, batch, evaluation, startHarness, type Harness } from './test-support/api-harness.js';

interface Operation {
  tags?: string[];
  summary?: string;
  parameters?: { in: string; name: string; required?: boolean; schema?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, unknown>;
  security?: Record<string, string[]>[];
}
interface Document {
  openapi: string;
  info: { title: string; version: string };
  tags: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown>; schemas?: Record<string, unknown> };
}
interface Registered {
  method: string;
  url: string;
  schema: { body?: unknown; querystring?: unknown; params?: unknown; hide?: boolean } | undefined;
}

/** Deliberately not in the document: the documentation itself (its page, static files, the document). */
const LEFT_OUT = /^\/api\/docs(\/|$)/;
const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** `/a/:id/b` → `/a/{id}/b`, as @fastify/swagger writes a path. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('the OpenAPI document', () => {
  let h: Harness;
  let app: FastifyInstance;
  let doc: Document;
  const registered: Registered[] = [];

  beforeAll(async () => {
    h = await startHarness();
    // A second app on the same database, watched from before its routes are declared.
    const dir = tempDir('hcp-openapi-');
    app = buildCentralApi({
      db: h.db,
      adminToken: ADMIN_TOKEN,
      sealer: Sealer.fromFile(join(dir.path, 'data.key')),
      signingKey: CentralSigningKey.generate(),
    });
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        registered.push({ method, url: route.url, schema: route.schema });
      }
    });
    await app.ready();
    const res = await app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    doc = res.json<Document>();
  });
  afterAll(async () => {
    await app?.close();
    await h?.close();
  });

  it('holds every /api route Fastify registered, with its tag, summary and request schemas', () => {
    const api = registered.filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD');
    const documented = api.filter((r) => !LEFT_OUT.test(r.url));
    // The admin API, the sessions, enrolment and the device API are all there (a route list that lost a scope fails).
    expect(documented.length).toBeGreaterThanOrEqual(40);
    const problems: string[] = [];
    for (const route of documented) {
      const name = `${route.method} ${route.url}`;
      const op = doc.paths[openApiPath(route.url)]?.[route.method.toLowerCase()];
      if (!op) {
        problems.push(`${name}: not in the document`);
        continue;
      }
      if (!op.summary) problems.push(`${name}: no summary`);
      if (op.tags?.length !== 1) problems.push(`${name}: not one tag`);
      const where = (place: string) => (op.parameters ?? []).filter((p) => p.in === place);
      // JSON, or for the Excel imports the .xlsx content type.
      if (route.schema?.body && !Object.values(op.requestBody?.content ?? {}).some((c) => c.schema)) {
        problems.push(`${name}: its body schema is not documented`);
      }
      if (route.schema?.querystring && where('query').length === 0) {
        problems.push(`${name}: its query schema is not documented`);
      }
      // Every path parameter is declared by a schema, documented as required.
      const pathParams = [...route.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
      if (pathParams.length > 0 && !route.schema?.params) problems.push(`${name}: its path has no params schema`);
      for (const param of pathParams) {
        if (!where('path').some((p) => p.name === param && p.required)) problems.push(`${name}: {${param}} missing`);
      }
      // A route that takes a body declares its schema (the document would not say what to send).
      if ((route.method === 'POST' || route.method === 'PATCH') && !route.schema?.body && !BODYLESS.has(name)) {
        problems.push(`${name}: takes a body with no schema`);
      }
    }
    expect(problems).toEqual([]);
    // What is left out is the documentation itself, and it is marked hidden.
    const hidden = api.filter((r) => LEFT_OUT.test(r.url));
    expect(hidden.map((r) => r.url)).toContain('/api/docs/json');
    expect(hidden.every((r) => r.schema?.hide === true)).toBe(true);
    expect(Object.keys(doc.paths).filter((p) => LEFT_OUT.test(p))).toEqual([]);
  });

  it('is a well-formed OpenAPI 3.1 document: operations, parameters, tags, security schemes and references resolve', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toMatch(/HCP/);
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
    const tags = new Set(doc.tags.map((t) => t.name));
    expect([...tags]).toEqual(OPENAPI_TAGS.map((t) => t.name));
    const schemes = new Set(Object.keys(doc.components.securitySchemes));
    expect([...schemes].sort()).toEqual([
      'apiKey',
      'csrf',
      'deviceId',
      'deviceSignature',
      'deviceTimestamp',
      'session',
    ]);
    const problems: string[] = [];
    const refs: string[] = [];
    JSON.stringify(doc, (key, value: unknown) => {
      if (key === '$ref' && typeof value === 'string') refs.push(value);
      return value;
    });
    for (const ref of refs) {
      const target = ref.replace(/^#\//, '').split('/');
      let at: unknown = doc;
      for (const part of target) at = (at as Record<string, unknown> | undefined)?.[part];
      if (!ref.startsWith('#/') || at === undefined) problems.push(`unresolved $ref ${ref}`);
    }
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/')) problems.push(`${path}: not under /api/`);
      for (const [method, op] of Object.entries(item)) {
        const name = `${method} ${path}`;
        if (!HTTP_METHODS.has(method)) problems.push(`${name}: not an HTTP method`);
        if (!op.responses || Object.keys(op.responses).length === 0) problems.push(`${name}: no responses`);
        for (const tag of op.tags ?? []) if (!tags.has(tag)) problems.push(`${name}: undeclared tag ${tag}`);
        for (const requirement of op.security ?? []) {
          for (const scheme of Object.keys(requirement)) {
            if (!schemes.has(scheme)) problems.push(`${name}: unknown security scheme ${scheme}`);
          }
        }
        const seen = new Set<string>();
        for (const p of op.parameters ?? []) {
          if (!['path', 'query', 'header', 'cookie'].includes(p.in)) problems.push(`${name}: parameter in ${p.in}`);
          if (seen.has(`${p.in}:${p.name}`)) problems.push(`${name}: ${p.name} twice`);
          seen.add(`${p.in}:${p.name}`);
          if (p.schema === undefined) problems.push(`${name}: ${p.name} has no schema`);
          if (p.in === 'path' && (!p.required || !path.includes(`{${p.name}}`))) {
            problems.push(`${name}: path parameter ${p.name} not required or not in the path`);
          }
        }
        for (const segment of path.matchAll(/\{([^}]+)\}/g)) {
          if (!(op.parameters ?? []).some((p) => p.in === 'path' && p.name === segment[1])) {
            problems.push(`${name}: {${segment[1]}} undeclared`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('documents the schemas the routes validate with: strict bodies, required fields, the query’s coerced numbers', () => {
    const body = (path: string, method: string) =>
      doc.paths[path]![method]!.requestBody!.content!['application/json']!.schema as {
        required?: string[];
        additionalProperties?: unknown;
        properties: Record<string, unknown>;
      };
    const department = body('/api/v1/admin/departments', 'post');
    expect(department).toMatchObject({ required: ['code', 'name'], additionalProperties: false });
    const login = body('/api/v1/auth/login', 'post');
    expect(Object.keys(login.properties)).toEqual(['username', 'password']);
    const limit = doc.paths['/api/v1/admin/evaluations']!.get!.parameters!.find((p) => p.name === 'limit');
    expect(limit).toMatchObject({ in: 'query', schema: { type: 'integer', maximum: 1000 } });
    // The Excel files, in and out, by their content type.
    const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const exported = doc.paths['/api/v1/admin/audit/export.xlsx']!.get!.responses!['200'] as {
      content: Record<string, unknown>;
    };
    expect(Object.keys(exported.content)).toEqual([xlsx]);
    expect(Object.keys(doc.paths['/api/v1/admin/imports/staff']!.post!.requestBody!.content!)).toEqual([xlsx]);
    // A change with a session needs the CSRF header; a read does not.
    expect(doc.paths['/api/v1/admin/accounts']!.post!.security).toEqual([{ session: [], csrf: [] }, { apiKey: [] }]);
    expect(doc.paths['/api/v1/admin/accounts']!.get!.security).toEqual([{ session: [] }, { apiKey: [] }]);
    expect(doc.paths['/api/v1/health']!.get!.security).toBeUndefined();
    expect(doc.paths['/api/v1/device/records']!.post!.security).toEqual([
      { deviceId: [], deviceTimestamp: [], deviceSignature: [] },
    ]);
  });

  it('serves the page and the document with no authentication, the page as HTML', async () => {
    const page = await app.inject({ method: 'GET', url: '/api/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('swagger-ui');
    const json = await app.inject({ method: 'GET', url: '/api/docs/json' });
    expect([json.statusCode, json.headers['content-type']]).toEqual([200, 'application/json; charset=utf-8']);
  });
});

describe('the one definition of a request', () => {
  it('is the route’s schema: no route module of the centre parses a body or query by hand (parseBody)', () => {
    const dir = import.meta.dirname;
    const byHand = readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.includes('test-support'))
      .filter((file) => /\bparseBody\(/.test(readFileSync(join(dir, file), 'utf8')));
    expect(byHand).toEqual([]);
  });
});

/** POST routes that take no body: the action is in the path. */
const BODYLESS = new Set([
  'POST /api/v1/admin/devices/:id/revoke',
  'POST /api/v1/admin/api-keys/:id/revoke',
  'POST /api/v1/admin/accounts/:id/reset-password',
  'POST /api/v1/auth/logout',
]);

describe('a request the route’s schema refuses', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('answers our 400 invalid_request naming the field, not Fastify’s own shape', async () => {
    const res = await h.admin('POST', '/departments', { code: 'X1', name: '' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'invalid_request', message: expect.stringMatching(/^name: /) as unknown });
    const unknown = await h.admin('POST', '/departments', { code: 'X1', name: 'x', extra: 1 });
    expect(unknown.json()).toEqual({ error: 'invalid_request', message: expect.stringMatching(/extra/) as unknown });
    const query = await h.admin('GET', '/evaluations?limit=0');
    expect(query.json()).toEqual({ error: 'invalid_request', message: expect.stringMatching(/^limit: /) as unknown });
  });

  it('reads a missing body as {} as before: an empty settings patch changes nothing and answers {}', async () => {
    const res = await h.admin('PATCH', '/settings');
    expect([res.statusCode, res.json()]).toEqual([200, {}]);
  });

  it('refuses a body of JSON null, which the strict bodies never read as {}', async () => {
    for (const [method, url] of [
      ['PATCH', '/api/v1/admin/settings'],
      ['POST', '/api/v1/admin/departments'],
      ['POST', '/api/v1/suggestions'],
    ] as const) {
      const res = await h.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        payload: 'null',
      });
      expect([res.statusCode, res.json<{ error: string }>().error], url).toEqual([400, 'invalid_request']);
    }
  });

  it('answers a path parameter no row can have with 404 not_found', async () => {
    const res = await h.admin('PATCH', '/accounts/not-a-uuid', { displayName: 'x' });
    expect([res.statusCode, res.json()]).toEqual([404, { error: 'not_found', message: 'no such account' }]);
  });

  it('authenticates a device before validating its body: an unsigned, invalid batch answers 401, not 400', async () => {
    const invalid = Buffer.from(JSON.stringify({ records: 'not a batch' }));
    const signed = h.kiosk.identity.sign(h.kiosk.id, 'POST', '/api/v1/device/records', invalid);
    // The headers of a real kiosk, the signature of other bytes.
    const forged = h.kiosk.identity.sign(h.kiosk.id, 'POST', '/api/v1/device/records', Buffer.from('{}'));
    const unsigned = await h.app.inject({
      method: 'POST',
      url: '/api/v1/device/records',
      headers: { ...forged, 'content-type': 'application/json' },
      payload: invalid,
    });
    expect([unsigned.statusCode, unsigned.json<{ error: string }>().error]).toEqual([401, 'unauthorized']);
    const bad = await h.app.inject({
      method: 'POST',
      url: '/api/v1/device/records',
      headers: { ...signed, 'content-type': 'application/json' },
      payload: invalid,
    });
    expect([bad.statusCode, bad.json<{ error: string }>().error]).toEqual([400, 'invalid_request']);
    const good = await h.device('POST', '/api/v1/device/records', batch([evaluation()]));
    expect(good.statusCode).toBe(200);
  });

  it('checks the session before the body of a change of password: no session and an invalid body answer 401', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/auth/password', payload: { nope: true } });
    expect([res.statusCode, res.json<{ error: string }>().error]).toEqual([401, 'unauthorized']);
  });
});
