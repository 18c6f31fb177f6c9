/**
 * 差评工单: the counts per state, overdue and due soon at the top (each a filter), then the cases filtered by state,
 * department, handler, overdue, due soon and period, newest first, in keyset pages. A handler sees its departments'
 * cases only (the centre scopes the list, the counts and every case). No rater identity, no phone. Runs in the
 * browser.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, Checkbox, Col, DatePicker, Flex, Form, Row, Select, Statistic, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { CASE_STATES, type CaseState } from '../../../shared/cases.js';
import type { CaseListItem } from '../../../shared/cases-api.js';
import { useAuth } from '../../auth.js';
import { useCatalogue } from '../../catalogue.js';
import { count, dateTime } from '../../components/format.js';
import { ErrorState, PageFrame } from '../../components/page-frame.js';
import { t, useLanguage } from '../../i18n.js';
import { caseCounts, caseHandlers, casesKey, listCases, type CaseFilters } from './cases-client.js';
import { DeadlineTags, dueDay, LevelTag, StateTag } from './case-tags.js';
import './messages.js';
import { FilterButtons } from '../../components/filter-buttons.js';
import { KeysetPager, useKeysetPages } from '../../components/keyset-pager.js';

interface FilterForm {
  state?: CaseState;
  departmentCode?: string;
  handlerId?: string;
  period?: [{ format: (f: string) => string } | null, { format: (f: string) => string } | null] | null;
  overdue?: boolean;
  dueSoon?: boolean;
  open?: boolean;
}

const midnight = (day: string) => `${day}T00:00:00+08:00`;
function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The form's values as the API's query. */
export function caseFiltersOf(form: FilterForm): CaseFilters {
  const from = form.period?.[0]?.format('YYYY-MM-DD');
  const to = form.period?.[1]?.format('YYYY-MM-DD');
  return {
    ...(from ? { from: midnight(from) } : {}),
    ...(to ? { to: midnight(nextDay(to)) } : {}),
    ...(form.state ? { state: form.state } : {}),
    ...(form.departmentCode ? { departmentCode: form.departmentCode } : {}),
    ...(form.handlerId ? { handlerId: form.handlerId } : {}),
    ...(form.overdue ? { overdue: 'true' as const } : {}),
    ...(form.dueSoon ? { dueSoon: 'true' as const } : {}),
    ...(form.open ? { open: 'true' as const } : {}),
  };
}

/** The open states, in the order a case goes through them. */
const OPEN_STATES = CASE_STATES.filter((s) => s !== 'closed' && s !== 'invalid');

function Counts({ onPick }: { onPick: (filter: FilterForm) => void }) {
  const counts = useQuery({ queryKey: [...casesKey, 'counts'], queryFn: caseCounts, refetchInterval: 30_000 });
  if (counts.error) return <ErrorState error={counts.error} onRetry={() => void counts.refetch()} />;
  const c = counts.data;
  const tile = (key: string, label: string, value: number | undefined, filter: FilterForm, danger = false) => (
    <Card
      key={key}
      size="small"
      hoverable
      className="console-case-count"
      data-testid={`case-count-${key}`}
      onClick={() => onPick(filter)}
      role="button"
      aria-label={`${label} ${value ?? ''}`}
    >
      <Statistic
        title={label}
        value={value ?? '—'}
        loading={counts.isPending}
        styles={{ content: danger && value ? { color: '#cf1322' } : undefined }}
        formatter={(v) => count(Number(v))}
      />
    </Card>
  );
  return (
    <Flex wrap gap={12} style={{ marginBottom: 16 }} data-testid="case-counts">
      {tile('open', t('cases.counts.open'), c?.open, { open: true })}
      {tile('overdue', t('cases.counts.overdue'), c?.overdue, { overdue: true }, true)}
      {tile('dueSoon', t('cases.counts.dueSoon'), c?.dueSoon, { dueSoon: true })}
      {OPEN_STATES.map((s) => tile(s, t(`case.state.${s}`), c?.byState[s] ?? (c ? 0 : undefined), { state: s }))}
      {tile('closed', t('case.state.closed'), c?.byState.closed ?? (c ? 0 : undefined), { state: 'closed' })}
      {tile('invalid', t('case.state.invalid'), c?.byState.invalid ?? (c ? 0 : undefined), { state: 'invalid' })}
    </Flex>
  );
}

