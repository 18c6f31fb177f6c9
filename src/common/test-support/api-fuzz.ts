/**
 * What the API fuzz tests of both services share (src/central/central-api.fuzz.test.ts,
 * src/kiosk/api/local-api.fuzz.test.ts): every route of a Fastify app, read from its route table so that a new
 * route is fuzzed without anyone listing it; hostile values; valid bodies mutated into invalid ones; and
 * requests built from them for `app.inject`. Seeded and bounded: a failure is the same on every run.
 */
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';

export interface Route {
  method: string;
  url: string;
}

/**
 * Every route of a ready app, from Fastify's own route table (`printRoutes`), so that a route added to an API is
 * fuzzed without anyone listing it. HEAD routes Fastify adds for each GET are left out: they run the GET's handler,
 * and so are the routes under `leaveOut` (the central's /api/docs: static files and a document, no input, and a
 * wildcard the route table prints without its parent's prefix).
 */
export function listRoutes(app: FastifyInstance, leaveOut: readonly string[] = []): Route[] {
  const routes: Route[] = [];
  // A child's line holds the rest of its path after its parent's, one level (4 characters) deeper.
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?\s*$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const url = (depth > 0 ? stack[depth - 1]! : '') + match[2]!;
    stack.length = depth;
    stack.push(url);
    for (const method of match[3]?.split(', ') ?? []) {
      if (method === 'HEAD' || leaveOut.some((prefix) => url.startsWith(prefix))) continue;
      // The tree is read as text: check each route against the router itself.
      if (!app.hasRoute({ method, url })) throw new Error(`read a route that is not there: ${method} ${url}`);
      routes.push({ method, url });
    }
  }
  return routes;
}

/** Strings that have broken parsers, databases and handlers before. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '------------------------------------',
  '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-7FFF-BFFF-FFFFFFFFFFFF',
  "' OR '1'='1",
  "x'); DROP TABLE records;--",
  '../../../../etc/passwd',
  '%00',
  '%ff%fe',
  '\uD800',
  '\uFEFF',
  '好差评',
  '🙂'.repeat(40),
  'x'.repeat(300),
  '2026-02-31',
  '2026-02-29',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '275760-09-13T00:00:00Z',
  '1e309',
  '-0',
  'NaN',
  '__proto__',
  'constructor',
  'prototype',
  '{"__proto__":{"admin":true}}',
  '\r\nX-Injected: yes',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  'true',
  'null',
];

const HOSTILE_NUMBERS = [-1, 0, 1, 5, 6, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 1.5, -1e308, 1e308, 32768, 65536];

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 2, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constant([]) },
  { weight: 1, arbitrary: fc.constant({}) },
);

type Json = unknown;

/** Every path into a JSON value (objects and arrays), the root included. */
function pathsOf(value: Json, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...path, i], out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...path, k], out);
  }
  return out;
}

interface Mutation {
  at: number;
  op: 'replace' | 'delete' | 'add';
  key: string;
  value: unknown;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('replace', 'replace', 'replace', 'delete', 'add'),
  key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'extra', 'id', 'kind'), fc.string({ maxLength: 8 })),
  value: hostileValue,
});

function apply(template: Json, mutations: Mutation[]): Json {
  let value = structuredClone(template);
  for (const one of mutations) {
    // A generated value may be one shared object (fc.constant): each use gets its own copy, or the tree would cycle.
    const m = { ...one, value: structuredClone(one.value) };
    const paths = pathsOf(value);
    const path = paths[m.at % paths.length]!;
    if (path.length === 0) {
      if (m.op === 'replace') value = m.value;
      else if (m.op === 'add' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
        Object.defineProperty(value, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      }
      continue;
    }
    const parent = path.slice(0, -1).reduce<Json>((v, k) => (v as Record<string | number, Json>)[k], value) as Record<
      string | number,
      Json
    >;
    const last = path.at(-1)!;
    if (m.op === 'replace') parent[last] = m.value;
    else if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else {
      const target = parent[last];
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
        Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      } else parent[last] = m.value;
    }
  }
  return value;
}

/** A valid value as it is (now and then), or with one to three hostile changes. */
export function mutated(template: fc.Arbitrary<Json>): fc.Arbitrary<Json> {
  return fc
    .tuple(template, fc.array(mutation, { minLength: 0, maxLength: 3 }))
    .map(([t, mutations]) => apply(t, mutations));
}

