/**
 * Inline validation from the API's own zod schemas (src/shared/central-api.ts): an antd Form rule that parses the
 * field with the very schema the centre parses it with, and says what is wrong in Chinese (or in the schema's
 * English words in English). Also the time format the admin pages share. Runs in the browser.
 */
import type { FormRule } from 'antd';
import type { z } from 'zod';
import { issueInChinese } from '../../../shared/excel.js';
import { ApiError } from '../../api.js';
import { errorInWords } from '../../components/error-words.js';
import { dateTime } from '../../components/format.js';
import { language, t } from '../../i18n.js';

/** A rule for one field: valid when `schema` parses the value (an empty input counts as absent). */
export function zodRule(schema: z.ZodType): FormRule {
  return {
    validator: async (_rule, value: unknown) => {
      const result = schema.safeParse(value === '' || value === null ? undefined : value);
      if (result.success) return;
      const issue = result.error.issues[0]!;
      throw new Error(language() === 'en' ? issue.message : issueInChinese(issue));
    },
  };
}

/** An instant as the centre's staff read it: the console's one format (components/format.ts), Beijing time. */
export const beijingTime = dateTime;

/**
 * An error in words, with the admin pages' own words for the codes they meet (`config.error.<code>`: a file that
 * is not a workbook, a code that exists, the last admin…), else the console's (components/error-words.ts).
 */
export function adminErrorInWords(error: unknown): string {
  if (error instanceof ApiError) {
    const key = `config.error.${error.code}`;
    const words = t(key, { message: error.message });
    if (words !== key) return words;
  }
  return errorInWords(error);
}
