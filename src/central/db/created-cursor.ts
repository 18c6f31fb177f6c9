/**
 * The keyset cursor of a list ordered by (created_at, id), newest first (差评工单, 意见箱): opaque to callers, and a
 * cursor this API did not give out is a 400, never a query. Runs in Node.
 */
import { HttpError } from '../../common/http.js';
import { isUuid } from '../../shared/ids.js';

export const encodeCreatedCursor = (createdAt: string, id: string) =>
  Buffer.from(`${createdAt}|${id}`).toString('base64url');

export function decodeCreatedCursor(cursor: string): [createdAt: string, id: string] {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!at || !id || Number.isNaN(Date.parse(at)) || !isUuid(id)) {
    throw new HttpError(400, 'invalid_request', 'cursor: not a cursor this API gave out');
  }
  return [at, id];
}
