/**
 * 工作日历: the working-day calendar every deadline is counted on. A year's holidays and 调休 workdays (seeded from
 * the chinese-days package, edited by an admin), whether the year is covered, a day edited or removed, and a whole
 * year entered from the State Council's 通知 (one line a day or range), which makes the year covered. The banner of
 * next year missing is on top of every page (the layout) from 1 November. Only an admin (calendar.write) gets the controls. Runs in the browser.
 */
import { CalendarOutlined, DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Form, Input, Modal, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { CalendarDayPut } from '../../../shared/cases-api.js';
import { beijingDay, type CalendarDay } from '../../../shared/work-calendar.js';
import { useAuth } from '../../auth.js';
import { useConfirmDestructive } from '../../components/confirm.js';
import { errorInWords } from '../../components/error-words.js';
import { ErrorState, PageFrame } from '../../components/page-frame.js';
import { t, useLanguage } from '../../i18n.js';
import { calendarKey, calendarStatus, calendarYear, deleteDay, putDay, putYear } from './calendar-client.js';
import './messages.js';
import { parseYearText, yearText } from './year-text.js';

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];
const weekdayOf = (day: string) => WEEKDAYS[new Date(`${day}T00:00:00Z`).getUTCDay()]!;

function DayDialog({ initial, onClose }: { initial: Partial<CalendarDay> | null; onClose: () => void }) {
  const [form] = Form.useForm<CalendarDay>();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const save = useMutation({
    mutationFn: (d: CalendarDay) => putDay(d.day, { kind: d.kind, name: d.name.trim() }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: calendarKey });
      void message.success(t('calendar.saved'));
      onClose();
    },
  });
  if (!initial) return null;
  return (
    <Modal
      open
      title={initial.day ? t('calendar.editDay', { day: initial.day }) : t('calendar.addDay')}
      okText={t('calendar.save')}
      cancelText={t('calendar.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={save.isPending}
      destroyOnHidden
    >
      <Form<CalendarDay>
        form={form}
        layout="vertical"
        initialValues={{ kind: 'holiday', ...initial }}
        onFinish={(v) => save.mutate(v)}
      >
        <Form.Item
          name="day"
          label={t('calendar.col.day')}
          rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/, message: t('calendar.dayRequired') }]}
        >
          <Input type="date" disabled={Boolean(initial.day)} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="kind" label={t('calendar.col.kind')} rules={[{ required: true }]}>
          <Radio.Group
            options={[
              { value: 'holiday', label: t('calendar.kind.holiday') },
              { value: 'workday', label: t('calendar.kind.workday') },
            ]}
          />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('calendar.col.name')}
          required
          rules={[
            {
              validator: async (_r, value: unknown) => {
                if (!CalendarDayPut.shape.name.safeParse(value ?? '').success)
                  throw new Error(t('calendar.nameRequired'));
              },
            },
          ]}
        >
          <Input maxLength={50} placeholder={t('calendar.namePlaceholder')} />
        </Form.Item>
        {save.error ? <Alert type="error" showIcon role="alert" title={errorInWords(save.error)} /> : null}
      </Form>
    </Modal>
  );
}

function YearDialog({ year, days, onClose }: { year: number | null; days: CalendarDay[]; onClose: () => void }) {
  const [text, setText] = useState(() => yearText(days));
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const save = useMutation({
    mutationFn: (d: CalendarDay[]) => putYear(year!, d),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: calendarKey });
      void message.success(t('calendar.yearSaved', { year: year! }));
      onClose();
    },
  });
  if (year === null) return null;
  const parsed = parseYearText(year, text);
  return (
    <Modal
      open
      width={720}
      title={t('calendar.enterYear', { year })}
      okText={t('calendar.saveYear')}
      cancelText={t('calendar.cancel')}
      okButtonProps={{ disabled: parsed.errors.length > 0 || parsed.days.length === 0 }}
      onOk={() => save.mutate(parsed.days)}
      onCancel={onClose}
      confirmLoading={save.isPending}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('calendar.enterYear.hint')}</Typography.Paragraph>
      <Input.TextArea
        aria-label={t('calendar.enterYear.text')}
        rows={14}
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder={`${year}-01-01 休 元旦\n${year}-02-06~${year}-02-12 休 春节\n${year}-02-14 班 春节调休`}
        style={{ fontFamily: 'monospace' }}
      />
      <div style={{ marginTop: 8 }} role="status">
        {parsed.errors.length ? (
          <Alert
            type="error"
            showIcon
            title={t('calendar.enterYear.errors', { n: parsed.errors.length })}
            description={parsed.errors.map((e) => (
              <div key={e.line}>{t('calendar.enterYear.line', { line: e.line, message: e.message })}</div>
            ))}
          />
        ) : (
          <Typography.Text type="secondary">
            {t('calendar.enterYear.summary', {
              holidays: parsed.days.filter((d) => d.kind === 'holiday').length,
              workdays: parsed.days.filter((d) => d.kind === 'workday').length,
            })}
          </Typography.Text>
        )}
      </div>
      {save.error ? <Alert type="error" showIcon role="alert" title={errorInWords(save.error)} /> : null}
    </Modal>
  );
}

