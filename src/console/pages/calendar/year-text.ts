/**
 * A year's holidays and 调休 as an admin types or pastes them (one day or one range a line, as the State Council's
 * 通知 lists them): `2027-01-01 休 元旦`, `2027-02-06~2027-02-12 休 春节`, `2027-02-14 班 春节调休`. Parsed into the
 * days of CalendarYearPut, with the line of each mistake. Runs everywhere (pure).
 */
import type { CalendarDay, DayKind } from '../../../shared/work-calendar.js';

export interface YearTextResult {
  days: CalendarDay[];
  errors: { line: number; message: string }[];
}

const KINDS: Record<string, DayKind> = { 休: 'holiday', 班: 'workday', holiday: 'holiday', workday: 'workday' };
const DAY_MS = 86_400_000;

const isDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

/** One line's days, or what is wrong with it. */
function parseLine(year: number, line: string): CalendarDay[] | string {
  const m = /^(\S+?)(?:\s*[~～至]\s*(\S+))?\s+(\S+)\s+(.+)$/.exec(line);
  if (!m) return '格式应为「日期 休/班 名称」，例如 2027-01-01 休 元旦';
  const first = m[1]!;
  const last = m[2] ?? first;
  const kind = KINDS[m[3]!];
  const name = m[4]!.trim().slice(0, 50);
  if (!isDay(first) || !isDay(last)) return `日期不对：${line}`;
  if (!kind) return `应为「休」或「班」：${m[3]!}`;
  const from = Date.parse(`${first}T00:00:00Z`);
  const to = Date.parse(`${last}T00:00:00Z`);
  if (to < from || to - from > 31 * DAY_MS) return `日期范围不对：${line}`;
  const days: CalendarDay[] = [];
  for (let t = from; t <= to; t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    if (!day.startsWith(`${year}-`)) return `${day} 不在 ${year} 年`;
    days.push({ day, kind, name });
  }
  return days;
}

export function parseYearText(year: number, text: string): YearTextResult {
  const days = new Map<string, CalendarDay>();
  const errors: YearTextResult['errors'] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const parsed = parseLine(year, line);
    const twice = typeof parsed === 'string' ? undefined : parsed.find((d) => days.has(d.day));
    if (typeof parsed === 'string') errors.push({ line: i + 1, message: parsed });
    else if (twice) errors.push({ line: i + 1, message: `${twice.day} 重复` });
    else for (const d of parsed) days.set(d.day, d);
  }
  return { days: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)), errors };
}

/** The days back as text, one range of the same kind and name a line. */
export function yearText(days: readonly CalendarDay[]): string {
  const sorted = [...days].sort((a, b) => a.day.localeCompare(b.day));
  const lines: string[] = [];
  let start: CalendarDay | null = null;
  let prev: CalendarDay | null = null;
  const flush = () => {
    if (!start || !prev) return;
    const word = start.kind === 'holiday' ? '休' : '班';
    lines.push(`${start.day === prev.day ? start.day : `${start.day}~${prev.day}`} ${word} ${start.name}`);
  };
  for (const d of sorted) {
    const next = prev && Date.parse(`${d.day}T00:00:00Z`) - Date.parse(`${prev.day}T00:00:00Z`) === DAY_MS;
    if (start && prev && next && d.kind === start.kind && d.name === start.name) {
      prev = d;
      continue;
    }
    flush();
    start = d;
    prev = d;
  }
  flush();
  return lines.join('\n');
}
