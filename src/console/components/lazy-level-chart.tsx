/** The level chart, loaded (with ECharts) only when a page first shows it. Runs in the browser. */
import { Skeleton } from 'antd';
import { lazy, Suspense } from 'react';
import type { LevelChartProps } from './level-chart.js';

const LevelChart = lazy(() => import('./level-chart.js'));

export function LazyLevelChart(props: LevelChartProps) {
  return (
    <Suspense fallback={<Skeleton active paragraph={{ rows: 4 }} title={false} />}>
      <LevelChart {...props} />
    </Suspense>
  );
}
