/** The working-day calendar's API as the console calls it (docs/central-api.md). Runs in the browser. */
import type { CalendarStatus } from '../../../shared/cases-api.js';
import type { CalendarDay } from '../../../shared/work-calendar.js';
import { api, get } from '../../api.js';

const BASE = '/api/v1/admin/calendar';
export const calendarKey = ['calendar'] as const;

export interface CalendarYear {
  year: number;
  covered: boolean;
  days: CalendarDay[];
}

export const calendarStatus = () => get<CalendarStatus>(`${BASE}/status`);
export const calendarYear = (year: number) => get<CalendarYear>(BASE, { year });
export const putDay = (day: string, body: { kind: CalendarDay['kind']; name: string }) =>
  api('PUT', `${BASE}/days/${day}`, body);
export const deleteDay = (day: string) => api('DELETE', `${BASE}/days/${day}`);
export const putYear = (year: number, days: CalendarDay[]) => api('PUT', `${BASE}/years/${year}`, { days });
