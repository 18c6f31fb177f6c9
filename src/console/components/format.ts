/**
 * Figures and times as the console shows them: rates as percentages (— when there is none), times in the centre's
 * time zone (CENTRE_TIME_ZONE, whatever the browser's), ages in words. Runs in the browser.
 */
import { CENTRE_TIME_ZONE } from '../../shared/overview-api.js';
import { language, t } from '../i18n.js';

export function percent(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
}

export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toLocaleString(language());
}

const formatter = (options: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat('zh-CN', { timeZone: CENTRE_TIME_ZONE, hour12: false, ...options });
const dateTimeFormat = formatter({
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** `2026-12-01 09:30:05` in the centre's time zone, or — . */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const parts = Object.fromEntries(dateTimeFormat.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** How long ago, in words (刚刚, 5 分钟前, 3 小时前, 2 天前). */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return t('ago.justNow');
  if (s < 3600) return t('ago.minutes', { n: Math.floor(s / 60) });
  if (s < 86_400) return t('ago.hours', { n: Math.floor(s / 3600) });
  return t('ago.days', { n: Math.floor(s / 86_400) });
}

/** The start of today in the centre's time zone, as `YYYY-MM-DD`. */
export function centreToday(now = Date.now()): string {
  return dateTime(new Date(now).toISOString()).slice(0, 10);
}
