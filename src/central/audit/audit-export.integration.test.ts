/**
 * Integration (real PostgreSQL, the whole Fastify stack; the file read back with exceljs): the audit log's Excel
 * export has the rows `GET /audit` gives for the same filters, its times in Beijing wall-clock, is capped, is open
 * to `audit.read` only, and is itself audited with its filters.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../shared/audit.js';
import { XLSX_CONTENT_TYPE } from '../../shared/excel.js';
import { createApiKey } from '../accounts/api-keys.js';
import { startHarness, type Harness } from '../test-support/api-harness.js';
import { auditForExport } from './audit-export.js';

async function readBack(payload: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(payload as unknown as ExcelJS.Buffer);
  return wb;
}

describe('the audit log’s Excel export', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('has the rows GET /audit has for the same filters, newest first, times as Beijing wall-clock', async () => {
    const query = 'action=catalog.created&target=staff:*';
    const listed = (await h.admin('GET', `/audit?${query}`)).json<{ entries: AuditRecord[] }>().entries;
    expect(listed.length).toBe(2);
    const res = await h.admin('GET', `/audit/export.xlsx?${query}`);
    expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
    expect(res.headers['content-type']).toBe(XLSX_CONTENT_TYPE);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.xlsx"/);
    const wb = await readBack(res.rawPayload);
    const sheet = wb.getWorksheet('审计日志')!;
    expect(sheet.getRow(1).getCell(2).value).toBe('时间（北京时间）');
    expect(sheet.actualRowCount).toBe(1 + listed.length);
    listed.forEach((entry, i) => {
      const row = sheet.getRow(i + 2);
      expect(row.getCell(1).value).toBe(entry.seq);
      // exceljs reads the cell back as a Date whose UTC fields are what the cell shows: Beijing's clock.
      const shown = row.getCell(2).value as Date;
      expect(shown.getTime() - new Date(entry.at).getTime()).toBe(8 * 3600 * 1000);
      expect(row.getCell(6).value).toBe('catalog.created');
      expect(row.getCell(7).value).toBe(entry.target);
      expect(row.getCell(4).value).toBe('legacy-admin-token');
    });
    const about = wb.getWorksheet('导出说明')!;
    expect(about.getCell('B2').value).toBe(2);
    expect(about.getCell('B3').text).toContain('staff:*');
    // No PIN hash in the file (an entry never holds one).
    expect(JSON.stringify(sheet.getSheetValues())).not.toContain('scrypt');
  });

  it('is itself audited with its filters and row count, written before the file is sent', async () => {
    await h.admin('GET', '/audit/export.xlsx?action=enrollment.created');
    const newest = (await h.admin('GET', '/audit?limit=1')).json<{ entries: AuditRecord[] }>().entries[0]!;
    expect(newest).toMatchObject({
      action: 'audit.exported',
      result: 'ok',
      summary: { filters: { action: 'enrollment.created' }, rows: 1, truncated: false },
    });
  });

  it('keeps the newest rows when more match than the cap, and says so', async () => {
    const all = await auditForExport(h.db, {});
    expect(all.truncated).toBe(false);
    const capped = await auditForExport(h.db, {}, 3);
    expect(capped).toEqual({ entries: all.entries.slice(0, 3), truncated: true });
    const exact = await auditForExport(h.db, {}, all.entries.length);
    expect(exact.truncated).toBe(false);
  });

  it('refuses bad filters with a 400 and a role without audit.read with a 403', async () => {
    const bad = await h.admin('GET', '/audit/export.xlsx?action=no.such');
    expect(bad.statusCode).toBe(400);
    const { key } = await createApiKey(h.db, { name: 'supervisor script', scope: 'supervisor' }, 'test');
    const refused = await h.app.inject({
      method: 'GET',
      url: '/api/v1/admin/audit/export.xlsx',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(refused.statusCode).toBe(403);
    const { key: auditorKey } = await createApiKey(h.db, { name: 'auditor script', scope: 'auditor' }, 'test');
    const allowed = await h.app.inject({
      method: 'GET',
      url: '/api/v1/admin/audit/export.xlsx',
      headers: { authorization: `Bearer ${auditorKey}` },
    });
    expect(allowed.statusCode).toBe(200);
  });
});
