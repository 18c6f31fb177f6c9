/**
 * 评价记录: every invitation's outcome, filtered by period, department, window, staff, service item, level,
 * channel and outcome, in keyset pages (上一页 / 下一页 over the API's cursors: no page numbers, so that the
 * 10-millionth row costs what the first does). Names come from the catalogue. No identity: the API gives no rater,
 * and the page shows neither 办件编号 nor 取号 number, which name the citizen. Runs in the browser.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, Col, DatePicker, Flex, Form, Row, Select, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { EVALUATION_OUTCOMES } from '../../../shared/central-api.js';
import { CHANNELS } from '../../../shared/channels.js';
import type { EvaluationListItem, EvaluationPage, EvaluationQuery } from '../../../shared/evaluations-api.js';
import { SATISFACTION_LEVELS } from '../../../shared/satisfaction.js';
import { get } from '../../api.js';
import { useAuth } from '../../auth.js';
import { useCatalogue } from '../../catalogue.js';
import { dateTime } from '../../components/format.js';
import { ErrorState, PageFrame } from '../../components/page-frame.js';
import { t, useLanguage } from '../../i18n.js';
import './messages.js';
import { FilterButtons } from '../../components/filter-buttons.js';
import { KeysetPager, useKeysetPages } from '../../components/keyset-pager.js';

/** The filters of the form; `period` holds the picker's own values (dates), read through their `format`. */
interface FilterForm {
  period?: [{ format: (f: string) => string } | null, { format: (f: string) => string } | null] | null;
  departmentCode?: string;
  windowCode?: string;
  staffNo?: string;
  serviceItemCode?: string;
  satisfaction?: number;
  channel?: string;
  outcome?: string;
}

type Filters = Omit<Partial<EvaluationQuery>, 'cursor' | 'limit' | 'order'>;

/** A day of the centre (Beijing time) → its midnight, and the next day's (the API's `to` is exclusive). */
const midnight = (day: string) => `${day}T00:00:00+08:00`;
function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The form's values as the API's query. */
export function filtersOf(form: FilterForm): Filters {
  const from = form.period?.[0]?.format('YYYY-MM-DD');
  const to = form.period?.[1]?.format('YYYY-MM-DD');
  const filters: Filters = {
    ...(from ? { from: midnight(from) } : {}),
    ...(to ? { to: midnight(nextDay(to)) } : {}),
  };
  for (const key of ['departmentCode', 'windowCode', 'staffNo', 'serviceItemCode', 'channel', 'outcome'] as const) {
    const value = form[key];
    if (value) (filters as Record<string, unknown>)[key] = value;
  }
  if (form.satisfaction) filters.satisfaction = form.satisfaction;
  return filters;
}

const LEVEL_TAG: Record<number, string> = { 5: 'green', 4: 'green', 3: 'default', 2: 'orange', 1: 'red' };

function ResultCell({ item }: { item: EvaluationListItem }) {
  if (item.outcome === 'rated' && item.satisfaction) {
    return (
      <>
        <Tag color={LEVEL_TAG[item.satisfaction]}>{t(`level.${item.satisfaction}`)}</Tag>
        {item.invalid && <Tag title={t('evaluations.invalidHint')}>{t('evaluations.invalid')}</Tag>}
      </>
    );
  }
  return <Typography.Text type="secondary">{t(`evaluations.outcome.${item.outcome}`)}</Typography.Text>;
}

