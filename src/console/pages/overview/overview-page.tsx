/**
 * 总览: today and this month (ratings, 满意率, 差评 and their levels as a chart), the kiosks online and offline, and
 * the oldest record still waiting on a kiosk. From `GET /api/v1/admin/overview`, within the role's departments.
 * Runs in the browser.
 */
import { ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Empty, Flex, Row, Statistic, Tooltip, Typography } from 'antd';
import { Link } from 'react-router';
import type { Overview, PeriodFigures } from '../../../shared/overview-api.js';
import { get } from '../../api.js';
import { useAuth } from '../../auth.js';
import { ago, count, dateTime, percent } from '../../components/format.js';
import { LazyLevelChart } from '../../components/lazy-level-chart.js';
import { PageFrame, QueryState } from '../../components/page-frame.js';
import { t, useLanguage } from '../../i18n.js';
import './messages.js';

export const overviewQuery = {
  queryKey: ['overview'],
  queryFn: () => get<Overview>('/api/v1/admin/overview'),
  // A wall screen in the supervisors' office may keep it open all day.
  refetchInterval: 60_000,
};

function PeriodCard({ title, figures, testId }: { title: string; figures: PeriodFigures; testId: string }) {
  const lang = useLanguage();
  return (
    <Card title={title} data-testid={testId}>
      <Row gutter={16}>
        <Col span={6}>
          <Statistic title={t('overview.rated')} value={count(figures.rated)} />
        </Col>
        <Col span={6}>
          <Statistic
            title={
              <Tooltip title={t('overview.satisfactionRate.hint')}>
                <span>{t('overview.satisfactionRate')}</span>
              </Tooltip>
            }
            value={percent(figures.satisfactionRate)}
          />
        </Col>
        <Col span={6}>
          <Statistic
            title={t('overview.bad')}
            value={count(figures.bad)}
            styles={{ content: figures.bad > 0 ? { color: '#b8412f' } : {} }}
          />
          <Typography.Text type="secondary">
            {t('overview.badRate', { rate: percent(figures.badRate) })}
            {figures.invalid > 0 && ` · ${t('overview.invalid', { n: count(figures.invalid) })}`}
          </Typography.Text>
        </Col>
        <Col span={6}>
          <Statistic title={t('overview.cancelled')} value={count(figures.cancelled)} />
          <Typography.Text type="secondary">
            {t('overview.unrated')} {count(figures.unrated)}
          </Typography.Text>
        </Col>
      </Row>
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('overview.byLevel')}
      </Typography.Title>
      {figures.rated === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('overview.noRatings')} />
      ) : (
        <LazyLevelChart
          byLevel={figures.byLevel}
          language={lang}
          label={t('overview.byLevel.label', { period: title })}
        />
      )}
    </Card>
  );
}

function FleetCard({ overview }: { overview: Overview }) {
  const { can } = useAuth();
  const { devices, oldestPendingAt } = overview;
  return (
    <Card
      title={t('overview.fleet')}
      data-testid="overview-fleet"
      extra={can('devices.read') ? <Link to="/devices">{t('overview.toDevices')}</Link> : null}
    >
      <Row gutter={16}>
        <Col span={4}>
          <Statistic
            title={t('overview.online')}
            value={count(devices.online)}
            styles={{ content: { color: '#2f7d4f' } }}
          />
        </Col>
        <Col span={4}>
          <Statistic
            title={t('overview.offline')}
            value={count(devices.offline)}
            styles={{ content: devices.offline > 0 ? { color: '#b8412f' } : {} }}
          />
        </Col>
        <Col span={4}>
          <Statistic title={t('overview.revoked')} value={count(devices.revoked)} />
        </Col>
        <Col span={12}>
          <Statistic
            title={t('overview.oldestPending')}
            value={oldestPendingAt ? ago(oldestPendingAt, Date.parse(overview.asOf)) : '—'}
            styles={{ content: oldestPendingAt ? { color: '#b36b00' } : {} }}
          />
          <Typography.Text type="secondary">
            {oldestPendingAt ? dateTime(oldestPendingAt) : t('overview.oldestPending.none')}
          </Typography.Text>
        </Col>
      </Row>
    </Card>
  );
}

export function OverviewPage() {
  useLanguage();
  const overview = useQuery(overviewQuery);
  return (
    <PageFrame
      title={t('menu.overview')}
      description={t('overview.description')}
      extra={
        <Flex align="center" gap={12}>
          {overview.data ? (
            <Typography.Text type="secondary">
              {t('overview.asOf', { time: dateTime(overview.data.asOf) })}
            </Typography.Text>
          ) : null}
          <Button icon={<ReloadOutlined />} onClick={() => void overview.refetch()} loading={overview.isFetching}>
            {t('common.refresh')}
          </Button>
        </Flex>
      }
    >
      <QueryState query={overview}>
        {(o) => (
          <Flex vertical gap={16}>
            <Row gutter={16}>
              <Col xs={24} xl={12}>
                <PeriodCard title={t('overview.today')} figures={o.today} testId="overview-today" />
              </Col>
              <Col xs={24} xl={12}>
                <PeriodCard title={t('overview.month')} figures={o.month} testId="overview-month" />
              </Col>
            </Row>
            <FleetCard overview={o} />
          </Flex>
        )}
      </QueryState>
    </PageFrame>
  );
}
