/**
 * The centre's Excel files (issue 15), declared once for the server that reads and writes them and the console that
 * offers them: the import of staff and service items (its columns, limits and row-by-row report) and the audit
 * log's export. Only .xlsx (Office Open XML). Runs everywhere (pure).
 */
import type { z } from 'zod';
import { API_KEY_NAME_RULE, USERNAME_RULE } from './accounts-api.js';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** What can be imported, by the catalogue path it writes (`/api/v1/admin/<path>`). */
export const IMPORT_KINDS = ['staff', 'service-items'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** One column of an import: the API field it fills, its header in the template, and the English header accepted too. */
export interface ImportColumn {
  field: string;
  header: string;
  /** Only a row that creates an entry needs it (the staff's first PIN). */
  onCreateOnly?: boolean;
}

/**
 * The columns of each import, in the template's order. A header is matched after trimming, in Chinese or as the
 * API's field name (`staffNo`); a column with an empty header is ignored, an unknown header refuses the file.
 */
export const IMPORT_COLUMNS: Record<ImportKind, readonly ImportColumn[]> = {
  staff: [
    { field: 'staffNo', header: '工号' },
    { field: 'name', header: '姓名' },
    { field: 'departmentCode', header: '部门编码' },
    { field: 'pin', header: '初始PIN', onCreateOnly: true },
  ],
  'service-items': [
    { field: 'code', header: '事项编码' },
    { field: 'name', header: '事项名称' },
    { field: 'departmentCode', header: '部门编码' },
  ],
};

/**
 * A body's size at most (the .xlsx file). A hall's staff list or its catalogue of items is a few hundred rows, tens
 * of kilobytes zipped.
 */
export const IMPORT_BODY_LIMIT = 2 * 1024 * 1024;
/**
 * Data rows at most in one file: above, the file is refused whole (split it). Staff are fewer because each new one's
 * PIN is hashed with scrypt, slow on purpose (tens of milliseconds of a core each): 500 new staff take a few tens
 * of seconds, with two hashes at a time so that the centre's other work keeps its cores.
 */
export const MAX_IMPORT_ROWS: Record<ImportKind, number> = { staff: 500, 'service-items': 2000 };

export type ImportRowStatus = 'created' | 'updated' | 'unchanged' | 'error';

/** One data row of the file, by its row number in the sheet (the header is row 1). */
export interface ImportRowReport {
  row: number;
  /** The row's key (工号 or 事项编码) as read, when it had one. */
  key: string | null;
  status: ImportRowStatus;
  /** `column` is the header as the template spells it; `message` is in Chinese, for the hall's staff. */
  errors: { column: string | null; message: string }[];
}

/** The answer of `POST /api/v1/admin/imports/<kind>`: all or nothing, so `imported` is false if any row failed. */
export interface ImportReport {
  kind: ImportKind;
  /** Whether the rows were written (false for a dry run and for a file with any error row). */
  imported: boolean;
  dryRun: boolean;
  counts: Record<ImportRowStatus, number>;
  rows: ImportRowReport[];
}

/** Rows at most in one export of the audit log: the newest ones matching the filters. */
export const AUDIT_EXPORT_MAX_ROWS = 50_000;

/** The centre's time zone has no daylight saving: Beijing is always UTC+8. */
const BEIJING_OFFSET_MS = 8 * 3600 * 1000;

/**
 * A Date whose UTC fields are Beijing's wall clock at `instant`. exceljs writes a Date's UTC fields to the cell, so
 * 09:30 in Beijing written as is would show 01:30; written through this it shows 09:30.
 */
export function beijingWallClock(instant: Date): Date {
  return new Date(instant.getTime() + BEIJING_OFFSET_MS);
}

const ZH_MESSAGES: Record<string, string> = {
  'letters, digits, _ . : - only': '只能包含字母、数字和 _ . : -',
  '4 to 8 digits': '应为 4 至 8 位数字',
  [USERNAME_RULE]: '只能包含字母、数字和 . _ @ -',
  [API_KEY_NAME_RULE]: '只能包含字母、数字、空格和 . _ -',
};

/** One zod issue in Chinese, for the hall's staff (import reports and the console's inline validation). */
export function issueInChinese(issue: z.core.$ZodIssue): string {
  const custom = ZH_MESSAGES[issue.message];
  if (custom) return custom;
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? '不能为空' : `至少 ${issue.minimum} 个字符`;
      return `不能小于 ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `最多 ${issue.maximum} 个字符`;
      return `不能大于 ${issue.maximum}`;
    case 'invalid_type':
      return /received undefined/.test(issue.message) ? '必填' : '类型不对';
    case 'invalid_format':
      return '格式不对';
    case 'unrecognized_keys':
      return `不认识的字段：${issue.keys.join('、')}`;
    default:
      return issue.message;
  }
}
