/**
 * Pairing of two runs at the sample level (paired differences, Miller 2024, arXiv:2411.00640 §4): the same (suite, sampleId, repeat) scored
 * by the baseline and the current model. Pure functions over LoadedRun, shared with the regression gate.
 */
import type { SampleRecord } from '../core/record.ts';
import type { LoadedRun } from '../results/files.ts';

export interface RunModel {
  run: LoadedRun;
  model: string;
}

export interface ModelPair {
  baseline: RunModel;
  current: RunModel;
}

export function runModels(run: LoadedRun): string[] {
  return [...new Set([...(run.manifest.models ?? []).map((m) => m.id), ...run.summary.results.map((r) => r.model)])];
}

/**
 * Which model of the current run is compared with which of the baseline: same id first; the remaining
 * ones in order when both runs have the same number left (e.g. one GGUF build vs one ONNX export).
 */
export function pairModels(baseline: LoadedRun, current: LoadedRun): ModelPair[] {
  const b = runModels(baseline);
  const c = runModels(current);
  const pairs: ModelPair[] = [];
  for (const id of c) if (b.includes(id)) pairs.push({ baseline: { run: baseline, model: id }, current: { run: current, model: id } });
  const restB = b.filter((id) => !c.includes(id));
  const restC = c.filter((id) => !b.includes(id));
  if (restB.length === restC.length) {
    restC.forEach((id, i) => pairs.push({ baseline: { run: baseline, model: restB[i]! }, current: { run: current, model: id } }));
  }
  return pairs;
}

export interface PairedItem {
  sampleId: string;
  repeat: number;
  baseline: number;
  current: number;
  baselineRecord: SampleRecord;
  currentRecord: SampleRecord;
}

export interface PairedSuite {
  suite: string;
  /** Per-sample score key (the suite's headline). */
  metric: string;
  /** Every paired value is 0 or 1 (McNemar applies); otherwise graded (paired bootstrap). */
  binary: boolean;
  items: PairedItem[];
  /** Samples present on one side only, or unscored/errored on either side. */
  baselineOnly: number;
  currentOnly: number;
  unscored: number;
  /** Errors among paired keys, per side (a current-side error is worth a look even when excluded). */
  baselineErrors: number;
  currentErrors: number;
}

const itemKey = (r: SampleRecord) => `${r.sampleId}\u0000${r.repeat}`;

function scoreOf(r: SampleRecord, metric: string): number | null {
  if (r.error) return null;
  const v = r.scores[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Pair the records of one suite by (sampleId, repeat) on the given per-sample score key. */
export function pairSamples(suite: string, metric: string, baseline: readonly SampleRecord[], current: readonly SampleRecord[]): PairedSuite {
  const cur = new Map(current.map((r) => [itemKey(r), r]));
  const out: PairedSuite = { suite, metric, binary: false, items: [], baselineOnly: 0, currentOnly: 0, unscored: 0, baselineErrors: 0, currentErrors: 0 };
  const seen = new Set<string>();
  for (const b of baseline) {
    const k = itemKey(b);
    const c = cur.get(k);
    if (!c) { out.baselineOnly++; continue; }
    seen.add(k);
    if (b.error) out.baselineErrors++;
    if (c.error) out.currentErrors++;
    const vb = scoreOf(b, metric);
    const vc = scoreOf(c, metric);
    if (vb === null || vc === null) { out.unscored++; continue; }
    out.items.push({ sampleId: b.sampleId, repeat: b.repeat, baseline: vb, current: vc, baselineRecord: b, currentRecord: c });
  }
  out.currentOnly = current.filter((r) => !seen.has(itemKey(r))).length;
  out.items.sort((x, y) => x.sampleId.localeCompare(y.sampleId, 'en', { numeric: true }) || x.repeat - y.repeat);
  out.binary = out.items.length > 0 && out.items.every((i) => (i.baseline === 0 || i.baseline === 1) && (i.current === 0 || i.current === 1));
  return out;
}

/** The headline key of a model's suite summary, falling back to the first score key of its samples. */
export function headlineKey(run: LoadedRun, model: string, suite: string): string | undefined {
  const s = run.summary.results.find((r) => r.model === model && r.suite === suite);
  if (s?.headline) return s.headline;
  const rec = run.samples.find((r) => r.model === model && r.suite === suite && Object.keys(r.scores).length > 0);
  return rec ? Object.keys(rec.scores)[0] : undefined;
}

/** Pair every suite both sides ran, using the baseline's headline metric. */
export function pairSuites(pair: ModelPair): PairedSuite[] {
  const recs = (rm: RunModel) => {
    const by = new Map<string, SampleRecord[]>();
    for (const r of rm.run.samples) {
      if (r.model !== rm.model) continue;
      const l = by.get(r.suite);
      if (l) l.push(r); else by.set(r.suite, [r]);
    }
    return by;
  };
  const b = recs(pair.baseline);
  const c = recs(pair.current);
  const out: PairedSuite[] = [];
  for (const [suite, brecs] of b) {
    const crecs = c.get(suite);
    if (!crecs) continue;
    const metric = headlineKey(pair.baseline.run, pair.baseline.model, suite) ?? headlineKey(pair.current.run, pair.current.model, suite);
    if (!metric) continue; // performance suites have no per-sample score; compared on summary metrics only
    out.push(pairSamples(suite, metric, brecs, crecs));
  }
  return out;
}
