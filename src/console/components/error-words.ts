/**
 * An error of the centre's API in words for the person at the screen: its code's own words when the console has
 * them, else the centre's message. Runs in the browser.
 */
import { ApiError } from '../api.js';
import { t } from '../i18n.js';

export function errorInWords(error: unknown): string {
  if (!(error instanceof ApiError)) return t('error.generic', { status: '-', message: String(error) });
  const key = `error.${error.code}`;
  const words = t(key, { message: error.message, status: error.status });
  if (words !== key) return words;
  if (error.status >= 500) return t('error.internal');
  return t('error.generic', { status: error.status, message: error.message });
}