export function CalendarPage() {
  useLanguage();
  const { can } = useAuth();
  const writable = can('calendar.write');
  const thisYear = Number(beijingDay(new Date()).slice(0, 4));
  const [year, setYear] = useState(thisYear);
  const [editing, setEditing] = useState<Partial<CalendarDay> | null>(null);
  const [entering, setEntering] = useState(false);
  const confirm = useConfirmDestructive();
  const queryClient = useQueryClient();
  const status = useQuery({ queryKey: [...calendarKey, 'status'], queryFn: calendarStatus, retry: false });
  const days = useQuery({ queryKey: [...calendarKey, year], queryFn: () => calendarYear(year) });
  const remove = useMutation({
    mutationFn: deleteDay,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: calendarKey }),
  });

  const years = [...new Set([...(status.data?.coveredYears ?? []), thisYear - 1, thisYear, thisYear + 1, year])].sort();
  const columns: ColumnsType<CalendarDay> = [
    { title: t('calendar.col.day'), dataIndex: 'day', width: 140 },
    { title: t('calendar.col.weekday'), key: 'weekday', width: 90, render: (_v, d) => `周${weekdayOf(d.day)}` },
    {
      title: t('calendar.col.kind'),
      dataIndex: 'kind',
      width: 120,
      render: (v: CalendarDay['kind']) => <Tag color={v === 'holiday' ? 'red' : 'blue'}>{t(`calendar.kind.${v}`)}</Tag>,
    },
    { title: t('calendar.col.name'), dataIndex: 'name' },
    ...(writable
      ? [
          {
            title: t('calendar.col.actions'),
            key: 'actions',
            width: 180,
            render: (_v: unknown, d: CalendarDay) => (
              <Space>
                <Button
                  size="small"
                  icon={<EditOutlined />}
                  onClick={() => setEditing(d)}
                  aria-label={t('calendar.editDay', { day: d.day })}
                >
                  {t('calendar.edit')}
                </Button>
                <Button
                  size="small"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={t('calendar.removeDay', { day: d.day })}
                  onClick={() =>
                    void confirm({
                      title: t('calendar.removeDay', { day: d.day }),
                      content: t('calendar.removeDay.content'),
                      okText: t('calendar.remove'),
                    }).then((ok) => ok && remove.mutate(d.day))
                  }
                >
                  {t('calendar.remove')}
                </Button>
              </Space>
            ),
          },
        ]
      : []),
  ];

  const data = days.data;
  return (
    <PageFrame
      title={t('menu.calendar')}
      description={t('calendar.description')}
      extra={
        writable ? (
          <>
            <Button icon={<PlusOutlined />} onClick={() => setEditing({})}>
              {t('calendar.addDay')}
            </Button>
            <Button type="primary" icon={<CalendarOutlined />} onClick={() => setEntering(true)}>
              {t('calendar.enterYear', { year })}
            </Button>
          </>
        ) : undefined
      }
    >
      <Card>
        <Flex align="center" gap={12} style={{ marginBottom: 16 }}>
          <Select
            aria-label={t('calendar.year')}
            value={year}
            style={{ width: 140 }}
            onChange={setYear}
            options={years.map((y) => ({ value: y, label: t('calendar.yearN', { year: y }) }))}
          />
          {data ? (
            data.covered ? (
              <Tag color="green" data-testid="calendar-covered">
                {t('calendar.covered')}
              </Tag>
            ) : (
              <Tag color="warning" data-testid="calendar-covered">
                {t('calendar.uncovered')}
              </Tag>
            )
          ) : null}
          {data ? (
            <Typography.Text type="secondary">
              {t('calendar.summary', {
                holidays: data.days.filter((d) => d.kind === 'holiday').length,
                workdays: data.days.filter((d) => d.kind === 'workday').length,
              })}
            </Typography.Text>
          ) : null}
        </Flex>
        {remove.error ? <Alert type="error" showIcon role="alert" title={errorInWords(remove.error)} /> : null}
        {days.error ? (
          <ErrorState error={days.error} onRetry={() => void days.refetch()} />
        ) : (
          <Table<CalendarDay>
            rowKey="day"
            size="small"
            columns={columns}
            dataSource={data?.days ?? []}
            loading={days.isFetching}
            pagination={false}
            locale={{ emptyText: days.isPending ? t('state.loading') : t('calendar.empty') }}
            data-testid="calendar-table"
          />
        )}
      </Card>
      <DayDialog initial={editing} onClose={() => setEditing(null)} />
      {entering ? <YearDialog year={year} days={data?.days ?? []} onClose={() => setEntering(false)} /> : null}
    </PageFrame>
  );
}
