import { describe, expect, it } from 'vitest';
import { parseYearText, yearText } from './year-text.js';

describe("a year's holidays as an admin types them", () => {
  it('reads single days, ranges and 调休 workdays, sorted', () => {
    const { days, errors } = parseYearText(
      2027,
      '2027-02-14 班 春节调休\n2027-01-01 休 元旦\n# 春节\n2027-02-06~2027-02-08 休 春节\n',
    );
    expect(errors).toEqual([]);
    expect(days).toEqual([
      { day: '2027-01-01', kind: 'holiday', name: '元旦' },
      { day: '2027-02-06', kind: 'holiday', name: '春节' },
      { day: '2027-02-07', kind: 'holiday', name: '春节' },
      { day: '2027-02-08', kind: 'holiday', name: '春节' },
      { day: '2027-02-14', kind: 'workday', name: '春节调休' },
    ]);
  });

  it('names the line of each mistake: a bad date, a bad kind, another year, a day twice', () => {
    const { errors } = parseYearText(
      2027,
      '2027-02-30 休 无\n2027-03-01 放 错\n2026-12-31 休 跨年\n2027-05-01 休 劳动节\n2027-05-01 休 劳动节',
    );
    expect(errors.map((e) => e.line)).toEqual([1, 2, 3, 5]);
  });

  it('writes the days back as the text it reads', () => {
    const text = '2027-01-01 休 元旦\n2027-02-06~2027-02-08 休 春节\n2027-02-14 班 春节调休';
    expect(yearText(parseYearText(2027, text).days)).toBe(text);
  });
});
