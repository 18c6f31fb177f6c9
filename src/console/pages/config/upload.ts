/**
 * Sending an .xlsx to the centre's import routes: the console's api.ts speaks JSON, an import's body is the file's
 * bytes. The session's CSRF token is read from GET /api/v1/auth/me as api.ts reads it; refusals are ApiErrors,
 * the same as every other request's. Runs in the browser.
 */
import type { SignedIn } from '../../../shared/accounts-api.js';
import { XLSX_CONTENT_TYPE, type ImportKind, type ImportReport } from '../../../shared/excel.js';
import { ApiError, CSRF_HEADER, get } from '../../api.js';

export async function uploadWorkbook(kind: ImportKind, file: Blob, dryRun: boolean): Promise<ImportReport> {
  const { csrfToken } = await get<SignedIn>('/api/v1/auth/me');
  let res: Response;
  try {
    res = await fetch(`/api/v1/admin/imports/${kind}${dryRun ? '?dryRun=true' : ''}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'content-type': XLSX_CONTENT_TYPE, [CSRF_HEADER]: csrfToken },
      body: file,
    });
  } catch (error) {
    throw new ApiError(0, 'network', (error as Error).message);
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    const { error, message, ...details } = body;
    throw new ApiError(
      res.status,
      typeof error === 'string' ? error : `http_${res.status}`,
      typeof message === 'string' ? message : res.statusText,
      details,
    );
  }
  return body as unknown as ImportReport;
}
