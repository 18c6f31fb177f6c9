/**
 * 意见箱 (issue 17, 第十一条; docs/suggestions.md): what people left on the public page, newest first, filtered by
 * state and kind, with each item's deadline; an item opens in a drawer with its timeline and the actions the
 * signed-in role may take in its state (SUGGESTION_ACTIONS): the centre refers, answers, closes, or turns a 投诉 into
 * a 差评 case; a department's handler answers what was referred to it. The contact is never shown. Runs in the
 * browser.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Drawer,
  Flex,
  Form,
  Input,
  Popconfirm,
  Select,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { Link } from 'react-router';
import {
  MAX_ANSWER_LENGTH,
  SUGGESTION_ACTIONS,
  SUGGESTION_KINDS,
  SUGGESTION_STATES,
  type SuggestionAction,
  type SuggestionActionRequest,
  type SuggestionDetail,
  type SuggestionItem,
  type SuggestionKind,
  type SuggestionState,
} from '../../../shared/suggestions.js';
import { useAuth } from '../../auth.js';
import { useCatalogue } from '../../catalogue.js';
import { dateTime } from '../../components/format.js';
import { KeysetPager, useKeysetPages } from '../../components/keyset-pager.js';
import { ErrorState, PageFrame } from '../../components/page-frame.js';
import { t, useLanguage } from '../../i18n.js';
import { dueDay } from '../cases/case-tags.js';
import '../cases/messages.js';
import { adminErrorInWords } from '../config/form-rules.js';
import {
  actOn,
  listSuggestions,
  suggestionDetail,
  suggestionsKey,
  type SuggestionFilters,
} from './suggestions-client.js';
import './messages.js';

const STATE_COLOR: Record<SuggestionState, string> = {
  pending: 'orange',
  referred: 'blue',
  answered: 'cyan',
  closed: 'green',
};
const KIND_COLOR: Record<SuggestionKind, string> = {
  suggestion: 'geekblue',
  complaint: 'volcano',
  inquiry: 'purple',
  praise: 'green',
};

const StateTag = ({ state }: { state: SuggestionState }) => (
  <Tag color={STATE_COLOR[state]} data-testid="suggestion-state" data-state={state}>
    {t(`suggestion.state.${state}`)}
  </Tag>
);
const KindTag = ({ kind }: { kind: SuggestionKind }) => (
  <Tag color={KIND_COLOR[kind]}>{t(`suggestion.kind.${kind}`)}</Tag>
);

export function SuggestionsPage() {
  useLanguage();
  const catalogue = useCatalogue();
  const [filters, setFilters] = useState<SuggestionFilters>({});
  const [openId, setOpenId] = useState<string | null>(null);
  const pages = useKeysetPages();
  const { limit, cursor } = pages;
  const page = useQuery({
    queryKey: [...suggestionsKey, filters, limit, cursor ?? null],
    queryFn: () => listSuggestions(filters, limit, cursor),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
  const filter = (next: SuggestionFilters) => {
    setFilters(next);
    pages.reset();
  };

  const columns: ColumnsType<SuggestionItem> = [
    {
      title: t('suggestions.col.number'),
      dataIndex: 'number',
      width: 170,
      render: (v: string, row) => (
        <Typography.Link onClick={() => setOpenId(row.id)} data-testid="suggestion-open">
          {v}
        </Typography.Link>
      ),
    },
    {
      title: t('suggestions.col.kind'),
      dataIndex: 'kind',
      width: 90,
      render: (v: SuggestionKind) => <KindTag kind={v} />,
    },
    {
      title: t('suggestions.col.state'),
      dataIndex: 'state',
      width: 100,
      render: (v: SuggestionState) => <StateTag state={v} />,
    },
    { title: t('suggestions.col.text'), dataIndex: 'text', ellipsis: true },
    {
      title: t('suggestions.col.department'),
      dataIndex: 'departmentCode',
      width: 180,
      render: (v: string | null) => catalogue.nameOf('departments', v, false),
    },
    { title: t('suggestions.col.createdAt'), dataIndex: 'createdAt', width: 180, render: (v: string) => dateTime(v) },
    {
      title: t('suggestions.col.due'),
      key: 'due',
      width: 230,
      render: (_v, row) => (
        <Flex gap={4} wrap align="center">
          <span>{row.dueAt ? t('case.dueDay', { day: dueDay(row.dueAt) }) : '—'}</span>
          {row.overdue ? <Tag color="red">{t('suggestions.overdue')}</Tag> : null}
        </Flex>
      ),
    },
  ];

  const items = page.data?.items ?? [];
  return (
    <PageFrame title={t('menu.suggestions')} description={t('suggestions.description')}>
      <Card style={{ marginBottom: 16 }}>
        <Flex gap={16} wrap>
          <Select<SuggestionState>
            allowClear
            aria-label={t('suggestions.filter.state')}
            placeholder={t('suggestions.filter.state')}
            style={{ width: 200 }}
            value={filters.state}
            onChange={(state) => filter({ ...filters, state })}
            options={SUGGESTION_STATES.map((s) => ({ value: s, label: t(`suggestion.state.${s}`) }))}
          />
          <Select<SuggestionKind>
            allowClear
            aria-label={t('suggestions.filter.kind')}
            placeholder={t('suggestions.filter.kind')}
            style={{ width: 200 }}
            value={filters.kind}
            onChange={(kind) => filter({ ...filters, kind })}
            options={SUGGESTION_KINDS.map((k) => ({ value: k, label: t(`suggestion.kind.${k}`) }))}
          />
        </Flex>
      </Card>
      <Card>
        {page.error ? (
          <ErrorState error={page.error} onRetry={() => void page.refetch()} />
        ) : (
          <Table<SuggestionItem>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={items}
            loading={page.isFetching && page.isPending}
            pagination={false}
            locale={{ emptyText: page.isPending ? t('state.loading') : t('suggestions.empty') }}
            scroll={{ x: 1100 }}
            data-testid="suggestions-table"
          />
        )}
        <Flex justify="space-between" align="center" style={{ marginTop: 16 }}>
          <Typography.Text type="secondary">{t('suggestions.privacy')}</Typography.Text>
          <KeysetPager
            pages={pages}
            shown={items.length}
            nextCursor={page.isPlaceholderData ? null : (page.data?.nextCursor ?? null)}
            busy={page.isFetching}
          />
        </Flex>
      </Card>
      <Drawer
        open={openId !== null}
        onClose={() => setOpenId(null)}
        size="large"
        title={t('suggestions.detail')}
        destroyOnHidden
      >
        {openId ? <SuggestionView id={openId} /> : null}
      </Drawer>
    </PageFrame>
  );
}

/** The actions the signed-in role may take on `item`: the centre all that its state allows, a handler only 答复. */
function actionsFor(item: SuggestionDetail, role: string | undefined, mayAct: boolean): SuggestionAction[] {
  if (!mayAct) return [];
  return (Object.keys(SUGGESTION_ACTIONS) as SuggestionAction[]).filter((action) => {
    if (!(SUGGESTION_ACTIONS[action].from as readonly string[]).includes(item.state)) return false;
    if (role === 'handler') return action === 'answer';
    return action !== 'toCase' || item.kind === 'complaint';
  });
}

