/**
 * 设备: the fleet (`GET /api/v1/admin/devices`, src/shared/fleet-api.ts) with its status from the heartbeat, queue
 * and oldest pending record, evaluator, version, clock offset, last reconciliation and key map in force; filters by
 * status (with counts), queue depth, department and name; revoke after a confirmation; 新建登记码 with the code
 * shown large for a technician to type. Only the roles that may revoke or enrol see those controls. Runs in the
 * browser.
 */
import { PlusOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Badge,
  Button,
  Card,
  Flex,
  Form,
  Input,
  InputNumber,
  Radio,
  Select,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import type { DevicePage, DeviceQuery, DeviceStatus, FleetDevice } from '../../../shared/fleet-api.js';
import { post, get } from '../../api.js';
import { useAuth } from '../../auth.js';
import { useCatalogue } from '../../catalogue.js';
import { useConfirmDestructive } from '../../components/confirm.js';
import { errorInWords } from '../../components/error-words.js';
import { ago, count, dateTime } from '../../components/format.js';
import { ErrorState, PageFrame } from '../../components/page-frame.js';
import { t, useLanguage } from '../../i18n.js';
import { EnrolmentDialog } from './enrolment-dialog.js';
import './messages.js';

type Filters = Omit<Partial<DeviceQuery>, 'cursor' | 'limit'>;

const STATUS_BADGE: Record<DeviceStatus, 'success' | 'error' | 'default'> = {
  online: 'success',
  offline: 'error',
  revoked: 'default',
};

interface EvaluatorStatus {
  state?: string;
  kind?: string | null;
  model?: string;
  firmware?: string;
}

function Evaluator({ value }: { value: unknown }) {
  const e = (value ?? {}) as EvaluatorStatus;
  if (!e.state) return <>—</>;
  const colour = e.state === 'connected' ? 'green' : e.state === 'none' ? 'default' : 'red';
  const detail = [e.model, e.firmware].filter(Boolean).join(' · ');
  return (
    <Flex vertical gap={2}>
      <span>
        <Tag color={colour}>{t(`devices.evaluator.${e.state}`)}</Tag>
      </span>
      {detail ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {detail}
        </Typography.Text>
      ) : null}
    </Flex>
  );
}

