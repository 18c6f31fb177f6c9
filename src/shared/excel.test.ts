/**
 * Unit: the Excel files' shared rules — a Date written through beijingWallClock shows Beijing's time whatever the
 * machine's zone, and zod's issues read in Chinese for the hall's staff (import reports, inline validation).
 */
import { describe, expect, it } from 'vitest';
import { StaffCreate } from './central-api.js';
import { beijingWallClock, issueInChinese } from './excel.js';

const firstIssue = (input: unknown) => {
  const result = StaffCreate.safeParse(input);
  if (result.success) throw new Error('expected a refusal');
  return result.error.issues.map(issueInChinese);
};

describe('the Excel files’ shared rules', () => {
  it('gives a Date whose UTC fields are Beijing’s wall clock (UTC+8, no daylight saving)', () => {
    expect(beijingWallClock(new Date('2026-12-01T01:30:00Z')).toISOString()).toBe('2026-12-01T09:30:00.000Z');
    // Across midnight, and in July (no summer time in China).
    expect(beijingWallClock(new Date('2026-07-01T20:00:00Z')).toISOString()).toBe('2026-07-02T04:00:00.000Z');
  });

  it('says in Chinese what is wrong with a field, the schemas’ own words translated', () => {
    expect(firstIssue({ staffNo: 'a b', name: '', departmentCode: 'GA', pin: '12' })).toEqual([
      '只能包含字母、数字和 _ . : -',
      '不能为空',
      '应为 4 至 8 位数字',
    ]);
    expect(firstIssue({ name: 'x'.repeat(101), departmentCode: 'GA', pin: '1234', extra: 1 })).toEqual([
      '必填',
      '最多 100 个字符',
      '不认识的字段：extra',
    ]);
  });
});