export function EvaluationsPage() {
  useLanguage();
  const { account } = useAuth();
  const catalogue = useCatalogue();
  const [form] = Form.useForm<FilterForm>();
  const [filters, setFilters] = useState<Filters>({});
  const pages = useKeysetPages();
  const { limit, cursor } = pages;
  const departmentCode = Form.useWatch('departmentCode', form);

  const page = useQuery({
    queryKey: ['evaluations', filters, limit, cursor ?? null],
    queryFn: () => get<EvaluationPage>('/api/v1/admin/evaluations', { ...filters, order: 'desc', limit, cursor }),
    placeholderData: keepPreviousData,
  });

  const search = (values: FilterForm) => {
    setFilters(filtersOf(values));
    pages.reset();
  };

  // A handler's department filter offers its own departments only (the centre scopes the answer regardless).
  const departments =
    account?.role === 'handler'
      ? catalogue.departments.filter((d) => account.departments.includes(d.code))
      : catalogue.departments;
  const inDepartment = <T extends { departmentCode?: string }>(rows: T[]) =>
    departmentCode ? rows.filter((r) => r.departmentCode === departmentCode) : rows;
  const option = (e: { code: string; name: string }) => ({ value: e.code, label: `${e.name}（${e.code}）` });

  const columns: ColumnsType<EvaluationListItem> = [
    { title: t('evaluations.invitedAt'), dataIndex: 'invitedAt', width: 180, render: (v: string) => dateTime(v) },
    {
      title: t('evaluations.department'),
      dataIndex: 'departmentCode',
      render: (v: string | null) => catalogue.nameOf('departments', v, false),
    },
    {
      title: t('evaluations.window'),
      dataIndex: 'windowCode',
      render: (v: string | null) => catalogue.nameOf('windows', v),
    },
    {
      title: t('evaluations.staff'),
      dataIndex: 'staffNo',
      render: (v: string | null, row) => (
        <>
          {catalogue.nameOf('staff', v)}
          {row.staffUnknown ? (
            <Tag color="warning" style={{ marginLeft: 6 }}>
              {t('evaluations.staffUnknown')}
            </Tag>
          ) : null}
        </>
      ),
    },
    {
      title: t('evaluations.item'),
      dataIndex: 'serviceItemCode',
      ellipsis: true,
      render: (v: string | null) => catalogue.nameOf('serviceItems', v),
    },
    { title: t('evaluations.channel'), dataIndex: 'channel', render: (v: string) => t(`channel.${v}`) },
    {
      title: t('evaluations.result'),
      key: 'result',
      width: 120,
      render: (_v, row) => <ResultCell item={row} />,
    },
    {
      title: t('evaluations.source'),
      dataIndex: 'source',
      width: 130,
      render: (v: string | null, row) => (
        <>
          {v ? t(`source.${v}`) : '—'}
          {row.localKeyMap ? (
            <Tooltip title={row.localKeyMap.join(' ')}>
              <Tag style={{ marginLeft: 6 }}>{t('evaluations.localKeyMap')}</Tag>
            </Tooltip>
          ) : null}
        </>
      ),
    },
  ];

  const items = page.data?.items ?? [];
  return (
    <PageFrame title={t('menu.evaluations')} description={t('evaluations.description')}>
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
              <Form.Item name="period" label={t('evaluations.period')}>
                <DatePicker.RangePicker allowEmpty={[true, true]} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={8} xxl={6}>
              <Form.Item name="departmentCode" label={t('evaluations.department')}>
                <Select
                  allowClear
                  showSearch={{ optionFilterProp: 'label' }}
                  placeholder={t('common.all')}
                  options={departments.map(option)}
                  onChange={() =>
                    form.setFieldsValue({ windowCode: undefined, staffNo: undefined, serviceItemCode: undefined })
                  }
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={8} xxl={6}>
              <Form.Item name="windowCode" label={t('evaluations.window')}>
                <Select
                  allowClear
                  showSearch={{ optionFilterProp: 'label' }}
                  placeholder={t('common.all')}
                  options={inDepartment(catalogue.windows).map(option)}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={8} xxl={6}>
              <Form.Item name="staffNo" label={t('evaluations.staff')}>
                <Select
                  allowClear
                  showSearch={{ optionFilterProp: 'label' }}
                  placeholder={t('common.all')}
                  options={inDepartment(catalogue.staff).map(option)}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={8} xxl={6}>
              <Form.Item name="serviceItemCode" label={t('evaluations.item')}>
                <Select
                  allowClear
                  showSearch={{ optionFilterProp: 'label' }}
                  placeholder={t('common.all')}
                  options={inDepartment(catalogue.serviceItems).map(option)}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={8} xxl={6}>
              <Form.Item name="satisfaction" label={t('evaluations.level')}>
                <Select
                  allowClear
                  placeholder={t('common.all')}
                  options={SATISFACTION_LEVELS.map((l) => ({ value: l, label: t(`level.${l}`) }))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={8} xxl={6}>
              <Form.Item name="channel" label={t('evaluations.channel')}>
                <Select
                  allowClear
                  placeholder={t('common.all')}
                  options={CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={8} xxl={6}>
              <Form.Item name="outcome" label={t('evaluations.outcome')}>
                <Select
                  allowClear
                  placeholder={t('common.all')}
                  options={EVALUATION_OUTCOMES.map((o) => ({ value: o, label: t(`evaluations.outcome.${o}`) }))}
                />
              </Form.Item>
            </Col>
            <Col flex="auto">
              <FilterButtons onReset={() => search({})} />
            </Col>
          </Row>
        </Form>
      </Card>
      <Card>
        {page.error ? (
          <ErrorState error={page.error} onRetry={() => void page.refetch()} />
        ) : (
          <Table<EvaluationListItem>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={items}
            loading={page.isFetching}
            pagination={false}
            locale={{ emptyText: page.isPending ? t('state.loading') : t('evaluations.empty') }}
            scroll={{ x: 1100 }}
            data-testid="evaluations-table"
          />
        )}
        <Flex justify="space-between" align="center" style={{ marginTop: 16 }}>
          <Typography.Text type="secondary">{t('evaluations.privacy')}</Typography.Text>
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
