/**
 * Pairing of two runs at the sample level, driven by each suite's HeadlinePairing declaration: the same
 * (suite, sampleId, repeat) scored by the baseline and the current model, on the per-sample keys the
 * suite says its headline is computed from. Pure functions over LoadedRun, shared with the regression gate.
 */
import type { SampleRecord } from '../core/record.ts';
import type { HeadlinePairing } from '../core/suite.ts';
import type { LoadedRun } from '../results/files.ts';

export interface RunModel {
  run: LoadedRun;
  model: string;
}

export interface ModelPair {
  baseline: RunModel;
  current: RunModel;
}

/** Suite id (as in records) → its declarations; the CLI fills it from the suite registry. */
export type SuitePairings = ReadonlyMap<string, readonly HeadlinePairing[]>;

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

/** One sample's value: `value` (numerator for ratios), `den` the ratio's denominator. */
export interface SampleValue {
  sampleId: string;
  repeat: number;
  value: number;
  den?: number;
  cluster: string;
  record: SampleRecord;
}

export interface PairedItem {
  sampleId: string;
  repeat: number;
  baseline: number;
  current: number;
  baselineDen?: number;
  currentDen?: number;
  cluster: string;
  baselineRecord: SampleRecord;
  currentRecord: SampleRecord;
}

/**
 * - paired: items matched by (sampleId, repeat);
 * - unpaired: both sides have values but no sample matches (different datasets): an explicit, labelled
 *   fallback that compares the two samples independently;
 * - distribution: per-request measurements, compared as two distributions (never item by item);
 * - none: nothing to compare (no declaration, no values, or a distribution on different hardware).
 */
export type PairingMode = 'paired' | 'unpaired' | 'distribution' | 'none';

export interface PairedSuite {
  suite: string;
  /** The summary metric the declaration reproduces ('' when there is none). */
  metric: string;
  declaration?: HeadlinePairing;
  mode: PairingMode;
  /** Every paired value is 0 or 1. */
  binary: boolean;
  items: PairedItem[];
  /** Unpaired and distribution modes: each side's values on its own. */
  baselineValues: SampleValue[];
  currentValues: SampleValue[];
  /** Samples present on one side only, or unscored/errored on either side. */
  baselineOnly: number;
  currentOnly: number;
  unscored: number;
  /** Errors among paired keys, per side (a current-side error is worth a look even when excluded). */
  baselineErrors: number;
  currentErrors: number;
  /** Why the mode is unpaired or none, for the reader. */
  note?: string;
}

const itemKey = (r: { sampleId: string; repeat: number }) => `${r.sampleId}\u0000${r.repeat}`;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The declared value(s) of a record, or null when it is errored, out of the subset, or unscored. */
function valueOf(r: SampleRecord, d: HeadlinePairing): { value: number; den?: number } | null {
  if (r.error) return null;
  const v = num(r.scores[d.scores[0]!]);
  if (v === null) return null;
  if (d.test !== 'bootstrap-ratio') return { value: v };
  const den = num(r.scores[d.scores[1]!]);
  return den === null ? null : { value: v, den };
}

const inSubset = (r: SampleRecord, d: HeadlinePairing) => !d.where || r.meta?.[d.where.meta] === d.where.equals;

/**
 * Values of one side's records under a declaration: the `where` subset, then `groupBy` collapsing
 * (a group is 1 only when every item of it is 1; its id is the group value).
 */
export function declaredValues(records: readonly SampleRecord[], d: HeadlinePairing): { values: SampleValue[] } {
  const values: SampleValue[] = [];
  for (const r of records) {
    if (!inSubset(r, d)) continue;
    const v = valueOf(r, d);
    if (!v) continue;
    const cluster = d.clusterBy ? String(r.meta?.[d.clusterBy] ?? r.sampleId) : r.sampleId;
    values.push({ sampleId: r.sampleId, repeat: r.repeat, ...v, cluster, record: r });
  }
  if (!d.groupBy) return { values };
  const groups = new Map<string, SampleValue>();
  for (const v of values) {
    const g = String(v.record.meta?.[d.groupBy] ?? v.sampleId);
    const key = `${g}\u0000${v.repeat}`;
    const prev = groups.get(key);
    groups.set(key, prev ? { ...prev, value: prev.value === 1 && v.value === 1 ? 1 : 0 } : { ...v, sampleId: g, value: v.value === 1 ? 1 : 0 });
  }
  return { values: [...groups.values()] };
}

