/**
 * The audit log's Excel export (issue 15): `GET /api/v1/admin/audit/export.xlsx` with the filters of
 * `GET /api/v1/admin/audit` (actor, action, target, period), newest first, at most AUDIT_EXPORT_MAX_ROWS rows (a
 * second sheet says which filters, when, and whether rows were left out). Times are Beijing wall-clock. The export
 * is itself an entry of the log (`audit.exported`, with its filters and row count), written before the file is
 * sent. An entry holds no personal data (appendAudit refuses one that would), so neither does the file. Runs in
 * Node.
 */
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AuditRecord } from '../../shared/audit.js';
import { AUDIT_EXPORT_MAX_ROWS, beijingWallClock } from '../../shared/excel.js';
import type { Queryable } from '../db/database.js';
import { attachment } from '../imports/imports.routes.js';
import { ADMIN_SECURITY, xlsxAnswer } from '../openapi-docs.js';
import { AuditQuery, listAudit } from './audit-log.js';
import { auditWithin } from './audit.routes.js';

/** The filters of `GET /audit`, without its paging. */
export const AuditExportQuery = AuditQuery.omit({ before: true, limit: true });
export type AuditExportQuery = ReturnType<typeof AuditExportQuery.parse>;

/** Excel holds at most this many characters in a cell. */
const CELL_MAX = 32_767;
const PAGE = 500;

/** The entries matching `filters`, newest first, at most `max` of them; `truncated` when more matched. */
export async function auditForExport(
  q: Queryable,
  filters: AuditExportQuery,
  max = AUDIT_EXPORT_MAX_ROWS,
): Promise<{ entries: AuditRecord[]; truncated: boolean }> {
  const entries: AuditRecord[] = [];
  let before: number | undefined;
  for (;;) {
    // Keyset pages on seq: rows appended meanwhile have higher numbers, so they never shift a page.
    const page = await listAudit(q, { ...filters, limit: Math.min(PAGE, max - entries.length + 1), before });
    entries.push(...page.entries);
    if (entries.length > max) return { entries: entries.slice(0, max), truncated: true };
    if (page.nextBefore === null) return { entries, truncated: false };
    before = page.nextBefore;
  }
}

const COLUMNS: { header: string; key: string; width: number }[] = [
  { header: '序号', key: 'seq', width: 9 },
  { header: '时间（北京时间）', key: 'at', width: 21 },
  { header: '操作者类型', key: 'actorKind', width: 11 },
  { header: '操作者', key: 'actor', width: 22 },
  { header: '角色', key: 'role', width: 11 },
  { header: '操作', key: 'action', width: 24 },
  { header: '对象', key: 'target', width: 30 },
  { header: '结果', key: 'result', width: 9 },
  { header: '来源 IP', key: 'ip', width: 16 },
  { header: '摘要', key: 'summary', width: 60 },
  { header: '哈希', key: 'hash', width: 20 },
];

/** The workbook: the entries, then a sheet of what was exported. */
export async function auditWorkbook(
  entries: AuditRecord[],
  filters: AuditExportQuery,
  truncated: boolean,
  exportedAt: Date,
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.created = exportedAt;
  const sheet = workbook.addWorksheet('审计日志', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = COLUMNS;
  sheet.getRow(1).font = { bold: true };
  sheet.getColumn('at').numFmt = 'yyyy-mm-dd hh:mm:ss';
  for (const e of entries) {
    const summary = e.summary === null ? '' : JSON.stringify(e.summary);
    sheet.addRow({
      seq: e.seq,
      at: beijingWallClock(new Date(e.at)),
      actorKind: e.actor.kind,
      actor: e.actor.name ?? e.actor.id ?? '',
      role: e.actor.role ?? '',
      action: e.action,
      target: e.target ?? '',
      result: e.result,
      ip: e.ip ?? '',
      summary: summary.length > CELL_MAX ? `${summary.slice(0, CELL_MAX - 1)}…` : summary,
      hash: e.hash,
    });
  }
  const about = workbook.addWorksheet('导出说明');
  about.getColumn(1).width = 18;
  about.getColumn(2).width = 60;
  about.addRows([
    ['导出时间（北京时间）', beijingWallClock(exportedAt)],
    ['条数', entries.length],
    ['筛选条件', Object.keys(filters).length === 0 ? '（无）' : JSON.stringify(filters)],
    [
      '说明',
      truncated ? `匹配的条目超过 ${AUDIT_EXPORT_MAX_ROWS} 条，只导出了最新的这些：请缩小时间范围` : '全部匹配的条目',
    ],
  ]);
  about.getCell('B1').numFmt = 'yyyy-mm-dd hh:mm:ss';
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** `GET /audit/export.xlsx` in the admin scope: ability `audit.read`, as `GET /audit`. */
export function registerAuditExport(scope: FastifyInstance, db: Queryable): void {
  const docs = {
    tags: ['audit'],
    summary: 'The audit log as an .xlsx file (导出), with the filters of GET /audit; the export is itself audited',
    security: ADMIN_SECURITY,
    querystring: AuditExportQuery,
    response: xlsxAnswer('the entries, newest first, and a sheet naming the filters'),
  };
  scope.withTypeProvider<ZodTypeProvider>().get('/audit/export.xlsx', { schema: docs }, async (request, reply) => {
    const filters = request.query;
    const exportedAt = new Date();
    const { entries, truncated } = await auditForExport(db, filters);
    const file = await auditWorkbook(entries, filters, truncated, exportedAt);
    // Written before the file leaves: an export nobody can see in the log does not happen.
    await auditWithin(db, request, 'audit.exported', null, { filters, rows: entries.length, truncated });
    const day = beijingWallClock(exportedAt).toISOString().slice(0, 10);
    return attachment(reply, `audit-${day}.xlsx`, `审计日志-${day}.xlsx`).send(file);
  });
}
