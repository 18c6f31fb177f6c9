/**
 * What both services' HTTP APIs share: JSON errors `{ error, message, …details }` with a 4xx for anything the
 * caller did and never a stack trace, strict body parsing, and bearer-token checks. Runs in Node.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import type { ApiErrorBody } from '../shared/local-api.js';

/** An error meant for the HTTP caller. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string, details?: Record<string, unknown>): ApiErrorBody {
  return { error: code, message, ...details };
}

/**
 * Answers every error as JSON. `translate` maps a service's own errors to HttpErrors; anything else that is not a
 * framework 4xx is logged and answered 500 `internal`.
 */
export function installJsonErrors(
  app: FastifyInstance,
  options: { service: string; translate?: (error: unknown) => HttpError | undefined },
): void {
  // A body of JSON `null` is not an object, and no route takes one: refused before any route reads it as `{}`.
  app.addHook('preValidation', async (request) => {
    if (request.body === null && request.headers['content-type'] !== undefined) {
      throw new HttpError(400, 'invalid_request', 'body: a JSON object is expected, not null');
    }
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = error instanceof HttpError ? error : options.translate?.(error);
    if (known) return reply.code(known.status).send(errorBody(known.code, known.message, known.details));
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send(errorBody(frameworkCode(status, error.code), error.message));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(errorBody('internal', `the ${options.service} failed; see its log`));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody('not_found', `no route ${request.method} ${request.url}`)),
  );
  // JSON only: a text/plain body is refused as 415 rather than parsed as a string.
  app.removeContentTypeParser('text/plain');
}

function frameworkCode(status: number, code: string | undefined): string {
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'invalid_json';
  if (status === 400) return 'invalid_request';
  return `http_${status}`;
}

/**
 * A request's body as its schema reads it: no body at all (which Fastify gives as undefined or null) is `{}`, for
 * the routes that take none. A JSON `null` sent as the body never gets here: `installJsonErrors` refuses it.
 */
const bodyOf = (body: unknown) => body ?? {};

/** Parses a body (or query) against a strict schema; a mismatch is a 400 `invalid_request` naming the first problem. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(bodyOf(body));
  if (result.success) return result.data;
  throw invalidRequest(result.error, 'body');
}

/** The 400 of a mismatch: the first problem, named by its field (`root` when it is the whole body or query). */
function invalidRequest(error: z.ZodError, root: string): HttpError {
  const issue = error.issues[0]!;
  const where = issue.path.length > 0 ? issue.path.join('.') : root;
  return new HttpError(400, 'invalid_request', `${where}: ${issue.message}`);
}

const notFoundMessages = new WeakMap<z.ZodType, string>();

/**
 * Marks a route's params schema: a path that does not fit it names nothing, so it is answered 404 `not_found` with
 * this message (as a lookup of an id no row can have), not 400.
 */
export function pathParams<S extends z.ZodType>(schema: S, notFound: string): S {
  notFoundMessages.set(schema, notFound);
  return schema;
}

/**
 * Fastify's validator compiler for routes that declare zod schemas (their params, querystring, body): the same
 * answers as parseBody — a 400 `invalid_request` naming the first field at fault, a missing body read as `{}` (a JSON `null` is refused before, by installJsonErrors) — and
 * a params mismatch a 404 (pathParams). Any other kind of schema is refused when the route is declared: one
 * validator, one error shape.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, method, url, httpPart }) => {
  if (!(schema instanceof z.ZodType)) {
    throw new Error(`${method} ${url}: its ${httpPart ?? 'request'} schema must be a zod schema`);
  }
  const root = httpPart === 'querystring' ? 'query' : (httpPart ?? 'body');
  return (data: unknown) => {
    const result = schema.safeParse(httpPart === 'body' ? bodyOf(data) : data);
    if (result.success) return { value: result.data };
    if (httpPart === 'params') {
      return { error: new HttpError(404, 'not_found', notFoundMessages.get(schema) ?? 'no such entry') };
    }
    return { error: invalidRequest(result.error, root) };
  };
};

/** An onRequest hook that refuses any request without `Authorization: Bearer <token>`. */
export function requireBearer(token: string) {
  const expected = Buffer.from(`Bearer ${token}`);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return reply.code(401).send(errorBody('unauthorized', 'a valid Authorization: Bearer token is required'));
    }
  };
}
