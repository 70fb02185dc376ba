import { summaryScale } from '../compare/compare.ts';
import { declarationFor, pairDeclared, sameHardware, type SuitePairings } from '../compare/pair.ts';
import { runDeclaredTest } from '../compare/tests.ts';
import type { SampleRecord, SuiteSummary } from '../core/record.ts';
import type { RunManifest } from '../results/manifest.ts';
import { holm } from '../scoring/stats.ts';
import { consistencyChecks, modelChanges } from './consistency.ts';
import { policyFor, type BenchmarkPolicy, type GatePolicy } from './policy.ts';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'error' | 'skipped';

export interface GateCheck {
  model: string;
  benchmark: string;
  check: 'consistency' | 'errors' | 'floor' | 'drop' | 'perf';
  status: CheckStatus;
  metric?: string;
  baseline?: number | null;
  current?: number | null;
  delta?: number;
  ci?: [number, number];
  /** The suite's declared test, or 'unpaired' (labelled fallback: samples do not match, or a summary-only baseline). */
  test?: 'mcnemar' | 'paired_bootstrap' | 'paired_bootstrap_ratio' | 'distribution' | 'unpaired';
  p?: number;
  pAdjusted?: number;
  n?: number;
  message: string;
}

export interface GateRun {
  manifest?: RunManifest;
  results: SuiteSummary[];
  /** Empty when the baseline is a summary.json only. */
  samples: SampleRecord[];
  label: string;
}

export interface GateReport {
  status: 'pass' | 'regression' | 'inconclusive';
  exitCode: 0 | 1 | 2;
  alpha: number;
  baseline: string;
  current: string;
  checks: GateCheck[];
  /** What differs in the model under test (files, backend, quantization, runtime): reported, not an error. */
  modelChanges: Array<{ model: string; changes: string[] }>;
}

const PERF_UNITS = new Set(['ms', 's', 'req/s', 'tok/s']);
const isPerf = (r: SuiteSummary) => {
  const m = r.headline ? r.metrics[r.headline] : undefined;
  return (m?.unit !== undefined && PERF_UNITS.has(m.unit)) || r.suite === 'latency' || r.suite === 'throughput';
};

/** Which current model each baseline model is compared with: by id, or 1:1 when each run has one model. */
function pairModels(base: GateRun, cur: GateRun): Array<[string, string | undefined]> {
  const bm = [...new Set(base.results.map((r) => r.model))];
  const cm = [...new Set(cur.results.map((r) => r.model))];
  if (bm.length === 1 && cm.length === 1) return [[bm[0]!, cm[0]]];
  return bm.map((m) => [m, cm.includes(m) ? m : undefined]);
}

interface DropCandidate { check: GateCheck; maxDrop: number; halfWidth: number; reportOnly: boolean }

