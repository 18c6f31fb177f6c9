/**
 * The import routes in the admin scope (ability `catalogue.write`): `POST /imports/<kind>` with the .xlsx's bytes
 * as the body (Content-Type XLSX_CONTENT_TYPE, at most IMPORT_BODY_LIMIT; `?dryRun=true` checks only), answering
 * the row-by-row ImportReport (200 whether or not it was written: `imported` says), and
 * `GET /imports/<kind>/template.xlsx`, an empty workbook with the header row. Runs in Node.
 */
import ExcelJS from 'exceljs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError } from '../../common/http.js';
import {
  IMPORT_BODY_LIMIT,
  IMPORT_COLUMNS,
  IMPORT_KINDS,
  MAX_IMPORT_ROWS,
  XLSX_CONTENT_TYPE,
  type ImportKind,
} from '../../shared/excel.js';
import { auditWithin } from '../audit/audit.routes.js';
import type { CentralDb } from '../db/database.js';
import { ADMIN_SECURITY, xlsxAnswer, xlsxBody } from '../openapi-docs.js';
import { importWorkbook } from './imports.js';

/** `?dryRun=true`: check every row, write nothing. */
export const ImportQuery = z.strictObject({ dryRun: z.enum(['true', 'false']).default('false') });
/** The body: the workbook's bytes (not JSON). */
export const ImportBody = z.instanceof(Buffer);

const SHEET_NAMES: Record<ImportKind, { sheet: string; file: string }> = {
  staff: { sheet: '人员', file: '人员导入模板' },
  'service-items': { sheet: '服务事项', file: '服务事项导入模板' },
};

const NOTES: Record<ImportKind, string[]> = {
  staff: [
    '工号：人员的工号（字母、数字和 _ . : -），已存在的工号会更新姓名和部门。',
    '姓名：最多 100 个字。',
    '部门编码：须是中心已有的部门。',
    '初始PIN：4 至 8 位数字，只在新建人员时使用；已存在的人员不会因导入而改变 PIN。',
  ],
  'service-items': [
    '事项编码：字母、数字和 _ . : -，已存在的编码会更新名称和部门。',
    '事项名称：最多 100 个字。',
    '部门编码：须是中心已有的部门。',
  ],
};

/** An empty workbook for `kind`: its header row, every column formatted as text (a PIN keeps its leading 0). */
export async function importTemplate(kind: ImportKind): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(SHEET_NAMES[kind].sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = IMPORT_COLUMNS[kind].map((c) => ({
    header: c.header,
    key: c.field,
    width: 18,
    style: { numFmt: '@' },
  }));
  sheet.getRow(1).font = { bold: true };
  const notes = workbook.addWorksheet('说明');
  notes.getColumn(1).width = 90;
  notes.addRow(['第一个工作表的第一行是表头，从第二行起每行一条；空行会被跳过。']);
  for (const line of NOTES[kind]) notes.addRow([line]);
  notes.addRow([`一个文件最多 ${MAX_IMPORT_ROWS[kind]} 行；任何一行有错误时整个文件都不会导入。`]);
  notes.addRow(['单元格请填文本或数字：日期、公式、真/假值会被当作错误。']);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** `Content-Disposition` for a download named in Chinese, with an ASCII fallback. */
export function attachment(reply: FastifyReply, ascii: string, name: string): FastifyReply {
  return reply
    .type(XLSX_CONTENT_TYPE)
    .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`);
}

/** Registers the import routes inside the admin scope; `onImported` runs after a file was written. */
export function registerImportRoutes(admin: FastifyInstance, db: CentralDb, onImported: () => void): void {
  void admin.register(async (scope) => {
    // Only these routes take a workbook; the body limit is theirs alone (the admin API's default is much smaller).
    scope.addContentTypeParser(
      XLSX_CONTENT_TYPE,
      { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT },
      (_r, body, done) => done(null, body),
    );
    const docs = { tags: ['catalogue'], security: ADMIN_SECURITY };
    for (const kind of IMPORT_KINDS) {
      const upload = {
        ...docs,
        summary: `Import ${kind} from an .xlsx file (Excel 导入): all rows or none, a row-by-row report`,
        querystring: ImportQuery,
        consumes: [XLSX_CONTENT_TYPE],
        body: xlsxBody('the workbook, as the template has it'),
      };
      const route = scope.withTypeProvider<ZodTypeProvider>();
      route.post(`/imports/${kind}`, { schema: upload, bodyLimit: IMPORT_BODY_LIMIT }, async (request) => {
        const dryRun = request.query.dryRun === 'true';
        if (!Buffer.isBuffer(request.body)) {
          throw new HttpError(415, 'unsupported_media_type', `send the .xlsx file itself, as ${XLSX_CONTENT_TYPE}`);
        }
        const report = await importWorkbook(db, kind, request.body, {
          dryRun,
          audit: (tx, summary) => auditWithin(tx, request, 'catalog.imported', `${kind}:*`, summary),
        });
        if (report.imported) onImported();
        return report;
      });
      const template = {
        ...docs,
        summary: `The .xlsx template of a ${kind} import (导入模板)`,
        response: xlsxAnswer('the template'),
      };
      route.get(`/imports/${kind}/template.xlsx`, { schema: template }, async (_request, reply) =>
        attachment(reply, `${kind}-template.xlsx`, `${SHEET_NAMES[kind].file}.xlsx`).send(await importTemplate(kind)),
      );
    }
  });
}
