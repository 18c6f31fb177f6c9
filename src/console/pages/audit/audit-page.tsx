/**
 * 审计 (issue 15): the audit log, newest first, with filters (actor, action, target, period), keyset paging (更早 /
 * 较新) and the Excel export of the same filters. Read-only for everybody, admins included (三员分立: nobody edits
 * or clears the log). Runs in the browser.
 */
import { DownloadOutlined, SearchOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, DatePicker, Flex, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import type { GetProps } from 'antd';
import { useState } from 'react';
import { AUDIT_ACTIONS, type AuditRecord } from '../../../shared/audit.js';
import { get, withQuery } from '../../api.js';
import { PageFrame, QueryState } from '../../components/page-frame.js';
import { t, useLanguage } from '../../i18n.js';
import { beijingTime } from '../config/form-rules.js';
import './messages.js';

type Range = NonNullable<GetProps<typeof DatePicker.RangePicker>['value']>;

interface Filters {
  actor?: string;
  action?: string;
  target?: string;
  from?: string;
  to?: string;
}

interface FilterForm {
  actor?: string;
  action?: string;
  target?: string;
  period?: Range | null;
}

const PAGE_SIZE = 50;
const RESULT_COLOURS: Record<AuditRecord['result'], string> = { ok: 'green', refused: 'orange', failed: 'red' };

function toFilters(v: FilterForm): Filters {
  const [start, end] = v.period ?? [];
  return {
    actor: v.actor?.trim() || undefined,
    action: v.action || undefined,
    target: v.target?.trim() || undefined,
    // Whole days, in the browser's time zone (the centre's staff are in Beijing): to is exclusive.
    from: start ? start.startOf('day').toISOString() : undefined,
    to: end ? end.startOf('day').add(1, 'day').toISOString() : undefined,
  };
}

export function AuditPage() {
  useLanguage();
  const [form] = Form.useForm<FilterForm>();
  const [filters, setFilters] = useState<Filters>({});
  /** The `before` of each page from the newest: the last one is the page shown. */
  const [cursors, setCursors] = useState<number[]>([]);
  const before = cursors.at(-1);
  const query = useQuery({
    queryKey: ['audit', filters, before],
    queryFn: () =>
      get<{ entries: AuditRecord[]; nextBefore: number | null }>('/api/v1/admin/audit', {
        ...filters,
        before,
        limit: PAGE_SIZE,
      }),
    placeholderData: (previous) => previous,
  });
  const exportUrl = withQuery('/api/v1/admin/audit/export.xlsx', { ...filters });

  return (
    <PageFrame
      title={t('menu.audit')}
      description={t('audit.description')}
      extra={
        <Button icon={<DownloadOutlined />} href={exportUrl} download data-testid="audit-export">
          {t('audit.export')}
        </Button>
      }
    >
      <Card size="small" style={{ marginBottom: 16 }}>
        <Form<FilterForm>
          form={form}
          layout="inline"
          onFinish={(v) => {
            setFilters(toFilters(v));
            setCursors([]);
          }}
          style={{ rowGap: 8 }}
        >
          <Form.Item name="actor" label={t('audit.actor')}>
            <Input allowClear placeholder={t('audit.actor.placeholder')} style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="action" label={t('audit.action')}>
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              placeholder={t('audit.any')}
              style={{ width: 220 }}
              options={AUDIT_ACTIONS.map((a) => ({ value: a, label: t(`audit.action.${a}`) }))}
            />
          </Form.Item>
          <Form.Item name="target" label={t('audit.target')}>
            <Input allowClear placeholder="staff:1001, staff:*" style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="period" label={t('audit.period')}>
            <DatePicker.RangePicker allowEmpty={[true, true]} />
          </Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
              {t('audit.search')}
            </Button>
            <Button
              onClick={() => {
                form.resetFields();
                setFilters({});
                setCursors([]);
              }}
            >
              {t('audit.clear')}
            </Button>
          </Space>
        </Form>
      </Card>
      <QueryState query={query} isEmpty={(page) => page.entries.length === 0} empty={t('audit.empty')}>
        {(page) => (
          <>
            <Table<AuditRecord>
              rowKey="seq"
              size="small"
              dataSource={page.entries}
              pagination={false}
              loading={query.isFetching}
              scroll={{ x: 1200 }}
              columns={[
                { title: t('audit.seq'), dataIndex: 'seq', width: 80 },
                { title: t('audit.at'), dataIndex: 'at', width: 170, render: (v: string) => beijingTime(v) },
                {
                  title: t('audit.actor'),
                  key: 'actor',
                  width: 200,
                  render: (_, e) => (
                    <span>
                      {e.actor.name ?? e.actor.id ?? t('audit.anonymous')}
                      {e.actor.role ? (
                        <Typography.Text type="secondary"> · {t(`role.${e.actor.role}`)}</Typography.Text>
                      ) : null}
                      {e.actor.kind === 'api_key' ? <Tag style={{ marginLeft: 6 }}>API</Tag> : null}
                    </span>
                  ),
                },
                {
                  title: t('audit.action'),
                  dataIndex: 'action',
                  width: 200,
                  render: (a: string) => (
                    <span title={a}>
                      {t(`audit.action.${a}`)}
                      <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                        {a}
                      </Typography.Text>
                    </span>
                  ),
                },
                { title: t('audit.target'), dataIndex: 'target', width: 220, render: (v: string | null) => v ?? '—' },
                {
                  title: t('audit.result'),
                  dataIndex: 'result',
                  width: 90,
                  render: (r: AuditRecord['result']) => <Tag color={RESULT_COLOURS[r]}>{t(`audit.result.${r}`)}</Tag>,
                },
                { title: 'IP', dataIndex: 'ip', width: 130, render: (v: string | null) => v ?? '—' },
                {
                  title: t('audit.summary'),
                  dataIndex: 'summary',
                  render: (s: Record<string, unknown> | null) =>
                    s ? (
                      <Typography.Text
                        code
                        ellipsis={{ tooltip: JSON.stringify(s, null, 1) }}
                        style={{ maxWidth: 360 }}
                      >
                        {JSON.stringify(s)}
                      </Typography.Text>
                    ) : (
                      '—'
                    ),
                },
              ]}
            />
            <Flex justify="flex-end" gap={8} style={{ marginTop: 12 }}>
              <Button disabled={cursors.length === 0} onClick={() => setCursors([])}>
                {t('audit.newest')}
              </Button>
              <Button disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
                {t('audit.newer')}
              </Button>
              <Button
                disabled={page.nextBefore === null}
                onClick={() => page.nextBefore !== null && setCursors([...cursors, page.nextBefore])}
              >
                {t('audit.older')}
              </Button>
            </Flex>
          </>
        )}
      </QueryState>
    </PageFrame>
  );
}
