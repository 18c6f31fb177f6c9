/** Sending an .xlsx to the centre's import routes: the file's bytes as the body (api.ts `postBytes`). Runs in the browser. */
import { XLSX_CONTENT_TYPE, type ImportKind, type ImportReport } from '../../../shared/excel.js';
import { postBytes, withQuery } from '../../api.js';

export const uploadWorkbook = (kind: ImportKind, file: Blob, dryRun: boolean): Promise<ImportReport> =>
  postBytes(
    withQuery(`/api/v1/admin/imports/${kind}`, { dryRun: dryRun ? 'true' : undefined }),
    file,
    XLSX_CONTENT_TYPE,
  );
