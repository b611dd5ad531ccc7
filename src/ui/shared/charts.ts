// Bar charts of per-emotion metrics (the paper's Figs. 2–3), drawn as SVG by Observable Plot.
import * as Plot from '@observablehq/plot';
import { EMOTIONS, type Emotion } from '../../model/emotions.ts';

export interface MetricBar {
  emotion: Emotion | 'mean';
  metric: 'UAR' | 'F1';
  /** Percent; NaN bars (undefined rate) are left out. */
  value: number;
}

/** Grouped bars: one facet per emotion (+ mean), one bar per metric. */
export function metricBarChart(bars: MetricBar[], opts: { width?: number } = {}): SVGSVGElement | HTMLElement {
  const data = bars.filter((b) => Number.isFinite(b.value));
  const chart = Plot.plot({
    width: opts.width ?? 560,
    height: 260,
    marginLeft: 44,
    style: { fontSize: '12px', background: 'transparent' },
    fx: { domain: [...EMOTIONS, 'mean'], label: null, padding: 0.15 },
    x: { domain: ['UAR', 'F1'], axis: null, padding: 0.1 },
    y: { domain: [0, 100], label: 'percent', grid: true },
    color: { domain: ['UAR', 'F1'], range: ['#3b4cca', '#e8710a'], legend: true },
    marks: [
      Plot.barY(data, { fx: 'emotion', x: 'metric', y: 'value', fill: 'metric', title: (d: MetricBar) => `${d.emotion} ${d.metric} ${d.value.toFixed(1)}%` }),
      Plot.text(data, { fx: 'emotion', x: 'metric', y: 'value', text: (d: MetricBar) => d.value.toFixed(0), dy: -6, fontSize: 10 }),
      Plot.ruleY([0]),
    ],
  });
  chart.setAttribute('role', 'img');
  chart.setAttribute(
    'aria-label',
    `Bar chart of UAR and F1 per emotion: ${data.map((d) => `${d.emotion} ${d.metric} ${d.value.toFixed(1)}%`).join('; ')}`,
  );
  return chart;
}
