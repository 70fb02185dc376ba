import type { SampleRecord, SuiteSummary } from '../core/record.ts';
import type { RunManifest } from '../results/manifest.ts';
import { holm, mcnemarRegression, pairedBootstrap } from '../scoring/stats.ts';
import { discordant, pairScores } from './pairing.ts';
import { policyFor, type GatePolicy } from './policy.ts';

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
  test?: 'mcnemar' | 'paired_bootstrap' | 'unpaired';
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

function consistencyChecks(base: GateRun, cur: GateRun, policy: GatePolicy, pairs: Array<[string, string | undefined]>): GateCheck[] {
  const checks: GateCheck[] = [];
  const b = base.manifest;
  const c = cur.manifest;
  const add = (benchmark: string, ok: boolean, what: string) =>
    checks.push({ model: '*', benchmark, check: 'consistency', status: ok ? 'pass' : 'error', message: ok ? `${what} matches` : `${what} differs between baseline and current: results are not comparable` });
  if (!b || !c) return checks;
  if (policy.require_same.includes('config')) add('*', b.configHash === c.configHash, 'config hash');
  if (policy.require_same.includes('dataset')) {
    for (const [id, d] of Object.entries(b.datasets)) if (c.datasets[id]) add(id, c.datasets[id]!.hash === d.hash, `dataset of '${id}'`);
  }
  if (policy.require_same.includes('template')) {
    for (const [bm, cm] of pairs) {
      if (cm && b.templateHashes[bm] && c.templateHashes[cm]) add('*', b.templateHashes[bm] === c.templateHashes[cm], `prompt template of '${cm}'`);
    }
  }
  return checks;
}

interface DropCandidate { check: GateCheck; maxDrop: number; halfWidth: number; reportOnly: boolean }

function accuracyChecks(base: GateRun, cur: GateRun, policy: GatePolicy, bm: string, cm: string | undefined): { checks: GateCheck[]; drops: DropCandidate[] } {
  const checks: GateCheck[] = [];
  const drops: DropCandidate[] = [];
  for (const br of base.results.filter((r) => r.model === bm && !isPerf(r))) {
    const pol = policyFor(policy, br.suite);
    const cr = cm ? cur.results.find((r) => r.model === cm && r.suite === br.suite) : undefined;
    const metric = pol.metric ?? br.headline ?? Object.keys(br.metrics)[0];
    const label = { model: cm ?? bm, benchmark: br.suite, metric };
    if (!cr || !metric || cr.metrics[metric]?.value == null) {
      checks.push({ ...label, check: 'consistency', status: 'error', message: `benchmark '${br.suite}' (${metric ?? 'no metric'}) is missing from the current run` });
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
    const drop = dropCheck(base, cur, br, cr, metric, bv, cv, pol.cluster_by, pol.test, policy);
    drops.push({ check: { ...label, ...drop }, maxDrop: pol.max_drop, halfWidth: drop.ci ? (drop.ci[1] - drop.ci[0]) / 2 : 0, reportOnly: pol.report_only });
  }
  return { checks, drops };
}

function dropCheck(base: GateRun, cur: GateRun, br: SuiteSummary, cr: SuiteSummary, metric: string, bv: number, cv: number, clusterBy: string | undefined, test: string, policy: GatePolicy): Omit<GateCheck, 'model' | 'benchmark'> {
  const delta = cv - bv;
  const bs = base.samples.filter((r) => r.model === br.model && r.suite === br.suite);
  const cs = cur.samples.filter((r) => r.model === cr.model && r.suite === cr.suite);
  const pairs = pairScores(bs, cs, metric, clusterBy);
  const common = { check: 'drop' as const, status: 'pass' as CheckStatus, metric, baseline: bv, current: cv, delta, message: '' };
  if (pairs.baseline.length === 0) {
    // Summary-only baseline: no pairing; significant only when the intervals do not overlap.
    const bci = br.metrics[metric]?.ci;
    const cci = cr.metrics[metric]?.ci;
    const separated = !!bci && !!cci && cci[1] < bci[0];
    return { ...common, test: 'unpaired', p: separated ? 0 : 1, n: cr.n };
  }
  // Per-sample scores may be on another scale than the summary value (0/1 vs percent).
  const meanBase = pairs.baseline.reduce((a, b) => a + b, 0) / pairs.baseline.length;
  const scale = meanBase !== 0 && Number.isFinite(bv / meanBase) && bv !== 0 ? bv / meanBase : 1;
  const useMcnemar = test === 'mcnemar' || (test === 'auto' && pairs.binary && !clusterBy);
  const boot = pairedBootstrap(pairs.baseline, pairs.current, { ...policy.bootstrap, clusters: pairs.clusters });
  const ci: [number, number] = [boot.ci[0] * scale, boot.ci[1] * scale];
  if (useMcnemar) {
    const { b, c } = discordant(pairs);
    return { ...common, ci, test: 'mcnemar', p: mcnemarRegression(b, c), n: pairs.baseline.length, message: `b=${b} c=${c}` };
  }
  return { ...common, ci, test: 'paired_bootstrap', p: boot.p, n: pairs.baseline.length };
}

/** Holm across every gated drop test, then the policy's decision rule (src/gate/policy.ts). */
function decideDrops(drops: DropCandidate[], alpha: number): GateCheck[] {
  const gated = drops.filter((d) => !d.reportOnly);
  const adjusted = holm(gated.map((d) => d.check.p ?? 1));
  gated.forEach((d, i) => { d.check.pAdjusted = adjusted[i]; });
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

function perfChecks(base: GateRun, cur: GateRun, policy: GatePolicy, bm: string, cm: string | undefined): GateCheck[] {
  if (!cm || policy.perf.gates.length === 0) return [];
  const sameHw = base.manifest?.hardware.id !== undefined && base.manifest.hardware.id === cur.manifest?.hardware.id;
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
    return { ...label, ...values, status: ok ? 'pass' as const : 'fail' as const, message: `${g.metric} ${fmt(cv)} ${ok ? 'within' : 'violates'} ${rule}` };
  });
}

export function evaluateGate(base: GateRun, cur: GateRun, policy: GatePolicy): GateReport {
  const pairs = pairModels(base, cur);
  const checks: GateCheck[] = consistencyChecks(base, cur, policy, pairs);
  const drops: DropCandidate[] = [];
  for (const [bm, cm] of pairs) {
    if (!cm) { checks.push({ model: bm, benchmark: '*', check: 'consistency', status: 'error', message: `model '${bm}' is missing from the current run` }); continue; }
    const acc = accuracyChecks(base, cur, policy, bm, cm);
    checks.push(...acc.checks);
    drops.push(...acc.drops);
    checks.push(...perfChecks(base, cur, policy, bm, cm));
  }
  checks.push(...decideDrops(drops, policy.alpha));
  const status = checks.some((c) => c.status === 'fail') ? 'regression' : checks.some((c) => c.status === 'error') ? 'inconclusive' : 'pass';
  return { status, exitCode: status === 'pass' ? 0 : status === 'regression' ? 1 : 2, alpha: policy.alpha, baseline: base.label, current: cur.label, checks };
}

export const fmt = (v: number | null | undefined) => (v == null || !Number.isFinite(v) ? '—' : Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(Math.abs(v) >= 1 ? 2 : 4));
const fmtSigned = (v: number) => `${v >= 0 ? '+' : ''}${fmt(v)}`;
export const fmtP = (p: number | undefined) => (p === undefined ? '—' : p < 1e-4 ? p.toExponential(2) : p.toFixed(4));