function accuracyChecks(base: GateRun, cur: GateRun, policy: GatePolicy, pairings: SuitePairings, bm: string, cm: string | undefined): { checks: GateCheck[]; drops: DropCandidate[] } {
  const checks: GateCheck[] = [];
  const drops: DropCandidate[] = [];
  for (const br of base.results.filter((r) => r.model === bm && !isPerf(r))) {
    const pol = policyFor(policy, br.suite);
    const cr = cm ? cur.results.find((r) => r.model === cm && r.suite === br.suite) : undefined;
    const metric = pol.metric ?? br.headline ?? Object.keys(br.metrics)[0];
    const label = { model: cm ?? bm, benchmark: br.suite, metric };
    const declared = declarationFor(pairings, br.suite, metric);
    if (!declared && metric) {
      checks.push({ ...label, check: 'consistency', status: 'error', message: pairings.has(br.suite)
        ? `suite '${br.suite}' declares no pairing for metric '${metric}' (declared: ${pairings.get(br.suite)!.map((p) => p.metric).join(', ')}): cannot test a drop`
        : `suite '${br.suite}' is not in the suite registry: no pairing declaration, cannot test a drop` });
      continue;
    }
    if (!cr || !metric || cr.metrics[metric] === undefined) {
      checks.push({ ...label, check: 'consistency', status: 'error', message: `benchmark '${br.suite}' (${metric ?? 'no metric'}) is missing from the current run` });
      continue;
    }
    // A statistic can be undefined on a run that has it (POPE's F1 with no "yes" answer, where eval_pope.py
    // divides by zero): n/a on both sides leaves no drop to test; n/a only now is not a verdict either.
    if (cr.metrics[metric]!.value == null) {
      const was = br.metrics[metric]?.value;
      checks.push(was == null
        ? { ...label, check: 'drop', status: 'skipped', message: `${metric} is n/a in both runs: no drop to test` }
        : { ...label, check: 'consistency', status: 'error', message: `${metric} of '${br.suite}' is n/a in the current run (baseline ${fmt(was)}): cannot test a drop` });
      continue;
    }
    const errRate = cr.n > 0 ? cr.errors / cr.n : 1;
    if (errRate > policy.max_error_rate) {
      checks.push({ ...label, check: 'errors', status: 'error', message: `${cr.errors} of ${cr.n} samples errored (${(errRate * 100).toFixed(1)}% > ${(policy.max_error_rate * 100).toFixed(1)}%)` });
      continue;
    }
    const bv = br.metrics[metric]?.value ?? null;
    const cv = cr.metrics[metric]!.value!;
    if (pol.floor !== null) {
      const ok = cv >= pol.floor;
      checks.push({ ...label, check: 'floor', status: ok ? 'pass' : pol.report_only ? 'warn' : 'fail', current: cv, message: `${metric} ${fmt(cv)} ${ok ? '≥' : '<'} floor ${fmt(pol.floor)}` });
    }
    if (bv === null) continue;
    const drop = dropCheck(base, cur, br, cr, metric, bv, cv, declared!, pol, policy);
    drops.push({ check: { ...label, ...drop }, maxDrop: pol.max_drop, halfWidth: drop.ci ? (drop.ci[1] - drop.ci[0]) / 2 : 0, reportOnly: pol.report_only });
  }
  return { checks, drops };
}

const TEST_LABEL = { mcnemar: 'mcnemar', 'bootstrap-mean': 'paired_bootstrap', 'bootstrap-ratio': 'paired_bootstrap_ratio', distribution: 'distribution' } as const;

function dropCheck(base: GateRun, cur: GateRun, br: SuiteSummary, cr: SuiteSummary, metric: string, bv: number, cv: number, declared: NonNullable<ReturnType<typeof declarationFor>>, pol: BenchmarkPolicy, policy: GatePolicy): Omit<GateCheck, 'model' | 'benchmark'> {
  const delta = cv - bv;
  const bs = base.samples.filter((r) => r.model === br.model && r.suite === br.suite);
  const cs = cur.samples.filter((r) => r.model === cr.model && r.suite === cr.suite);
  const common = { check: 'drop' as const, status: 'pass' as CheckStatus, metric, baseline: bv, current: cv, delta, message: '' };
  const decl = pol.cluster_by ? { ...declared, clusterBy: pol.cluster_by } : declared;
  const ps = pairDeclared(br.suite, decl, bs, cs, { sameHardware: sameHardware(base.manifest, cur.manifest) });
  if (ps.mode === 'none') {
    // Summary-only baseline: nothing to pair; labelled unpaired, significant only when the intervals do not overlap.
    const bci = br.metrics[metric]?.ci;
    const cci = cr.metrics[metric]?.ci;
    const separated = !!bci && !!cci && cci[1] < bci[0];
    return { ...common, test: 'unpaired', p: separated ? 0 : 1, n: cr.n, message: `unpaired: ${bs.length === 0 ? 'the baseline has no per-sample scores (summary only)' : ps.note ?? 'nothing to pair'}; significant only when the 95% intervals do not overlap` };
  }
  const better = decl.better ?? br.metrics[metric]?.better ?? 'higher';
  const r = runDeclaredTest(ps, { ...policy.bootstrap, better });
  // summary.json may report the statistic on another scale than the samples (0/1 vs %, a count of points).
  const scale = summaryScale(bv, r.baselineMean) ?? summaryScale(cv, r.currentMean) ?? 1;
  const ci: [number, number] | undefined = r.ci ? [r.ci[0] * scale, r.ci[1] * scale] : undefined;
  const useBoot = pol.test === 'paired_bootstrap' && r.test === 'mcnemar';
  const test = ps.mode === 'unpaired' ? 'unpaired' as const : useBoot ? 'paired_bootstrap' as const : TEST_LABEL[decl.test];
  // `test: paired_bootstrap` in the policy bootstraps 0/1 items too (e.g. to resample by cluster_by).
  const p = (useBoot ? runDeclaredTest({ ...ps, declaration: { ...decl, test: 'bootstrap-mean' } }, { ...policy.bootstrap, better }) : r).pRegression ?? 1;
  const detail = [r.test === 'mcnemar' ? `b=${r.b} c=${r.c}` : '', ps.mode === 'unpaired' ? `UNPAIRED: ${ps.note}` : '', r.pMannWhitney !== undefined ? `Mann-Whitney p=${fmtP(r.pMannWhitney)}` : ''].filter(Boolean).join(', ');
  return { ...common, ...(ci ? { ci } : {}), test, p, n: r.n, message: detail };
}