export function CasesPage() {
  useLanguage();
  const { account, can } = useAuth();
  const catalogue = useCatalogue();
  const navigate = useNavigate();
  const [form] = Form.useForm<FilterForm>();
  const [filters, setFilters] = useState<CaseFilters>({});
  const pages = useKeysetPages();
  const { limit, cursor } = pages;
  const departmentCode = Form.useWatch('departmentCode', form);

  const page = useQuery({
    queryKey: [...casesKey, filters, limit, cursor ?? null],
    queryFn: () => listCases(filters, limit, cursor),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
  const handlers = useQuery({
    queryKey: ['case-handlers', departmentCode],
    enabled: Boolean(departmentCode) && can('cases.act'),
    queryFn: () => caseHandlers(departmentCode!),
  });

  const search = (values: FilterForm) => {
    setFilters(caseFiltersOf(values));
    pages.reset();
  };
  const pick = (filter: FilterForm) => {
    form.resetFields();
    form.setFieldsValue(filter);
    search(filter);
  };

  const departments =
    account?.role === 'handler'
      ? catalogue.departments.filter((d) => account.departments.includes(d.code))
      : catalogue.departments;

  const columns: ColumnsType<CaseListItem> = [
    {
      title: t('cases.col.number'),
      dataIndex: 'number',
      width: 170,
      render: (v: string, row) => <Link to={`/cases/${row.id}`}>{v}</Link>,
    },
    { title: t('cases.col.state'), dataIndex: 'state', width: 120, render: (v: CaseState) => <StateTag state={v} /> },
    {
      title: t('cases.col.level'),
      dataIndex: 'satisfaction',
      width: 110,
      render: (v: number) => <LevelTag level={v} />,
    },
    {
      title: t('cases.col.department'),
      dataIndex: 'departmentCode',
      render: (v: string | null) => (v ? catalogue.nameOf('departments', v, false) : t('cases.triageQueue')),
    },
    {
      title: t('cases.col.window'),
      dataIndex: 'windowCode',
      render: (v: string | null) => catalogue.nameOf('windows', v),
    },
    {
      title: t('cases.col.item'),
      dataIndex: 'serviceItemCode',
      ellipsis: true,
      render: (v: string | null) => catalogue.nameOf('serviceItems', v),
    },
    {
      title: t('cases.col.handler'),
      dataIndex: 'handlerName',
      render: (v: string | null, row) =>
        v ?? (row.departmentCode ? <Typography.Text type="secondary">{t('cases.unassigned')}</Typography.Text> : '—'),
    },
    { title: t('cases.col.createdAt'), dataIndex: 'createdAt', width: 180, render: (v: string) => dateTime(v) },
    {
      title: t('cases.col.due'),
      key: 'due',
      width: 250,
      render: (_v, row) => (
        <Flex vertical gap={2}>
          <span>{row.dueAt ? t('case.dueDay', { day: dueDay(row.dueAt) }) : '—'}</span>
          <Flex gap={4} wrap>
            <DeadlineTags item={row} />
            {row.reopenCount ? <Tag color="orange">{t('cases.reopened', { n: row.reopenCount })}</Tag> : null}
          </Flex>
        </Flex>
      ),
    },
  ];

  const items = page.data?.items ?? [];
  return (
    <PageFrame title={t('menu.cases')} description={t('cases.description')}>
      <Counts onPick={pick} />
      <Card style={{ marginBottom: 16 }}>
        <Form<FilterForm>
          form={form}
          onFinish={search}
          className="console-filters"
          aria-label={t('common.search')}
          labelCol={{ flex: '72px' }}
          labelAlign="left"
          colon={false}
        >
          <Row gutter={[24, 0]}>
            <Col xs={24} md={12} xl={8} xxl={6}>
              <Form.Item name="state" label={t('cases.filter.state')}>
                <Select
                  allowClear
                  placeholder={t('common.all')}
                  options={CASE_STATES.map((s) => ({ value: s, label: t(`case.state.${s}`) }))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={8} xxl={6}>
              <Form.Item name="departmentCode" label={t('cases.filter.department')}>
                <Select
                  allowClear
                  showSearch={{ optionFilterProp: 'label' }}
                  placeholder={t('common.all')}
                  options={departments.map((d) => ({ value: d.code, label: `${d.name}（${d.code}）` }))}
                  onChange={() => form.setFieldsValue({ handlerId: undefined })}
                />
              </Form.Item>
            </Col>
            {can('cases.act') ? (
              <Col xs={24} md={12} xl={8} xxl={6}>
                <Form.Item name="handlerId" label={t('cases.filter.handler')}>
                  <Select
                    allowClear
                    disabled={!departmentCode}
                    loading={handlers.isFetching}
                    placeholder={t('common.all')}
                    options={(handlers.data?.items ?? []).map((h) => ({ value: h.id, label: h.displayName }))}
                  />
                </Form.Item>
              </Col>
            ) : null}
            <Col xs={24} md={12} xl={8} xxl={6}>
              <Form.Item name="period" label={t('cases.filter.period')}>
                <DatePicker.RangePicker allowEmpty={[true, true]} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col flex="auto">
              <Flex gap={16} align="center" wrap>
                <Form.Item name="overdue" valuePropName="checked" noStyle>
                  <Checkbox>{t('cases.filter.overdue')}</Checkbox>
                </Form.Item>
                <Form.Item name="dueSoon" valuePropName="checked" noStyle>
                  <Checkbox>{t('cases.filter.dueSoon')}</Checkbox>
                </Form.Item>
                <Form.Item name="open" valuePropName="checked" noStyle>
                  <Checkbox>{t('cases.filter.open')}</Checkbox>
                </Form.Item>
              </Flex>
            </Col>
            <Col flex="none">
              <FilterButtons onReset={() => search({})} />
            </Col>
          </Row>
        </Form>
      </Card>
      <Card>
        {page.error ? (
          <ErrorState error={page.error} onRetry={() => void page.refetch()} />
        ) : (
          <Table<CaseListItem>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={items}
            loading={page.isFetching && page.isPending}
            pagination={false}
            locale={{ emptyText: page.isPending ? t('state.loading') : t('cases.empty') }}
            scroll={{ x: 1300 }}
            data-testid="cases-table"
            onRow={(row) => ({ onDoubleClick: () => void navigate(`/cases/${row.id}`) })}
          />
        )}
        <Flex justify="space-between" align="center" style={{ marginTop: 16 }}>
          <Typography.Text type="secondary">{t('cases.privacy')}</Typography.Text>
          <KeysetPager
            pages={pages}
            shown={items.length}
            nextCursor={page.isPlaceholderData ? null : (page.data?.nextCursor ?? null)}
            busy={page.isFetching}
          />
        </Flex>
      </Card>
    </PageFrame>
  );
}
