/**
 * Unit: reading an upload's zip directory before exceljs inflates it (a small zip of a huge sheet is refused
 * unopened), and a cell's value as text or as the problem the report names.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { cellText, declaredUnzippedSize } from './workbook.js';

describe('an upload read as a workbook', () => {
  it('sums the sizes the zip directory declares, and finds none in a file that is not a zip', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('s');
    for (let i = 0; i < 2000; i += 1) sheet.addRow([`row ${i}`, `${'x'.repeat(200)}${i}`]);
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const declared = declaredUnzippedSize(file)!;
    // Far more than the zip itself, and at least the shared strings it holds.
    expect(declared).toBeGreaterThan(2000 * 200);
    expect(declared).toBeGreaterThan(file.length);
    expect(declaredUnzippedSize(Buffer.from('工号,姓名\n1001,王丽\n'))).toBeNull();
    expect(declaredUnzippedSize(Buffer.alloc(0))).toBeNull();
    expect(declaredUnzippedSize(file.subarray(0, file.length - 30))).toBeNull();
  });

  it('takes text and numbers as text, and names a date, a formula, a true/false and an error as problems', () => {
    expect(cellText('  W01 ')).toEqual({ text: 'W01', fromNumber: false });
    expect(cellText('   ')).toEqual({ text: null, fromNumber: false });
    expect(cellText(1234)).toEqual({ text: '1234', fromNumber: true });
    expect(cellText({ richText: [{ text: '王' }, { text: '丽' }] })).toEqual({ text: '王丽', fromNumber: false });
    expect(cellText(2 ** 60)).toHaveProperty('problem');
    expect(cellText(new Date())).toHaveProperty('problem');
    expect(cellText({ formula: 'A1', result: 'x' })).toHaveProperty('problem');
    expect(cellText(true)).toHaveProperty('problem');
    expect(cellText({ error: '#N/A' })).toHaveProperty('problem');
  });
});
