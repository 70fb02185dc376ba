/**
 * Pure data preparation for radar charts (cartesian coordinates computed here, since Vega-Lite has no polar line mark): per-axis scaling with a floor and a
 * ceiling, cartesian coordinates, a closing row so lines close, nulls where a value is missing so the
 * line breaks instead of drawing a chord, and value-label positions. Everything here is unit-tested;
 * the Vega-Lite spec only draws these rows.
 */

export interface RadarSeries {
  name: string;
  /** Measured series are solid, published reference series dashed. */
  kind: 'measured' | 'published';
  /** Raw value per axis name; missing / null = not measured. */
  values: Readonly<Record<string, number | null | undefined>>;
}

/** Per-axis radial range: value `floor` sits at the inner ring, `ceil` at the outer ring. */
export interface AxisScale {
  axis: string;
  floor: number;
  ceil: number;
}

export type LabelMode = 'best' | 'all' | 'none';

export interface RadarDataOptions {
  /** Fixed [floor, ceil] per axis (comparable across runs); other axes scale from the data. */
  ranges?: Readonly<Record<string, readonly [number, number]>>;
  /** Which raw values are printed: the best per axis (as in the LLaVA-1.5 figure), all, or none. */
  labels?: LabelMode;
  /** Print "n/a" near the centre where a series has no value (default true; overlays with sparse series turn it off). */
  missingMarks?: boolean;
}

/** Radius of the innermost ring: a value at the floor stays visibly off the centre. */
export const INNER_RADIUS = 0.15;
/** Gap between a point and its value label, in radius units. */
export const LABEL_OFFSET = 0.09;

export interface AxisRow {
  axis: string;
  idx: number;
  /** Unit direction of the spoke (first axis at 12 o'clock, clockwise). */
  x: number;
  y: number;
  /** Axis-name position just outside the outer ring. */
  nameX: number;
  nameY: number;
  align: 'left' | 'right' | 'center';
  floor: number;
  ceil: number;
}

export interface RingRow { ring: number; idx: number; x: number; y: number }

export interface PointRow {
  series: string;
  kind: RadarSeries['kind'];
  axis: string;
  /** 0…N−1 for axes; N is the closing row that repeats axis 0. */
  idx: number;
  value: number | null;
  /** Scaled radius in [INNER_RADIUS, 1], null when missing (the line breaks there). */
  r: number | null;
  x: number | null;
  y: number | null;
  label: string;
}

export interface LabelRow {
  series: string;
  axis: string;
  text: string;
  x: number;
  y: number;
  align: 'left' | 'right' | 'center';
  baseline: 'top' | 'bottom' | 'middle';
}

export interface RadarData {
  axes: AxisRow[];
  rings: RingRow[];
  points: PointRow[];
  labels: LabelRow[];
  /** Series that have no value on some axis: drawn as an "n/a" mark near the centre. */
  missing: LabelRow[];
  scales: AxisScale[];
}