/** What goes on the wire as a body: its bytes and content type (none for none). */
export interface Body {
  bytes: Buffer | undefined;
  contentType: string | undefined;
}

const RAW_BODIES = [
  '{',
  '{"a":',
  '[]',
  '""',
  'null',
  '0',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '\u0000',
  '\uFEFF{}',
  '{"a":1,"a":2}',
  '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]',
  '{"records":' + '['.repeat(5000) + ']'.repeat(5000) + '}',
];

/**
 * A body for a route: mostly its valid template mutated, as JSON; else any JSON, raw broken bytes, a wrong content
 * type, nothing, or (rarely) one larger than `oversize` bytes.
 */
export function bodyFor(template: fc.Arbitrary<Json>, oversize: number): fc.Arbitrary<Body> {
  const json = (value: Json): Body => ({
    bytes: Buffer.from(JSON.stringify(value) ?? 'null'),
    contentType: 'application/json',
  });
  return fc.oneof(
    { weight: 12, arbitrary: mutated(template).map(json) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(json) },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(...RAW_BODIES)
        .map((s) => ({ bytes: Buffer.from(s), contentType: 'application/json' })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          mutated(template),
          fc.constantFrom(
            'text/plain',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/json; charset=utf-16',
            'application/jsonx',
          ),
        )
        .map(([v, contentType]) => ({ bytes: Buffer.from(JSON.stringify(v) ?? ''), contentType })),
    },
    { weight: 1, arbitrary: fc.constant<Body>({ bytes: undefined, contentType: undefined }) },
    { weight: 1, arbitrary: fc.constant<Body>({ bytes: Buffer.alloc(0), contentType: 'application/json' }) },
    {
      weight: 1,
      arbitrary: fc.constant<Body>({
        bytes: Buffer.from(JSON.stringify({ padding: 'x'.repeat(oversize) })),
        contentType: 'application/json',
      }),
    },
  );
}

/** Percent-encodes the UTF-8 bytes of `s` (a lone surrogate, which encodeURIComponent throws on, becomes U+FFFD). */
export function pct(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A value for a path parameter: a valid one (so the handler runs), a hostile one, or any string; URL-encoded. */
export function paramValue(valid: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...valid).map(pct) },
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS.filter(Boolean)).map(pct) },
    { weight: 1, arbitrary: fc.constantFrom('%00', '%ff', '%2e%2e%2f', '..', '%', '%zz', 'a%2Fb') },
    { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 60 }).map(pct) },
  );
}

/** `url` with each `:param` filled in. */
export function fillParams(url: string, values: string[]): string {
  let i = 0;
  return url.replace(/:[A-Za-z]+/g, () => values[i++ % Math.max(1, values.length)] ?? 'x');
}

/** A query string: mostly the route's valid query mutated, else raw hostile ones. */
export function queryFor(template: fc.Arbitrary<Record<string, string>>): fc.Arbitrary<string> {
  const encode = (value: Json) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return `q=${pct(String(value))}`;
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(value)) {
      for (const one of [v].flat()) params.append(k, typeof one === 'string' ? one : JSON.stringify(one));
    }
    return params.toString();
  };
  return fc.oneof(
    { weight: 6, arbitrary: mutated(template).map(encode) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        '&&&',
        '=',
        'a=%ff',
        'day[]=1',
        'day=1&day=2',
        '__proto__[x]=1',
        'limit=1e9',
        'a=' + 'b'.repeat(5000),
      ),
    },
  );
}

export interface FuzzRequest extends InjectOptions {
  method: NonNullable<InjectOptions['method']>;
  url: string;
}

/** Counts answers per route and status, for the test's summary and its check that every route was reached. */
export class FuzzTally {
  readonly perRoute = new Map<string, number>();
  readonly perStatus = new Map<number, number>();
  total = 0;

  add(route: Route, status: number): void {
    const key = `${route.method} ${route.url}`;
    this.perRoute.set(key, (this.perRoute.get(key) ?? 0) + 1);
    this.perStatus.set(status, (this.perStatus.get(status) ?? 0) + 1);
    this.total += 1;
  }
}
