/**
 * Integration (real PostgreSQL, the whole Fastify stack, workbooks built by exceljs here): the Excel import of staff
 * and service items checks every row with the JSON API's schemas and across rows, writes all or nothing with one
 * audit entry, never echoes or audits a PIN, and refuses a file that is not a workbook, too large or too long.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPin } from '../../common/pin-hash.js';
import type { AuditRecord } from '../../shared/audit.js';
import { MAX_IMPORT_ROWS, XLSX_CONTENT_TYPE, type ImportReport } from '../../shared/excel.js';
import { ADMIN_TOKEN, startHarness, type Harness } from '../test-support/api-harness.js';

type Cell = ExcelJS.CellValue;

/** A workbook whose first sheet holds `rows` (the first one the header). */
async function workbook(rows: Cell[][], build?: (sheet: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('Sheet1');
  rows.forEach((cells, i) => {
    if (cells.length > 0) sheet.getRow(i + 1).values = cells;
  });
  build?.(sheet);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const STAFF_HEADER = ['工号', '姓名', '部门编码', '初始PIN'];

describe('the Excel import of staff and service items', () => {
  let h: Harness;
  const post = (path: string, body: Buffer, contentType = XLSX_CONTENT_TYPE) =>
    h.app.inject({
      method: 'POST',
      url: `/api/v1/admin/imports/${path}`,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': contentType },
      payload: body,
    });
  const staff = async () =>
    (await h.db.query<{ staff_no: string; name: string; department_code: string; pin_hash: string }>(
      'SELECT staff_no, name, department_code, pin_hash FROM staff ORDER BY staff_no',
    )) as { staff_no: string; name: string; department_code: string; pin_hash: string }[];
  const newestAudit = async () =>
    (await h.admin('GET', '/audit?limit=1')).json<{ entries: AuditRecord[] }>().entries[0]!;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('offers a template whose first sheet is the header row, every column formatted as text', async () => {
    const res = await h.admin('GET', '/imports/staff/template.xlsx');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(XLSX_CONTENT_TYPE);
    expect(res.headers['content-disposition']).toContain("filename*=UTF-8''");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ExcelJS.Buffer);
    const sheet = wb.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual([undefined, ...STAFF_HEADER]);
    expect(sheet.actualRowCount).toBe(1);
    expect(sheet.getColumn(4).numFmt).toBe('@');
    const items = await h.admin('GET', '/imports/service-items/template.xlsx');
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(items.rawPayload as unknown as ExcelJS.Buffer);
    expect(wb2.worksheets[0]!.getRow(1).values).toEqual([undefined, '事项编码', '事项名称', '部门编码']);
  });

  it('a file with one bad row writes nothing, reports that row by column, and audits nothing', async () => {
    const before = await staff();
    const auditRows = await h.count('audit_log');
    const file = await workbook([
      STAFF_HEADER,
      ['2001', '张敏', 'SCJG', '0123'],
      ['2002', '赵磊', 'NOPE', '4567'],
      ['2001', '张敏二', 'GA', '8888'],
      ['2003', '', 'GA', '12'],
    ]);
    const res = await post('staff', file);
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json<ImportReport>();
    expect(report.imported).toBe(false);
    expect(report.counts).toEqual({ created: 1, updated: 0, unchanged: 0, error: 3 });
    expect(report.rows.map((r) => [r.row, r.key, r.status])).toEqual([
      [2, '2001', 'created'],
      [3, '2002', 'error'],
      [4, '2001', 'error'],
      [5, '2003', 'error'],
    ]);
    expect(report.rows[1]!.errors).toEqual([{ column: '部门编码', message: '没有编码为 NOPE 的部门' }]);
    expect(report.rows[2]!.errors).toEqual([{ column: '工号', message: '与第 2 行重复' }]);
    expect(report.rows[3]!.errors).toEqual([
      { column: '姓名', message: '必填' },
      { column: '初始PIN', message: '应为 4 至 8 位数字' },
    ]);
    expect(await staff()).toEqual(before);
    expect(await h.count('audit_log')).toBe(auditRows);
    for (const pin of ['0123', '4567', '8888']) expect(res.body).not.toContain(pin);
  });

  it('a dry run checks a good file and writes nothing', async () => {
    const before = await staff();
    const res = await post('staff?dryRun=true', await workbook([STAFF_HEADER, ['2001', '张敏', 'SCJG', '0123']]));
    expect(res.json<ImportReport>()).toMatchObject({ imported: false, dryRun: true, counts: { created: 1 } });
    expect(await staff()).toEqual(before);
  });

  it('a good file creates, updates and leaves unchanged in one transaction, with one audit entry and no PIN', async () => {
    const version = async () => (await h.db.query<{ version: number }>('SELECT version FROM config_version'))[0]!;
    const v0 = await version();
    const file = await workbook([
      STAFF_HEADER,
      ['2001', '张敏', 'SCJG', '0123'],
      [],
      ['1001', '王丽丽', 'SCJG', '9999'],
      ['3001', '李强', 'GA', ''],
    ]);
    const res = await post('staff', file);
    const report = res.json<ImportReport>();
    expect(report.imported, res.body).toBe(true);
    expect(report.rows.map((r) => [r.row, r.status])).toEqual([
      [2, 'created'],
      [4, 'updated'],
      [5, 'unchanged'],
    ]);
    const rows = await staff();
    const created = rows.find((s) => s.staff_no === '2001')!;
    expect(created).toMatchObject({ name: '张敏', department_code: 'SCJG' });
    expect(await verifyPin('0123', created.pin_hash)).toBe(true);
    const renamed = rows.find((s) => s.staff_no === '1001')!;
    expect(renamed.name).toBe('王丽丽');
    // An existing member's PIN is not reset by a file: theirs is still the one the harness gave.
    expect(await verifyPin('246810', renamed.pin_hash)).toBe(true);
    expect((await version()).version).toBe(v0.version + 1);
    const entry = await newestAudit();
    expect(entry).toMatchObject({ action: 'catalog.imported', target: 'staff:*', result: 'ok' });
    expect(entry.summary).toEqual({
      rows: 3,
      created: 1,
      updated: 1,
      unchanged: 1,
      createdKeys: ['2001'],
      updatedKeys: ['1001'],
    });
    expect(JSON.stringify(entry)).not.toMatch(/0123|9999|scrypt/);
    // The same file again changes nothing.
    const again = (await post('staff', file)).json<ImportReport>();
    expect(again.counts).toEqual({ created: 0, updated: 0, unchanged: 3, error: 0 });
    expect((await version()).version).toBe(v0.version + 1);
  });

  it('takes English headers, numbers as text, and reports dates, formulas, true/false and a PIN that lost its 0', async () => {
    const file = await workbook([
      ['staffNo', 'name', 'departmentCode', 'pin', ''],
      [2101, '周一', 'GA', 4321, 'a note under no header'],
      [new Date('2026-01-02T00:00:00Z'), '周二', 'GA', '1111'],
      ['2103', { formula: 'CONCAT("周","三")', result: '周三' }, 'GA', '1111'],
      ['2104', true, 'GA', '1111'],
      ['2105', '周五', 'GA', 123],
    ]);
    const report = (await post('staff?dryRun=true', file)).json<ImportReport>();
    expect(report.rows.map((r) => [r.row, r.status, r.errors.map((e) => e.column)])).toEqual([
      [2, 'created', []],
      [3, 'error', ['工号']],
      [4, 'error', ['姓名']],
      [5, 'error', ['姓名']],
      [6, 'error', ['初始PIN']],
    ]);
    expect(report.rows[1]!.errors[0]!.message).toContain('日期');
    expect(report.rows[2]!.errors[0]!.message).toContain('公式');
    expect(report.rows[4]!.errors[0]!.message).toContain('文本格式');
  });

  it('imports service items, updating an existing one', async () => {
    const file = await workbook([
      ['事项编码', '事项名称', '部门编码'],
      ['SC-0001', '个体工商户设立登记', 'SCJG'],
      ['GA-0001', '居民身份证申领', 'GA'],
      ['SC-0002', '食品经营许可', 'SCJG'],
    ]);
    const res = await post('service-items', file);
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json<ImportReport>();
    expect(report.rows.map((r) => r.status)).toEqual(['unchanged', 'created', 'created']);
    const listed = (await h.admin('GET', '/service-items')).json<{ code: string; departmentCode: string }[]>();
    expect(listed.map((i) => i.code)).toEqual(['GA-0001', 'SC-0001', 'SC-0002']);
    expect((await newestAudit()).target).toBe('service-items:*');
  });

  it('refuses whole, with a 4xx in words: not a workbook, a bad header, too many rows, too large, not .xlsx', async () => {
    const text = await post('staff', Buffer.from('工号,姓名\n1001,王丽\n'));
    expect([text.statusCode, text.json<{ error: string }>().error]).toEqual([400, 'not_a_workbook']);
    const empty = await post('staff', Buffer.alloc(0));
    expect(empty.statusCode).toBe(400);
    const header = await post('staff', await workbook([['工号', '姓名', '部门', '初始PIN']]));
    expect([header.statusCode, header.json<{ error: string }>().error]).toEqual([400, 'bad_header']);
    expect(header.json<{ message: string }>().message).toContain('部门');
    const long = await workbook([
      STAFF_HEADER,
      ...Array.from({ length: MAX_IMPORT_ROWS.staff + 1 }, (_, i) => [`X${i}`, '某人', 'GA', '1234']),
    ]);
    const tooLong = await post('staff', long);
    expect([tooLong.statusCode, tooLong.json<{ error: string }>().error]).toEqual([400, 'too_many_rows']);
    // A small file whose parts say they unzip to gigabytes (a zip bomb's shape) is refused before it is opened.
    const bomb = await workbook([STAFF_HEADER, ['2001', '张敏', 'SCJG', '0123']]);
    for (
      let p = bomb.indexOf(Buffer.from([0x50, 0x4b, 1, 2]));
      p >= 0;
      p = bomb.indexOf(Buffer.from([0x50, 0x4b, 1, 2]), p + 4)
    ) {
      bomb.writeUInt32LE(0xfffffff0, p + 24);
    }
    const refused = await post('staff', bomb);
    expect([refused.statusCode, refused.json<{ error: string }>().error]).toEqual([400, 'workbook_too_large']);
    const tooLarge = await post('staff', Buffer.alloc(3 * 1024 * 1024, 1));
    expect(tooLarge.statusCode).toBe(413);
    const json = await h.admin('POST', '/imports/staff', { rows: [] });
    expect(json.statusCode).toBe(415);
    expect(await h.count("staff WHERE staff_no LIKE 'X%'")).toBe(0);
  });
});