export function DevicesPage() {
  useLanguage();
  const { can, account } = useAuth();
  const { message } = App.useApp();
  const confirm = useConfirmDestructive();
  const queryClient = useQueryClient();
  const catalogue = useCatalogue();
  const [form] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({});
  const [status, setStatus] = useState<DeviceStatus | 'all'>('all');
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [enrolling, setEnrolling] = useState(false);
  const cursor = cursors.at(-1);
  const limit = 50;

  const query = { ...filters, ...(status === 'all' ? {} : { status }), limit, cursor };
  const page = useQuery({
    queryKey: ['devices', filters, status, cursor ?? null],
    queryFn: () => get<DevicePage>('/api/v1/admin/devices', query),
    placeholderData: keepPreviousData,
    // A kiosk goes offline after 90 s without a heartbeat: a page left open keeps up.
    refetchInterval: 30_000,
  });

  const revoke = useMutation({
    mutationFn: (device: FleetDevice) => post(`/api/v1/admin/devices/${device.id}/revoke`),
    onSuccess: () => {
      void message.success(t('devices.revoked'));
      void queryClient.invalidateQueries({ queryKey: ['devices'] });
      void queryClient.invalidateQueries({ queryKey: ['overview'] });
    },
    onError: (error) => void message.error(errorInWords(error)),
  });

  const departments =
    account?.role === 'handler'
      ? catalogue.departments.filter((d) => account.departments.includes(d.code))
      : catalogue.departments;
  const restart = () => setCursors([undefined]);

  const columns: ColumnsType<FleetDevice> = [
    {
      title: t('devices.name'),
      dataIndex: 'name',
      fixed: 'left',
      width: 170,
      render: (name: string, d) => (
        <Flex vertical gap={2}>
          <Typography.Text strong>{name}</Typography.Text>
          {d.mode === 'terminal' ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('devices.terminal')}
            </Typography.Text>
          ) : null}
        </Flex>
      ),
    },
    {
      title: t('devices.window'),
      dataIndex: 'windowCode',
      width: 190,
      render: (code: string | null, d) => (
        <Flex vertical gap={2}>
          <span>{catalogue.nameOf('windows', code)}</span>
          {d.departmentCode ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {catalogue.nameOf('departments', d.departmentCode)}
            </Typography.Text>
          ) : null}
        </Flex>
      ),
    },
    {
      title: t('devices.status'),
      dataIndex: 'status',
      width: 90,
      render: (s: DeviceStatus) => <Badge status={STATUS_BADGE[s]} text={t(`devices.status.${s}`)} />,
    },
    {
      title: t('devices.lastHeartbeat'),
      dataIndex: 'lastHeartbeatAt',
      width: 120,
      render: (v: string | null) =>
        v ? (
          <Tooltip title={dateTime(v)}>
            <span>{ago(v)}</span>
          </Tooltip>
        ) : (
          <Typography.Text type="secondary">{t('devices.never')}</Typography.Text>
        ),
    },
    {
      title: t('devices.queue'),
      dataIndex: 'queueDepth',
      width: 80,
      align: 'right',
      render: (n: number | null) => (n && n > 0 ? <Typography.Text strong>{count(n)}</Typography.Text> : count(n)),
    },
    {
      title: t('devices.oldestPending'),
      dataIndex: 'oldestPendingAt',
      width: 120,
      render: (v: string | null) =>
        v ? (
          <Tooltip title={dateTime(v)}>
            <Typography.Text type="warning">{ago(v)}</Typography.Text>
          </Tooltip>
        ) : (
          '—'
        ),
    },
    {
      title: t('devices.evaluator'),
      dataIndex: 'evaluator',
      width: 150,
      render: (v: unknown) => <Evaluator value={v} />,
    },
    { title: t('devices.version'), dataIndex: 'version', width: 80, render: (v: string | null) => v ?? '—' },
    {
      title: t('devices.clockOffset'),
      dataIndex: 'clockOffsetMs',
      width: 90,
      align: 'right',
      render: (ms: number | null) => {
        if (ms === null) return '—';
        const text = t('devices.clockOffset.value', { s: (ms / 1000).toFixed(1) });
        // The kiosk stamps its records with its own clock: more than a minute off deserves a look.
        return Math.abs(ms) > 60_000 ? <Typography.Text type="danger">{text}</Typography.Text> : text;
      },
    },
    {
      title: t('devices.lastReconciled'),
      dataIndex: 'lastReconciledAt',
      width: 120,
      render: (v: string | null) =>
        v ? (
          <Tooltip title={dateTime(v)}>
            <span>{ago(v)}</span>
          </Tooltip>
        ) : (
          '—'
        ),
    },
    {
      title: t('devices.keyMap'),
      dataIndex: 'keyMap',
      width: 140,
      render: (map: number[] | null, d) =>
        map ? (
          <Flex vertical gap={2}>
            <span style={{ fontFamily: 'monospace' }}>{map.join(' ')}</span>
            <span>
              <Tag color={d.keyMapSource === 'local' ? 'orange' : 'default'}>
                {t(`devices.keyMap.${d.keyMapSource ?? 'central'}`)}
              </Tag>
            </span>
          </Flex>
        ) : (
          '—'
        ),
    },
  ];
  if (can('devices.revoke')) {
    columns.push({
      title: t('devices.actions'),
      key: 'actions',
      fixed: 'right',
      width: 90,
      render: (_v, d) =>
        d.status === 'revoked' ? null : (
          <Button
            danger
            size="small"
            loading={revoke.isPending && revoke.variables?.id === d.id}
            onClick={() =>
              void confirm({
                title: t('devices.revoke.title', { name: d.name }),
                content: t('devices.revoke.content'),
                okText: t('devices.revoke'),
              }).then((yes) => yes && revoke.mutate(d))
            }
          >
            {t('devices.revoke')}
          </Button>
        ),
    });
  }

  const counts = page.data?.counts;
  const total = counts ? counts.online + counts.offline + counts.revoked : undefined;
  const label = (key: string, n: number | undefined) => `${t(key)}${n === undefined ? '' : ` ${n}`}`;
  return (
    <PageFrame
      title={t('menu.devices')}
      description={t('devices.description')}
      extra={
        <>
          <Button icon={<ReloadOutlined />} onClick={() => void page.refetch()} loading={page.isFetching}>
            {t('common.refresh')}
          </Button>
          {can('enrollments.create') ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEnrolling(true)}>
              {t('devices.enrol')}
            </Button>
          ) : null}
        </>
      }
    >
      <Card style={{ marginBottom: 16 }}>
        <Flex vertical gap={16}>
          <Radio.Group
            value={status}
            optionType="button"
            onChange={(e) => {
              setStatus(e.target.value as DeviceStatus | 'all');
              restart();
            }}
            options={[
              { value: 'all', label: label('devices.status.all', total) },
              { value: 'online', label: label('devices.status.online', counts?.online) },
              { value: 'offline', label: label('devices.status.offline', counts?.offline) },
              { value: 'revoked', label: label('devices.status.revoked', counts?.revoked) },
            ]}
          />
          <Form<Filters>
            form={form}
            layout="inline"
            onFinish={(values) => {
              setFilters(
                Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== null && v !== '')),
              );
              restart();
            }}
          >
            <Form.Item name="q" label={t('devices.name')}>
              <Input allowClear placeholder={t('devices.search')} style={{ width: 200 }} maxLength={64} />
            </Form.Item>
            <Form.Item name="departmentCode" label={t('devices.department')}>
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                placeholder={t('common.all')}
                style={{ width: 200 }}
                options={departments.map((d) => ({ value: d.code, label: `${d.name}（${d.code}）` }))}
              />
            </Form.Item>
            <Form.Item name="minQueue" label={t('devices.minQueue')}>
              <InputNumber min={0} precision={0} style={{ width: 120 }} />
            </Form.Item>
            <Form.Item>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
                {t('common.search')}
              </Button>
            </Form.Item>
          </Form>
        </Flex>
      </Card>
      <Card>
        {page.error ? (
          <ErrorState error={page.error} onRetry={() => void page.refetch()} />
        ) : (
          <Table<FleetDevice>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={page.data?.items ?? []}
            loading={page.isFetching && !page.data}
            pagination={false}
            locale={{ emptyText: page.isPending ? t('state.loading') : t('devices.empty') }}
            scroll={{ x: 1500 }}
            data-testid="devices-table"
          />
        )}
        <Flex justify="flex-end" gap={12} align="center" style={{ marginTop: 16 }}>
          <Typography.Text type="secondary">
            {t('common.pageN', { n: cursors.length })} · {t('common.shown', { n: page.data?.items.length ?? 0 })}
          </Typography.Text>
          <Button disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
            {t('common.previous')}
          </Button>
          <Button
            disabled={!page.data?.nextCursor || page.isPlaceholderData}
            onClick={() => setCursors((c) => [...c, page.data!.nextCursor!])}
          >
            {t('common.next')}
          </Button>
        </Flex>
      </Card>
      {enrolling ? <EnrolmentDialog windows={catalogue.windows} onClose={() => setEnrolling(false)} /> : null}
    </PageFrame>
  );
}
