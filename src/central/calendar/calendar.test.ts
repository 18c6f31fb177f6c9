import { describe, expect, it } from 'vitest';
import { beijingDay, missingNextYear, WorkCalendar } from '../../shared/work-calendar.js';
import { packageCalendar } from './calendar.js';

// The calendar the centre seeds: the installed chinese-days package, whose data ends with 2026.
const seeded = packageCalendar();
const calendar = new WorkCalendar(seeded.days, seeded.years);
/** An instant at `hh:mm` Beijing time on `day`. */
const beijing = (day: string, time = '10:00') => new Date(`${day}T${time}:00+08:00`);

describe('the working-day calendar', () => {
  it('knows the 2026 National Day holiday and its 调休 Saturdays from the package', () => {
    for (const day of ['2026-10-01', '2026-10-05', '2026-10-07']) expect(calendar.isWorkday(day)).toBe(false);
    // 调休: a Sunday and a Saturday worked.
    expect(calendar.isWorkday('2026-09-20')).toBe(true);
    expect(calendar.isWorkday('2026-10-10')).toBe(true);
    expect(calendar.isWorkday('2026-10-11')).toBe(false);
    expect(calendar.isWorkday('2026-10-08')).toBe(true);
  });

  it('counts deadlines across National Day: the holiday skipped, the 调休 Saturday counted', () => {
    const from = beijing('2026-09-30');
    expect(calendar.deadline(from, 1).day).toBe('2026-10-08');
    expect(calendar.deadline(from, 2).day).toBe('2026-10-09');
    expect(calendar.deadline(from, 3).day).toBe('2026-10-10');
    expect(calendar.deadline(from, 4).day).toBe('2026-10-12');
    // 15 working days to rectify, from a case made on the Thursday before 中秋 (25 September, off) and National Day.
    expect(calendar.isWorkday('2026-09-25')).toBe(false);
    const rectify = calendar.deadline(beijing('2026-09-24'), 15);
    expect(rectify).toMatchObject({ day: '2026-10-22', uncovered: false, uncoveredYears: [] });
    // Due at the end of its last working day, Beijing time.
    expect(rectify.dueAt.toISOString()).toBe('2026-10-22T16:00:00.000Z');
  });

  it('gives a same-day deadline on a holiday or weekend to the next working day', () => {
    expect(calendar.deadline(beijing('2026-10-03'), 0).day).toBe('2026-10-08');
    // Saturday 19 September: the next day is a 调休 Sunday, worked.
    expect(calendar.deadline(beijing('2026-09-19'), 0).day).toBe('2026-09-20');
    expect(calendar.deadline(beijing('2026-09-21'), 0).day).toBe('2026-09-21');
  });

  it('takes the day in Beijing, not in UTC', () => {
    // 00:30 on 1 October in Beijing is still 30 September in UTC.
    const justAfterMidnight = beijing('2026-10-01', '00:30');
    expect(justAfterMidnight.toISOString().slice(0, 10)).toBe('2026-09-30');
    expect(beijingDay(justAfterMidnight)).toBe('2026-10-01');
    expect(calendar.deadline(justAfterMidnight, 0).day).toBe('2026-10-08');
  });

  it('says so when a deadline counts through a year it does not cover', () => {
    expect(calendar.covers(2026)).toBe(true);
    expect(calendar.covers(2027)).toBe(false);
    const across = calendar.deadline(beijing('2026-12-30'), 3);
    // 31 December, then 1 January 2027 (unknown: a weekday counts), then Monday 4 January.
    expect(across).toMatchObject({ day: '2027-01-04', uncovered: true, uncoveredYears: [2027] });
    expect(calendar.deadline(beijing('2026-12-28'), 2)).toMatchObject({ day: '2026-12-30', uncovered: false });
  });

  it('warns one working day ahead: at the end of the working day before the last', () => {
    expect(calendar.warnAt({ day: '2026-10-08' }).toISOString()).toBe('2026-09-30T16:00:00.000Z');
    expect(calendar.warnAt({ day: '2026-10-12' }).toISOString()).toBe('2026-10-10T16:00:00.000Z');
  });

  it('counts working days between two instants, either way', () => {
    expect(calendar.workingDaysBetween(beijing('2026-09-30'), beijing('2026-10-12'))).toBe(4);
    expect(calendar.workingDaysBetween(beijing('2026-10-12'), beijing('2026-09-30'))).toBe(-4);
    expect(calendar.workingDaysBetween(beijing('2026-10-12', '08:00'), beijing('2026-10-12', '18:00'))).toBe(0);
  });

  it('asks for next year from 1 November, until it is entered', () => {
    expect(missingNextYear(calendar, beijing('2026-10-31', '23:59'))).toBeNull();
    expect(missingNextYear(calendar, beijing('2026-11-01', '00:01'))).toBe(2027);
    expect(missingNextYear(calendar, beijing('2026-12-02'))).toBe(2027);
    const entered = new WorkCalendar(seeded.days, [...seeded.years, 2027]);
    expect(missingNextYear(entered, beijing('2026-12-02'))).toBeNull();
  });

  it('lets an entry for a day override the weekday rule either way', () => {
    const local = new WorkCalendar(
      [
        { day: '2026-12-03', kind: 'holiday' },
        { day: '2026-12-05', kind: 'workday' },
      ],
      [2026],
    );
    expect(local.isWorkday('2026-12-03')).toBe(false);
    expect(local.isWorkday('2026-12-05')).toBe(true);
    expect(local.deadline(beijing('2026-12-02'), 1).day).toBe('2026-12-04');
    expect(local.deadline(beijing('2026-12-04'), 1).day).toBe('2026-12-05');
  });
});
