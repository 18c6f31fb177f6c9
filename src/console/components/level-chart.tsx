/**
 * Ratings by level as a bar chart (ECharts, tree-shaken from echarts/core: only the bar chart, its grid and
 * tooltip, and the canvas renderer). A module of its own, loaded by `LazyLevelChart` only on the pages that show a
 * chart. Runs in the browser.
 */
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { SATISFACTION_LEVELS, SATISFACTION_LABELS } from '../../shared/satisfaction.js';

echarts.use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

/** Calm colours, from green (非常满意) to red (非常不满意). */
const LEVEL_COLOURS: Record<number, string> = { 5: '#2f7d4f', 4: '#5a9e6f', 3: '#8fb59a', 2: '#d08a3c', 1: '#b8412f' };

export interface LevelChartProps {
  byLevel: Record<1 | 2 | 3 | 4 | 5, number>;
  language: 'zh-CN' | 'en';
  height?: number;
  /** The chart's name for a screen reader (the figures are in the page's text as well). */
  label: string;
}

export default function LevelChart({ byLevel, language, height = 220, label }: LevelChartProps) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const chart = echarts.init(element.current, undefined, { renderer: 'canvas' });
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(element.current!);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, []);
  useEffect(() => {
    const chart = echarts.getInstanceByDom(element.current!);
    chart?.setOption({
      animation: false,
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: 'item' },
      xAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#eef0f3' } } },
      yAxis: {
        type: 'category',
        inverse: true,
        data: SATISFACTION_LEVELS.map((l) => SATISFACTION_LABELS[l][language === 'en' ? 'en' : 'zh']),
        axisTick: { show: false },
      },
      series: [
        {
          type: 'bar',
          barMaxWidth: 18,
          data: SATISFACTION_LEVELS.map((l) => ({ value: byLevel[l], itemStyle: { color: LEVEL_COLOURS[l] } })),
          label: { show: true, position: 'right', color: '#434a54' },
        },
      ],
    });
  }, [byLevel, language]);
  return <div ref={element} role="img" aria-label={label} style={{ width: '100%', height }} />;
}