function SuggestionView({ id }: { id: string }) {
  const { account, can } = useAuth();
  const catalogue = useCatalogue();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const detail = useQuery({ queryKey: [...suggestionsKey, 'item', id], queryFn: () => suggestionDetail(id) });
  const act = useMutation({
    mutationFn: (request: SuggestionActionRequest) => actOn(id, request),
    onSuccess: async (after) => {
      queryClient.setQueryData([...suggestionsKey, 'item', id], after);
      await queryClient.invalidateQueries({ queryKey: suggestionsKey });
      message.success(t('suggestions.done'));
    },
  });
  if (detail.error) return <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />;
  const item = detail.data;
  if (!item) return <Typography.Text type="secondary">{t('state.loading')}</Typography.Text>;
  const actions = actionsFor(item, account?.role, can('suggestions.act'));
  const departments = catalogue.departments.map((d) => ({ value: d.code, label: `${d.name}（${d.code}）` }));

  return (
    <Flex vertical gap={16} data-testid="suggestion-view">
      <Descriptions column={1} bordered size="small">
        <Descriptions.Item label={t('suggestions.col.number')}>{item.number}</Descriptions.Item>
        <Descriptions.Item label={t('suggestions.col.kind')}>
          <KindTag kind={item.kind} />
        </Descriptions.Item>
        <Descriptions.Item label={t('suggestions.col.state')}>
          <StateTag state={item.state} />
          {item.overdue ? <Tag color="red">{t('suggestions.overdue')}</Tag> : null}
        </Descriptions.Item>
        <Descriptions.Item label={t('suggestions.col.text')}>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{item.text}</Typography.Paragraph>
        </Descriptions.Item>
        <Descriptions.Item label={t('suggestions.col.department')}>
          {catalogue.nameOf('departments', item.departmentCode, false)}
        </Descriptions.Item>
        <Descriptions.Item label={t('suggestions.col.createdAt')}>{dateTime(item.createdAt)}</Descriptions.Item>
        <Descriptions.Item label={t('suggestions.col.due')}>
          {item.dueAt ? t('case.dueDay', { day: dueDay(item.dueAt) }) : '—'}
        </Descriptions.Item>
        {item.hasContact ? (
          <Descriptions.Item label={t('suggestions.contact')}>{t('suggestions.privacy')}</Descriptions.Item>
        ) : null}
        {item.answer ? (
          <Descriptions.Item label={t('suggestions.answer')}>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{item.answer}</Typography.Paragraph>
          </Descriptions.Item>
        ) : null}
      </Descriptions>
      {item.caseId ? (
        <Alert
          type="info"
          showIcon
          title={t('suggestions.toCase.done')}
          action={<Link to={`/cases/${item.caseId}`}>{t('suggestions.openCase')}</Link>}
        />
      ) : null}

      {actions.includes('refer') ? (
        <Card size="small" title={t('suggestion.action.refer')}>
          <Form<{ departmentCode: string; note?: string }>
            layout="vertical"
            onFinish={(v) =>
              act.mutate({ action: 'refer', departmentCode: v.departmentCode, note: v.note || undefined })
            }
          >
            <Form.Item name="departmentCode" label={t('suggestions.referTo')} rules={[{ required: true }]}>
              <Select showSearch={{ optionFilterProp: 'label' }} options={departments} />
            </Form.Item>
            <Form.Item name="note" label={t('suggestions.note')}>
              <Input maxLength={500} />
            </Form.Item>
            <Button htmlType="submit" loading={act.isPending}>
              {t('suggestion.action.refer')}
            </Button>
          </Form>
        </Card>
      ) : null}
      {actions.includes('answer') ? (
        <Card size="small" title={t('suggestion.action.answer')}>
          <Form<{ answer: string }>
            layout="vertical"
            onFinish={(v) => act.mutate({ action: 'answer', answer: v.answer })}
          >
            <Form.Item name="answer" rules={[{ required: true, whitespace: true }]}>
              <Input.TextArea
                rows={4}
                maxLength={MAX_ANSWER_LENGTH}
                aria-label={t('suggestions.answer')}
                placeholder={t('suggestions.answer.placeholder')}
              />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={act.isPending}>
              {t('suggestion.action.answer')}
            </Button>
          </Form>
        </Card>
      ) : null}
      <Flex gap={8} wrap>
        {actions.includes('close') ? (
          <Button type="primary" loading={act.isPending} onClick={() => act.mutate({ action: 'close' })}>
            {t('suggestion.action.close')}
          </Button>
        ) : null}
        {actions.includes('toCase') ? (
          <Popconfirm
            title={t('suggestions.toCase.confirm')}
            onConfirm={() => act.mutate({ action: 'toCase', departmentCode: item.departmentCode ?? undefined })}
          >
            <Button danger loading={act.isPending}>
              {t('suggestion.action.toCase')}
            </Button>
          </Popconfirm>
        ) : null}
      </Flex>
      {act.error ? <Alert type="error" showIcon title={adminErrorInWords(act.error)} /> : null}

      <Typography.Title level={5}>{t('suggestions.timeline')}</Typography.Title>
      <Timeline
        data-testid="suggestion-timeline"
        items={item.events.map((e, i) => ({
          key: i,
          color: e.toState === 'closed' ? 'green' : 'blue',
          content: (
            <Flex vertical>
              <span>
                {e.action === 'created' ? t('suggestions.event.created') : t(`suggestion.action.${e.action}`)} ·{' '}
                {t(`suggestion.state.${e.toState}`)} · {e.action === 'created' ? t('suggestions.public') : e.actorName}
              </span>
              <Typography.Text type="secondary">{dateTime(e.at)}</Typography.Text>
              {e.note ? <span style={{ whiteSpace: 'pre-wrap' }}>{e.note}</span> : null}
            </Flex>
          ),
        }))}
      />
    </Flex>
  );
}
