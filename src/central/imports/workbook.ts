/**
 * Reading an uploaded .xlsx (exceljs) for an import: the first sheet, a header row naming the columns, and each
 * data row's cells as text. Refused whole, as a 400, before any row is looked at: a file that is not a zip of a
 * workbook, one that unzips to far more than its rows could need, a header with unknown, repeated or missing
 * columns, too many rows. A cell that is not plain text or a number (a date, a formula, a true/false, an error) is
 * that cell's problem, reported on its row. Runs in Node.
 */
import ExcelJS from 'exceljs';
import { HttpError } from '../../common/http.js';
import type { ImportColumn } from '../../shared/excel.js';

/**
 * Bytes the file may unzip to, by its own directory: a sheet of MAX_IMPORT_ROWS short rows is a few megabytes of
 * XML. exceljs inflates every part into memory, so a small zip of a huge sheet is refused before it is opened.
 */
export const MAX_UNZIPPED_BYTES = 40 * 1024 * 1024;

/** A cell as read: its text (null when empty), or why it cannot be taken as text. */
export type CellRead = { text: string | null; fromNumber: boolean } | { problem: string };

export interface SheetRow {
  /** The row's number in the sheet (the header is row 1). */
  row: number;
  cells: Record<string, CellRead>;
}

export interface ReadSheet {
  /** The columns the header named (an optional column may be absent). */
  present: Set<string>;
  rows: SheetRow[];
}

const notAWorkbook = (why: string) =>
  new HttpError(400, 'not_a_workbook', `the file is not an Excel workbook (.xlsx): ${why}`);

/**
 * The sizes the zip's central directory declares for its entries, summed; null when there is no central directory
 * (not a zip). A ZIP64 size reads as 0xFFFFFFFF, so such a file counts as too large, which it would be here.
 */
export function declaredUnzippedSize(buf: Buffer): number | null {
  const EOCD = 0x06054b50;
  const ENTRY = 0x02014b50;
  const lowest = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= lowest; i -= 1) {
    if (buf.readUInt32LE(i) !== EOCD) continue;
    const entries = buf.readUInt16LE(i + 10);
    let p = buf.readUInt32LE(i + 16);
    let total = 0;
    for (let n = 0; n < entries; n += 1) {
      if (p + 46 > buf.length || buf.readUInt32LE(p) !== ENTRY) return null;
      total += buf.readUInt32LE(p + 24);
      p += 46 + buf.readUInt16LE(p + 28) + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    }
    return total;
  }
  return null;
}

/** A cell's value as text, or its problem (in Chinese: the report is read by the hall's staff). */
export function cellText(value: ExcelJS.CellValue): CellRead {
  if (value === null || value === undefined) return { text: null, fromNumber: false };
  if (typeof value === 'string') {
    const text = value.trim();
    return { text: text === '' ? null : text, fromNumber: false };
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { problem: '不是有效的数字' };
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
      return { problem: '数字太长，Excel 已丢失精度：请把该列设为文本格式' };
    }
    return { text: String(value), fromNumber: true };
  }
  if (typeof value === 'boolean') return { problem: '是真/假值，应为文本' };
  if (value instanceof Date) return { problem: '是日期，应为文本：请把该列设为文本格式后重新填写' };
  if ('formula' in value || 'sharedFormula' in value) {
    // A formula's cached result may be stale (a tool that wrote the file without recalculating): not trusted.
    return { problem: '是公式：请复制后“粘贴为数值”' };
  }
  if ('error' in value) return { problem: `是错误值 ${String(value.error)}` };
  if ('richText' in value) return cellText(value.richText.map((r) => r.text).join(''));
  if ('hyperlink' in value) return cellText(value.text);
  return { problem: '无法识别的单元格' };
}

/** The header cell's column, by its Chinese header or its API field name (any case). */
function columnOf(columns: readonly ImportColumn[], header: string): ImportColumn | undefined {
  const h = header.trim();
  return columns.find((c) => c.header === h || c.field.toLowerCase() === h.toLowerCase());
}

/** Reads the first sheet of `buf` against `columns`, at most `maxRows` rows; throws a 400 HttpError for a file refused whole. */
export async function readSheet(buf: Buffer, columns: readonly ImportColumn[], maxRows: number): Promise<ReadSheet> {
  const unzipped = declaredUnzippedSize(buf);
  if (unzipped === null) throw notAWorkbook('it is not a zip file (an old .xls, a CSV or a renamed file?)');
  if (unzipped > MAX_UNZIPPED_BYTES) {
    throw new HttpError(400, 'workbook_too_large', `the workbook unzips to more than ${MAX_UNZIPPED_BYTES} bytes`);
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buf as unknown as ExcelJS.Buffer);
  } catch (error) {
    throw notAWorkbook((error as Error).message);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw notAWorkbook('it has no sheet');
  if (sheet.actualRowCount - 1 > maxRows) {
    throw new HttpError(
      400,
      'too_many_rows',
      `at most ${maxRows} rows in one file (this one has ${sheet.actualRowCount - 1}): split it`,
    );
  }

  const byIndex = new Map<number, ImportColumn>();
  const problems: string[] = [];
  sheet.getRow(1).eachCell({ includeEmpty: false }, (cell, index) => {
    const read = cellText(cell.value);
    if ('problem' in read || read.text === null) return;
    const column = columnOf(columns, read.text);
    if (!column) problems.push(`unknown column “${read.text}”`);
    else if ([...byIndex.values()].includes(column)) problems.push(`column “${column.header}” twice`);
    else byIndex.set(index, column);
  });
  const present = new Set([...byIndex.values()].map((c) => c.field));
  const missing = columns.filter((c) => !c.onCreateOnly && !present.has(c.field));
  if (missing.length > 0) problems.push(`missing ${missing.map((c) => `“${c.header}”`).join(', ')}`);
  if (problems.length > 0) {
    throw new HttpError(
      400,
      'bad_header',
      `the first row must name the columns (${columns.map((c) => c.header).join(', ')}): ${problems.join('; ')}`,
    );
  }

  const rows: SheetRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    if (number === 1) return;
    const cells: Record<string, CellRead> = {};
    let empty = true;
    for (const [index, column] of byIndex) {
      const read = cellText(row.getCell(index).value);
      cells[column.field] = read;
      if (!('text' in read) || read.text !== null) empty = false;
    }
    // A row with nothing in the named columns (spacing, a total row's blank cells) is no row at all.
    if (!empty) rows.push({ row: number, cells });
  });
  return { present, rows };
}
