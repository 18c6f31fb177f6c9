/**
 * From 1 November, when next year's holidays and 调休 are not yet in the working-day calendar, a banner says so
 * (GET /calendar/status), with a link to 工作日历: deadlines reaching into that year skip weekends only until an
 * admin enters it. Shown to whoever may read the calendar; nothing when the centre cannot say. Runs in the browser.
 */
import { useQuery } from '@tanstack/react-query';
import { Alert } from 'antd';
import { Link } from 'react-router';
import { useAuth } from '../../auth.js';
import { t } from '../../i18n.js';
import '../cases/menu-messages.js';
import { calendarKey, calendarStatus } from './calendar-client.js';

export function MissingYearBanner() {
  const { can } = useAuth();
  const status = useQuery({
    queryKey: [...calendarKey, 'status'],
    enabled: can('calendar.read'),
    queryFn: calendarStatus,
    staleTime: 10 * 60_000,
    retry: false,
  });
  const year = status.data?.missingNextYear;
  if (!year) return null;
  return (
    <Alert
      type="warning"
      showIcon
      banner
      style={{ marginBottom: 16 }}
      data-testid="calendar-missing-year"
      title={t('calendar.missingYear', { year })}
      action={<Link to="/calendar">{t('calendar.missingYear.link')}</Link>}
    />
  );
}
