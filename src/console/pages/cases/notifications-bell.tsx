/**
 * The header's notifications: a bell with the number unread, and the list of the signed-in account's own
 * notifications (a new 差评 of its department, an assignment, a deadline near or past, the daily digest), each
 * opening its case and marked read; 全部已读. Polled every 30 s. No personal data: the centre writes the sentences
 * from codes. When the centre cannot answer, the bell stays, without a number. Runs in the browser.
 */
import { BellOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Empty, Flex, List, Popover, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { Notification } from '../../../shared/cases-api.js';
import { useAuth } from '../../auth.js';
import { ago } from '../../components/format.js';
import { t } from '../../i18n.js';
import { markAllRead, markRead, notifications, notificationsKey } from './cases-client.js';
import './menu-messages.js';

const KIND_COLOR: Record<Notification['kind'], string> = {
  case_created: 'red',
  case_assigned: 'blue',
  deadline_warning: 'warning',
  overdue: 'volcano',
  daily_digest: 'default',
};

export function NotificationsBell() {
  const { can } = useAuth();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const enabled = can('notifications.read');
  const list = useQuery({
    queryKey: notificationsKey,
    enabled,
    queryFn: notifications,
    refetchInterval: 30_000,
    retry: false,
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: notificationsKey });
  const read = useMutation({ mutationFn: markRead, onSettled: refresh });
  const readAll = useMutation({ mutationFn: markAllRead, onSettled: refresh });
  if (!enabled) return null;
  const unread = list.data?.unread ?? 0;

  const openOne = (n: Notification) => {
    if (!n.readAt) read.mutate(n.id);
    setOpen(false);
    if (n.caseId) void navigate(`/cases/${n.caseId}`);
  };

  const content = (
    <div style={{ width: 380 }} data-testid="notifications-list">
      {list.error ? (
        <Typography.Text type="secondary">{t('notifications.unavailable')}</Typography.Text>
      ) : list.data && list.data.items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.empty')} />
      ) : (
        <List<Notification>
          size="small"
          loading={list.isPending}
          dataSource={list.data?.items ?? []}
          style={{ maxHeight: 420, overflowY: 'auto' }}
          renderItem={(n) => (
            <List.Item
              key={n.id}
              onClick={() => openOne(n)}
              style={{ cursor: n.caseId ? 'pointer' : 'default' }}
              data-testid="notification"
              data-unread={n.readAt ? 'false' : 'true'}
            >
              <Flex vertical gap={2} style={{ width: '100%' }}>
                <Flex justify="space-between" align="center">
                  <span>
                    <Tag color={KIND_COLOR[n.kind]}>{t(`notifications.kind.${n.kind}`)}</Tag>
                    {n.caseNumber ? <Typography.Text strong={!n.readAt}>{n.caseNumber}</Typography.Text> : null}
                  </span>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {ago(n.createdAt)}
                  </Typography.Text>
                </Flex>
                <Typography.Text type={n.readAt ? 'secondary' : undefined}>{n.text}</Typography.Text>
              </Flex>
            </List.Item>
          )}
        />
      )}
    </div>
  );

  return (
    <Popover
      open={open}
      onOpenChange={setOpen}
      trigger="click"
      placement="bottomRight"
      title={
        <Flex justify="space-between" align="center">
          <span>{t('notifications.title')}</span>
          <Button
            size="small"
            type="link"
            disabled={!unread}
            loading={readAll.isPending}
            onClick={() => readAll.mutate()}
          >
            {t('notifications.readAll')}
          </Button>
        </Flex>
      }
      content={content}
    >
      <Badge count={unread} size="small" offset={[-6, 6]}>
        <Button
          type="text"
          className="console-header-button"
          icon={<BellOutlined />}
          aria-label={t('notifications.open', { n: unread })}
          data-testid="notifications-bell"
        />
      </Badge>
    </Popover>
  );
}