/**
 * Holm across the gated drop tests of each model (the benchmarks of one model pair are one family of
 * hypotheses: another model's unchanged benchmarks must not dilute this model's regression), then the
 * decision rule: fail when the drop is material (> max_drop) and significant.
 */
function decideDrops(drops: DropCandidate[], alpha: number): GateCheck[] {
  const gated = drops.filter((d) => !d.reportOnly);
  for (const model of new Set(gated.map((d) => d.check.model))) {
    const family = gated.filter((d) => d.check.model === model);
    const adjusted = holm(family.map((d) => d.check.p ?? 1));
    family.forEach((d, i) => { d.check.pAdjusted = adjusted[i]; });
  }
  return drops.map(({ check, maxDrop, halfWidth, reportOnly }) => {
    const delta = check.delta ?? 0;
    const material = delta < -maxDrop;
    const significant = (check.pAdjusted ?? 1) < alpha;
    const dropText = `Δ ${fmtSigned(delta)}${check.ci ? ` [${fmtSigned(check.ci[0])}, ${fmtSigned(check.ci[1])}]` : ''} (max drop ${fmt(maxDrop)}), ${check.test} p=${fmtP(check.p)}${check.pAdjusted !== undefined ? ` Holm p=${fmtP(check.pAdjusted)}` : ''}${check.message ? `, ${check.message}` : ''}`;
    if (material && significant && !reportOnly) return { ...check, status: 'fail', message: `regression: ${dropText}` };
    if (material) return { ...check, status: 'warn', message: `${reportOnly ? 'report only' : 'not significant'}: ${dropText}` };
    if (halfWidth > maxDrop) return { ...check, status: 'warn', message: `underpowered (CI half-width ${fmt(halfWidth)} > max drop): ${dropText}` };
    return { ...check, status: 'pass', message: dropText };
  });
}

/**
 * The declared distribution test behind a perf metric (e.g. latency ttft_p90 ← per-request ttft_ms), when
 * both runs kept per-request records: a threshold violation fails only when it is also significant, so one
 * noisy percentile does not block a merge.
 */
function perfDistribution(base: GateRun, cur: GateRun, br: SuiteSummary, cr: SuiteSummary, metric: string, pairings: SuitePairings, policy: GatePolicy) {
  const decl = declarationFor(pairings, br.suite, metric);
  if (!decl || decl.test !== 'distribution') return undefined;
  const ps = pairDeclared(br.suite, decl, base.samples.filter((r) => r.model === br.model && r.suite === br.suite), cur.samples.filter((r) => r.model === cr.model && r.suite === cr.suite), { sameHardware: true });
  if (ps.mode !== 'distribution') return undefined;
  const r = runDeclaredTest(ps, { ...policy.bootstrap, better: decl.better ?? br.metrics[metric]?.better ?? 'lower' });
  return { p: r.pRegression ?? 1, n: r.n, text: `distribution test (${decl.scores[0]}, ${r.nBaseline} vs ${r.nCurrent} requests) p=${fmtP(r.pRegression ?? 1)}, Mann-Whitney p=${fmtP(r.pMannWhitney)}` };
}