const byId = (x: { sampleId: string; repeat: number }, y: { sampleId: string; repeat: number }) =>
  x.sampleId.localeCompare(y.sampleId, 'en', { numeric: true }) || x.repeat - y.repeat;

/** Pair one suite's records on its declaration. `sameHardware` gates distribution comparisons. */
export function pairDeclared(suite: string, d: HeadlinePairing, baseline: readonly SampleRecord[], current: readonly SampleRecord[], opts: { sameHardware?: boolean } = {}): PairedSuite {
  const b = declaredValues(baseline, d);
  const c = declaredValues(current, d);
  // Presence is judged on every record of the subset, scored or not: an errored sample is "unscored", not missing.
  const subset = (recs: readonly SampleRecord[]) => new Map(recs.filter((r) => inSubset(r, d)).map((r) => [itemKey(r), r]));
  const bAll = subset(baseline);
  const cAll = subset(current);
  const both = [...bAll.keys()].filter((k) => cAll.has(k));
  const out: PairedSuite = {
    suite, metric: d.metric, declaration: d, mode: 'paired', binary: false, items: [], baselineValues: [], currentValues: [],
    baselineOnly: bAll.size - both.length, currentOnly: cAll.size - both.length, unscored: 0,
    baselineErrors: both.filter((k) => bAll.get(k)!.error).length, currentErrors: both.filter((k) => cAll.get(k)!.error).length,
  };
  if (d.test === 'distribution') {
    if (opts.sameHardware === false) {
      return { ...out, mode: 'none', note: 'hardware fingerprints differ: latency/throughput distributions are not compared' };
    }
    const mode = b.values.length > 0 && c.values.length > 0 ? 'distribution' : 'none';
    return { ...out, mode, baselineValues: b.values, currentValues: c.values, ...(mode === 'none' ? { note: 'no per-request values on one side' } : {}) };
  }
  const cur = new Map(c.values.map((v) => [itemKey(v), v]));
  const bKeys = new Set(b.values.map(itemKey));
  out.unscored = d.groupBy ? 0 : both.filter((k) => !bKeys.has(k) || !cur.has(k)).length;
  for (const bv of b.values) {
    const cv = cur.get(itemKey(bv));
    if (!cv) continue;
    out.items.push({
      sampleId: bv.sampleId, repeat: bv.repeat, baseline: bv.value, current: cv.value, cluster: bv.cluster,
      ...(bv.den !== undefined ? { baselineDen: bv.den, currentDen: cv.den } : {}),
      baselineRecord: bv.record, currentRecord: cv.record,
    });
  }
  out.items.sort(byId);
  out.binary = out.items.length > 0 && out.items.every((i) => (i.baseline === 0 || i.baseline === 1) && (i.current === 0 || i.current === 1));
  if (out.items.length === 0) {
    if (b.values.length > 0 && c.values.length > 0) {
      return { ...out, mode: 'unpaired', baselineValues: b.values, currentValues: c.values, note: 'no sample id is in both runs (different datasets?): compared unpaired' };
    }
    return { ...out, mode: 'none', note: `no scored '${d.scores.join("', '")}' samples${d.where ? ` with ${d.where.meta} = ${String(d.where.equals)}` : ''} on ${b.values.length === 0 ? 'the baseline' : 'the current'} side` };
  }
  return out;
}

/** The declaration for a suite's metric (the headline by default), if the suite declares one. */
export function declarationFor(pairings: SuitePairings | undefined, suite: string, metric: string | undefined): HeadlinePairing | undefined {
  if (!metric) return undefined;
  return pairings?.get(suite)?.find((p) => p.metric === metric);
}

/** Every model's records of each suite. */
export function recordsBySuite(rm: RunModel): Map<string, SampleRecord[]> {
  const by = new Map<string, SampleRecord[]>();
  for (const r of rm.run.samples) {
    if (r.model !== rm.model) continue;
    const l = by.get(r.suite);
    if (l) l.push(r); else by.set(r.suite, [r]);
  }
  return by;
}

/** Hardware fingerprints match (distribution tests only then); unknown counts as different. */
export function sameHardware(a: { hardware?: { id?: string } } | undefined, b: { hardware?: { id?: string } } | undefined): boolean {
  return a?.hardware?.id !== undefined && a.hardware.id === b?.hardware?.id;
}
