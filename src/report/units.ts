import type { MetricValue } from '../core/record.ts';
import { NON_PERCENT_AXES } from './radar/axes.ts';

/**
 * The report's one unit convention: accuracy-type metrics as percentages with one decimal (fractions
 * in [0, 1] are scaled ×100, as the LLaVA papers print them), MME on its own 0–2000 scale, latency in
 * ms and throughput in tok/s or req/s with one decimal, counts as integers. Stated once on the page
 * (UNIT_LEGEND) so cells carry no units.
 */
export type UnitKind = 'percent' | 'points' | 'ms' | 'rate' | 'count' | 'raw';

export const UNIT_LEGEND = 'Accuracy-type scores are percentages with one decimal (fractions ×100); MME keeps its 0–2000 scale; ' +
  'OCRBench is its points total; latency in ms, throughput in tok/s or req/s. Hover a cell for its 95% interval and n.';

/** Kind of a metric from its declared unit, with the axis for MME-like scales. */
export function unitKind(m: Pick<MetricValue, 'unit' | 'value'>, axis?: string): UnitKind {
  const u = (m.unit ?? '').toLowerCase();
  if (axis && NON_PERCENT_AXES.has(axis)) return 'points';
  if (u === 'ms' || u === 's') return 'ms';
  if (u.includes('/s')) return 'rate';
  if (u === 'count' || u === 'req') return 'count';
  if (u === '%' || u.startsWith('anls') || u === '') return 'percent';
  if (u === 'points' || u.startsWith('score')) return 'points';
  return 'raw';
}

/** Multiplier that brings a metric to the convention: unitless fractions become percentages. */
function scaleOf(m: Pick<MetricValue, 'unit' | 'value'>, kind: UnitKind): number {
  if (kind !== 'percent' || m.unit) return 1;
  return typeof m.value === 'number' && Math.abs(m.value) <= 1 ? 100 : 1;
}

export interface Displayed {
  /** Number on the convention's scale (null = not measured). */
  value: number | null;
  /** Cell text without a unit. */
  text: string;
  /** Interval text "[a, b]" on the same scale, or ''. */
  ci: string;
  kind: UnitKind;
  /** Unit suffix for places that show units (terminal, tooltips). */
  unit: string;
}

const num = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

export function fmtNumber(v: number | null | undefined, kind: UnitKind): string {
  if (!num(v)) return '—';
  if (kind === 'count') return Number.isInteger(v) ? String(v) : v.toFixed(1);
  if (kind === 'raw' && Math.abs(v) < 1 && v !== 0) return v.toFixed(3);
  return v.toFixed(1);
}

function unitSuffix(m: Pick<MetricValue, 'unit'>, kind: UnitKind): string {
  if (kind === 'percent') return '%';
  if (kind === 'points') return m.unit && m.unit !== 'points' ? m.unit : '';
  return m.unit ?? '';
}

/** A metric on the report's convention. */
export function display(m: MetricValue | undefined, axis?: string): Displayed {
  if (!m) return { value: null, text: '—', ci: '', kind: 'raw', unit: '' };
  const kind = unitKind(m, axis);
  const k = scaleOf(m, kind);
  const value = num(m.value) ? m.value * k : null;
  const ci = m.ci ? `[${fmtNumber(m.ci[0] * k, kind)}, ${fmtNumber(m.ci[1] * k, kind)}]` : '';
  return { value, text: fmtNumber(value, kind), ci, kind, unit: unitSuffix(m, kind) };
}

/** "61.2 % [55.0, 67.1]": value, unit and interval in one string (terminal, tooltips). */
export function displayText(m: MetricValue | undefined, axis?: string): string {
  const d = display(m, axis);
  if (d.value === null) return '—';
  return `${d.text}${d.unit ? ` ${d.unit}` : ''}${d.ci ? ` ${d.ci}` : ''}`;
}
