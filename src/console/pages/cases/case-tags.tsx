/** The tags a case shows in the list and on its page: its state, its level, and its deadline's flags. Runs in the browser. */
import { Space, Tag } from 'antd';
import type { CaseState } from '../../../shared/cases.js';
import type { CaseListItem } from '../../../shared/cases-api.js';
import { dateTime } from '../../components/format.js';
import { t } from '../../i18n.js';

const STATE_COLOR: Record<CaseState, string> = {
  triage: 'magenta',
  assigned: 'orange',
  verifying: 'gold',
  invalid_requested: 'purple',
  rectifying: 'volcano',
  explain_requested: 'purple',
  answered: 'cyan',
  revisit: 'blue',
  review: 'geekblue',
  closed: 'green',
  invalid: 'default',
};

export function StateTag({ state }: { state: CaseState }) {
  return (
    <Tag color={STATE_COLOR[state]} data-testid="case-state" data-state={state}>
      {t(`case.state.${state}`)}
    </Tag>
  );
}

export function LevelTag({ level }: { level: number }) {
  return (
    <Tag color={level <= 1 ? 'red' : level === 2 ? 'orange' : level === 3 ? 'default' : 'green'}>
      {t(`level.${level}`)}
    </Tag>
  );
}

export function DeadlineTags({ item }: { item: Pick<CaseListItem, 'overdue' | 'dueSoon' | 'extensionPending'> }) {
  return (
    <Space size={4} wrap>
      {item.overdue ? <Tag color="red">{t('case.deadline.overdue')}</Tag> : null}
      {!item.overdue && item.dueSoon ? <Tag color="warning">{t('case.deadline.dueSoon')}</Tag> : null}
      {item.extensionPending ? <Tag color="blue">{t('case.extension')}</Tag> : null}
    </Space>
  );
}

/**
 * A deadline as the hall's staff say it: the last working day, whose end (24:00 Beijing) `dueAt` is, rather than
 * the next day's 00:00.
 */
export function dueDay(dueAt: string): string {
  return dateTime(new Date(Date.parse(dueAt) - 1).toISOString()).slice(0, 10);
}
