/**
 * PostgreSQL refusals that input can still cause after validation (a value out of the server's range, a text it
 * cannot hold, a row that already exists, a reference to nothing): the caller's 4xx, never a 500. Routes validate
 * first (schemas in src/shared); this is the net under them. Errors of every other class stay 500s. Runs in Node.
 */
import { HttpError } from '../common/http.js';

/** SQLSTATE → the caller's error, for classes 22 (data exception) and 23 (integrity constraint violation). */
export function postgresInputError(error: unknown): HttpError | undefined {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !/^2[23][0-9A-Z]{3}$/.test(code)) return undefined;
  if (code === '23505') return new HttpError(409, 'already_exists', 'that entry exists already');
  if (code === '23503') return new HttpError(409, 'unknown_reference', 'a referenced entry does not exist');
  if (code.startsWith('23')) return new HttpError(409, 'conflict', 'the request conflicts with what is stored');
  // 22P02 invalid text representation, 22007/22008 bad or out-of-range date-time, 22021 a byte UTF-8 cannot hold…
  return new HttpError(400, 'invalid_request', 'a value in the request is out of range or malformed');
}