/** Angle of axis k of n: first axis at 12 o'clock, clockwise (Vega-Lite's y points up). */
export function axisAngle(k: number, n: number): number {
  return Math.PI / 2 - (2 * Math.PI * k) / n;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Floor and ceiling for one axis. Defaults follow the LLaVA-1.5 figure (LLaVA-1.5 paper, Figure 1):
 * the floor a little below the worst value, the ceiling 2% above the best, so the best model sits near,
 * not on, the outer ring.
 */
export function axisScale(axis: string, values: readonly number[], fixed?: readonly [number, number]): AxisScale {
  if (fixed) return { axis, floor: fixed[0], ceil: fixed[1] > fixed[0] ? fixed[1] : fixed[0] + 1 };
  if (values.length === 0) return { axis, floor: 0, ceil: 1 };
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const floor = lo - 0.1 * Math.abs(lo);
  let ceil = hi + 0.02 * Math.abs(hi);
  if (!(ceil > floor)) ceil = floor + 1;
  return { axis, floor, ceil };
}

/** Radius for a raw value: clamped to the axis range, then mapped onto [INNER_RADIUS, 1]. */
export function scaleRadius(value: number, scale: AxisScale): number {
  const t = (value - scale.floor) / (scale.ceil - scale.floor);
  return INNER_RADIUS + (1 - INNER_RADIUS) * Math.min(1, Math.max(0, t));
}

/** Raw values as the figure prints them (80.0, 1531.3). */
export function formatValue(v: number): string {
  return v.toFixed(1);
}

function alignFor(dx: number): AxisRow['align'] {
  return dx > 0.15 ? 'left' : dx < -0.15 ? 'right' : 'center';
}

function baselineFor(dy: number): LabelRow['baseline'] {
  return dy > 0.5 ? 'bottom' : dy < -0.5 ? 'top' : 'middle';
}

export function buildRadarData(axes: readonly string[], series: readonly RadarSeries[], opts: RadarDataOptions = {}): RadarData {
  const n = axes.length;
  const labelMode = opts.labels ?? 'best';
  const scales = axes.map((axis) =>
    axisScale(axis, series.map((s) => s.values[axis]).filter(isNum), opts.ranges?.[axis]));
  const dir = axes.map((_, k) => ({ x: Math.cos(axisAngle(k, n)), y: Math.sin(axisAngle(k, n)) }));

  const axisRows: AxisRow[] = axes.map((axis, k) => ({
    axis, idx: k, x: dir[k]!.x, y: dir[k]!.y,
    nameX: 1.27 * dir[k]!.x, nameY: 1.19 * dir[k]!.y,
    align: alignFor(dir[k]!.x), floor: scales[k]!.floor, ceil: scales[k]!.ceil,
  }));

  const rings: RingRow[] = [];
  for (const ring of [0, 0.25, 0.5, 0.75, 1].map((t) => INNER_RADIUS + (1 - INNER_RADIUS) * t)) {
    for (let k = 0; k <= n; k++) {
      const d = dir[k % n]!;
      rings.push({ ring, idx: k, x: ring * d.x, y: ring * d.y });
    }
  }

  const points: PointRow[] = [];
  const labels: LabelRow[] = [];
  const missing: LabelRow[] = [];
  series.forEach((s, si) => {
    for (let k = 0; k <= n; k++) {
      const axis = axes[k % n]!;
      const raw = s.values[axis];
      const value = isNum(raw) ? raw : null;
      const r = value === null ? null : scaleRadius(value, scales[k % n]!);
      const d = dir[k % n]!;
      points.push({
        series: s.name, kind: s.kind, axis, idx: k, value, r,
        x: r === null ? null : r * d.x, y: r === null ? null : r * d.y,
        label: value === null ? 'n/a' : formatValue(value),
      });
      if (k < n && value === null && opts.missingMarks !== false) {
        const rm = 0.05 + 0.05 * si;
        missing.push({ series: s.name, axis, text: 'n/a', x: rm * d.x, y: rm * d.y, align: 'center', baseline: 'middle' });
      }
    }
  });

  if (labelMode !== 'none') {
    axes.forEach((axis, k) => {
      const vals = series.map((s) => s.values[axis]).filter(isNum);
      if (vals.length === 0) return;
      const best = Math.max(...vals);
      const d = dir[k]!;
      for (const s of series) {
        const v = s.values[axis];
        if (!isNum(v) || (labelMode === 'best' && v !== best)) continue;
        const lr = scaleRadius(v, scales[k]!) + LABEL_OFFSET;
        labels.push({
          series: s.name, axis, text: formatValue(v), x: lr * d.x, y: lr * d.y,
          align: alignFor(d.x), baseline: baselineFor(d.y),
        });
        if (labelMode === 'best') break; // one label per axis, like the paper figure
      }
    });
  }
  return { axes: axisRows, rings, points, labels, missing, scales };
}

export interface MergedSeries { series: RadarSeries[]; /** Legend name → the series it stands for (only merged ones). */ merged: Map<string, string[]> }

/**
 * Series with exactly the same value on every axis would be drawn on top of each other (only the last
 * colour visible, a legend entry per copy): draw them once, as "4 models, identical" (two or three
 * names are listed instead).
 */
export function mergeIdentical(series: readonly RadarSeries[], axes: readonly string[]): MergedSeries {
  const groups = new Map<string, RadarSeries[]>();
  for (const s of series) {
    const key = `${s.kind}\u0000${axes.map((a) => (isNum(s.values[a]) ? String(s.values[a]) : '-')).join('\u0000')}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const merged = new Map<string, string[]>();
  const out = [...groups.values()].map((g) => {
    if (g.length === 1) return g[0]!;
    const name = g.length <= 3 ? `${g.map((s) => s.name).join(', ')} (identical)` : `${g.length} models, identical`;
    merged.set(name, g.map((s) => s.name));
    return { ...g[0]!, name };
  });
  return { series: out, merged };
}
