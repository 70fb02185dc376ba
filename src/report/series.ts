import type { SuiteSummary } from '../core/record.ts';
import type { LoadedRun } from '../results/files.ts';
import { axisForSuite, EXTRA_AXIS_NAMES, HEADLINE_AXIS, NON_PERCENT_AXES, orderAxes } from './radar/axes.ts';
import type { RadarSeries } from './radar/data.ts';

/** One model inside one run: the unit a report draws as a series. */
export interface ModelSeries {
  run: LoadedRun;
  model: string;
  /** Display name: the model id, suffixed with the run id when several runs share model ids. */
  name: string;
}

export function modelSeries(runs: readonly LoadedRun[]): ModelSeries[] {
  const all = runs.flatMap((run) => {
    const ids = new Set([...run.manifest.models.map((m) => m.id), ...run.summary.results.map((r) => r.model)]);
    return [...ids].map((model) => ({ run, model }));
  });
  const counts = new Map<string, number>();
  for (const s of all) counts.set(s.model, (counts.get(s.model) ?? 0) + 1);
  return all.map((s) => ({ ...s, name: (counts.get(s.model) ?? 0) > 1 ? `${s.model} · ${s.run.summary.runId}` : s.model }));
}

/** Performance suites (latency-like headline) are not radar material. */
export function isPerfSummary(s: SuiteSummary): boolean {
  if (s.suite === 'latency' || s.suite === 'throughput') return true;
  const head = s.headline ? s.metrics[s.headline] : undefined;
  return head?.better === 'lower';
}

/**
 * Headline value on the published scale. Suites that declare a unit ('%', 'ANLS×100', 'points') are
 * taken as they are; a unitless value in [0, 1] is a fraction and becomes a percentage so measured and
 * published series share an axis; MME-like axes keep their raw scale.
 */
export function headlineValue(s: SuiteSummary, axis?: string): number | null {
  const m = s.headline ? s.metrics[s.headline] : undefined;
  if (!m || typeof m.value !== 'number' || !Number.isFinite(m.value)) return null;
  if ((axis && NON_PERCENT_AXES.has(axis)) || m.unit) return m.value;
  return Math.abs(m.value) <= 1 ? m.value * 100 : m.value;
}

/**
 * Axis a suite is drawn on: the benchmark its headline names (the combined `ocr` suite), else its
 * LLaVA-1.5 figure axis when mapped, else the suite id itself.
 */
export function radarAxisOf(suite: string, headline?: string): string {
  return (headline && Object.hasOwn(HEADLINE_AXIS, headline) ? HEADLINE_AXIS[headline] : undefined) ?? axisForSuite(suite) ?? EXTRA_AXIS_NAMES[suite.toLowerCase()] ?? suite;
}

/**
 * LLaVA-Bench is only comparable with the published figures under the published protocol (judge
 * `compat: llava`, LLaVA `llava/eval/summarize_gpt_review.py`). Other modes get their own, labelled
 * axis, so they never share one with a published number (the overlay chart draws published axes only).
 */
export const LLAVA_BENCH_AXIS_LABELS = {
  robust: 'LLaVA-Bench (compat robust)',
  noJudge: 'LLaVA-Bench (no judge: ROUGE-L)',
} as const;

/** The axis a suite summary is drawn on: radarAxisOf, with LLaVA-Bench's protocol in the label when it is not upstream's. */
export function summaryAxis(r: SuiteSummary): string {
  const axis = radarAxisOf(r.suite, r.headline);
  if (axis !== 'LLaVA-Bench') return axis;
  if (r.headline === 'rougeL_nojudge') return LLAVA_BENCH_AXIS_LABELS.noJudge;
  // Summaries written before the mode was renamed say 'default' for 'robust'.
  const compat = (r.tables?.judge as { compat?: string } | undefined)?.compat;
  return compat === undefined || compat === 'llava' ? axis : LLAVA_BENCH_AXIS_LABELS.robust;
}

/**
 * Measured radar series: one per model series, headline of each quality suite on its axis. Suites that
 * share an axis are combined: LLaVA-Bench categories as a ratio of means over all their questions (as
 * the official summary computes the overall score), other suites as an n-weighted mean.
 */
export function measuredRadar(series: readonly ModelSeries[]): { axes: string[]; series: RadarSeries[] } {
  const axisNames: string[] = [];
  const out = series.map((s) => {
    const acc = new Map<string, { sum: number; n: number; model: number; ref: number; ratio: boolean }>();
    for (const r of s.run.summary.results) {
      if (r.model !== s.model || isPerfSummary(r)) continue;
      const axis = summaryAxis(r);
      const v = headlineValue(r, axis);
      axisNames.push(axis);
      if (v === null) continue;
      const w = Math.max(1, r.metrics[r.headline!]?.n ?? 1);
      const model = r.metrics.model_score?.value;
      const ref = r.metrics.ref_score?.value;
      const judged = typeof model === 'number' && typeof ref === 'number';
      const a = acc.get(axis) ?? { sum: 0, n: 0, model: 0, ref: 0, ratio: true };
      acc.set(axis, {
        sum: a.sum + v * w, n: a.n + w,
        model: a.model + (judged ? model * w : 0), ref: a.ref + (judged ? ref * w : 0), ratio: a.ratio && judged,
      });
    }
    const values: Record<string, number> = {};
    for (const [axis, a] of acc) values[axis] = a.ratio && a.ref > 0 ? (100 * a.model) / a.ref : a.sum / a.n;
    return { name: s.name, kind: 'measured' as const, values };
  });
  return { axes: orderAxes(axisNames), series: out };
}
