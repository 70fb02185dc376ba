import type { TopLevelSpec } from 'vega-lite';
import { buildRadarData, type RadarData, type RadarDataOptions, type RadarSeries } from './data.ts';

/** Deterministic font for SVG, PNG and browser alike (Vega measures SVG text without a canvas, so one known font keeps layouts identical). */
export const CHART_FONT = 'DejaVu Sans';

/** Paper-like colours: red for the first series, then blue, green, orange… (LLaVA-1.5 figure). */
export const SERIES_COLORS = ['#d62728', '#1f77b4', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

export interface RadarSpecInput extends RadarDataOptions {
  title?: string;
  axes: readonly string[];
  series: readonly RadarSeries[];
  width?: number;
  height?: number;
}

/**
 * Vega-Lite has no polar line marks (vega-lite `src/mark.ts` has arc and line, no polar line), so the radar is drawn in cartesian
 * coordinates computed by buildRadarData: rings, spokes, axis names, one line + points per series,
 * raw-value labels, "n/a" marks for missing values, and a legend.
 */
export function renderRadarSpec(input: RadarSpecInput): TopLevelSpec {
  const data = buildRadarData(input.axes, input.series, input);
  return radarSpecFromData(data, input);
}

export function radarSpecFromData(data: RadarData, input: RadarSpecInput): TopLevelSpec {
  const width = input.width ?? 560;
  const height = input.height ?? 500;
  const names = input.series.map((s) => s.name);
  const x = { field: 'x', type: 'quantitative', scale: { domain: [-1.7, 1.7] }, axis: null } as const;
  const y = { field: 'y', type: 'quantitative', scale: { domain: [-1.32, 1.32] }, axis: null } as const;
  const color = {
    field: 'series', type: 'nominal',
    scale: { domain: names, range: names.map((_, i) => SERIES_COLORS[i % SERIES_COLORS.length]!) },
    legend: { title: null, orient: 'bottom', columns: Math.min(2, Math.max(1, names.length)), labelLimit: 260, labelFontSize: 12, symbolSize: 120 },
  } as const;
  // Other layers share the scale; only the line layer declares the legend (avoids merge conflicts).
  const noLegendColor = { field: 'series', type: 'nominal' } as const;
  const ringRows = data.rings;
  const spokeRows = data.axes;
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(input.title ? { title: { text: input.title, anchor: 'middle', fontSize: 15 } } : {}),
    width, height,
    config: { font: CHART_FONT, view: { stroke: null }, background: 'white' },
    datasets: { rings: ringRows, axes: spokeRows, points: data.points, labels: data.labels, missing: data.missing },
    data: { name: 'points' },
    layer: [
      {
        data: { name: 'rings' },
        mark: { type: 'line', stroke: '#d0d0d0', strokeWidth: 0.8, interpolate: 'linear' },
        encoding: { x, y, detail: { field: 'ring', type: 'nominal' }, order: { field: 'idx', type: 'quantitative' } },
      },
      {
        data: { name: 'axes' },
        mark: { type: 'rule', stroke: '#c0c0c0', strokeWidth: 0.8 },
        encoding: { x, y, x2: { datum: 0 }, y2: { datum: 0 } },
      },
      {
        data: { name: 'axes' },
        mark: { type: 'text', fontSize: 12, fontWeight: 'bold', fill: '#333', align: { expr: 'datum.align' } },
        encoding: {
          x: { ...x, field: 'nameX' }, y: { ...y, field: 'nameY' }, text: { field: 'axis' },
          tooltip: [{ field: 'axis' }, { field: 'floor', format: '.1f' }, { field: 'ceil', format: '.1f' }],
        },
      },
      {
        // Nulls break the path: the closing row (idx N) closes complete series; gaps stay open.
        mark: { type: 'line', strokeWidth: 2, interpolate: 'linear', invalid: 'break-paths-show-domains' },
        encoding: {
          x, y, color, order: { field: 'idx', type: 'quantitative' },
          strokeDash: {
            field: 'kind', type: 'nominal',
            scale: { domain: ['measured', 'published'], range: [[1, 0], [6, 3]] }, legend: null,
          },
        },
      },
      {
        transform: [{ filter: `datum.idx < ${data.axes.length} && datum.r != null` }],
        mark: { type: 'point', filled: true, size: 36 },
        encoding: {
          x, y, color: noLegendColor,
          tooltip: [{ field: 'series' }, { field: 'axis' }, { field: 'label', title: 'value' }],
        },
      },
      {
        data: { name: 'labels' },
        mark: {
          type: 'text', fontSize: 11, fontWeight: 'bold',
          align: { expr: 'datum.align' }, baseline: { expr: 'datum.baseline' },
        },
        encoding: { x, y, text: { field: 'text' }, color: noLegendColor },
      },
      {
        data: { name: 'missing' },
        mark: { type: 'text', fontSize: 8, fontStyle: 'italic' },
        encoding: { x, y, text: { field: 'text' }, color: noLegendColor },
      },
    ],
  };
  return spec as unknown as TopLevelSpec;
}