function perfChecks(base: GateRun, cur: GateRun, policy: GatePolicy, pairings: SuitePairings, bm: string, cm: string | undefined): GateCheck[] {
  if (!cm || policy.perf.gates.length === 0) return [];
  const sameHw = sameHardware(base.manifest, cur.manifest);
  const find = (run: GateRun, model: string, metric: string) => run.results.find((r) => r.model === model && r.metrics[metric]?.value != null);
  return policy.perf.gates.map((g) => {
    const br = find(base, bm, g.metric);
    const cr = find(cur, cm, g.metric);
    const label = { model: cm, benchmark: br?.suite ?? cr?.suite ?? 'perf', check: 'perf' as const, metric: g.metric };
    if (!br || !cr) return { ...label, status: 'skipped' as const, message: `${g.metric} not measured in ${!br ? 'baseline' : 'current'}` };
    const bv = br.metrics[g.metric]!.value!;
    const cv = cr.metrics[g.metric]!.value!;
    let ok: boolean;
    let rule: string;
    if (g.max_rel_decrease !== undefined) { ok = cv >= bv * (1 - g.max_rel_decrease) - g.abs_slack; rule = `≥ ${fmt(bv)} × (1 − ${g.max_rel_decrease})`; }
    else { ok = cv <= bv * (1 + (g.max_rel_increase ?? 0)) + g.abs_slack; rule = `≤ ${fmt(bv)} × (1 + ${g.max_rel_increase ?? 0}) + ${g.abs_slack}`; }
    const values = { baseline: bv, current: cv, delta: cv - bv };
    if (policy.perf.require_same_hardware && !sameHw) {
      return { ...label, ...values, status: 'skipped' as const, message: `report only: hardware differs (${base.manifest?.hardware.id ?? '?'} vs ${cur.manifest?.hardware.id ?? '?'}); ${g.metric} ${fmt(cv)} vs ${fmt(bv)}` };
    }
    const dist = perfDistribution(base, cur, br, cr, g.metric, pairings, policy);
    const significant = !dist || dist.p < policy.alpha;
    const status = ok ? 'pass' as const : significant ? 'fail' as const : 'warn' as const;
    const message = `${g.metric} ${fmt(cv)} ${ok ? 'within' : 'violates'} ${rule}${dist ? `; ${dist.text}${!ok && !significant ? ' (not significant)' : ''}` : ''}`;
    return { ...label, ...values, status, message, ...(dist ? { test: 'distribution' as const, p: dist.p, n: dist.n } : {}) };
  });
}

export function evaluateGate(base: GateRun, cur: GateRun, policy: GatePolicy, pairings: SuitePairings): GateReport {
  const pairs = pairModels(base, cur);
  const checks: GateCheck[] = consistencyChecks(base.manifest, cur.manifest, policy, pairs);
  const drops: DropCandidate[] = [];
  for (const [bm, cm] of pairs) {
    if (!cm) { checks.push({ model: bm, benchmark: '*', check: 'consistency', status: 'error', message: `model '${bm}' is missing from the current run` }); continue; }
    const acc = accuracyChecks(base, cur, policy, pairings, bm, cm);
    checks.push(...acc.checks);
    drops.push(...acc.drops);
    checks.push(...perfChecks(base, cur, policy, pairings, bm, cm));
  }
  checks.push(...decideDrops(drops, policy.alpha));
  // Runs that are not comparable (evaluation, dataset or template differ) cannot show a regression.
  const incomparable = checks.some((c) => c.check === 'consistency' && c.status === 'error' && c.message.endsWith('results are not comparable'));
  const status = incomparable ? 'inconclusive' : checks.some((c) => c.status === 'fail') ? 'regression' : checks.some((c) => c.status === 'error') ? 'inconclusive' : 'pass';
  return { status, exitCode: status === 'pass' ? 0 : status === 'regression' ? 1 : 2, alpha: policy.alpha, baseline: base.label, current: cur.label, checks, modelChanges: modelChanges(base.manifest, cur.manifest, pairs) };
}

export const fmt = (v: number | null | undefined) => (v == null || !Number.isFinite(v) ? '—' : Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(Math.abs(v) >= 1 ? 2 : 4));
const fmtSigned = (v: number) => `${v >= 0 ? '+' : ''}${fmt(v)}`;
export const fmtP = (p: number | undefined) => (p === undefined ? '—' : p < 1e-4 ? p.toExponential(2) : p.toFixed(4));
