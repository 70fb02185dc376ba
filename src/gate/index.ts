import { appendFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeOutputFile } from '../results/files.ts';
import type { SuitePairings } from '../compare/pair.ts';
import { evaluateGate, type GateReport, type GateRun } from './evaluate.ts';
import { renderJunit } from './junit.ts';
import { loadGateRun } from './load.ts';
import { renderAnnotations, renderMarkdown } from './markdown.ts';
import { checkPolicyMetrics, loadPolicy } from './policy.ts';

export { evaluateGate, type GateReport, type GateCheck } from './evaluate.ts';
export { promoteBaseline } from './baseline.ts';
export { renderJunit } from './junit.ts';
export { renderMarkdown, renderAnnotations } from './markdown.ts';
export { loadPolicy, checkPolicyMetrics, GatePolicy, DEFAULT_POLICY } from './policy.ts';

export interface GateOptions {
  baseline: string;
  current: string;
  policy?: string;
  /** Folder for gate.json, junit.xml and summary.md (default: the current run directory, or summary.json's folder). */
  outDir?: string;
  env?: NodeJS.ProcessEnv;
  /** The suite registry's declarations for the suites in the runs (the CLI loads them). */
  catalog: (manifests: Array<GateRun['manifest']>, suiteIds: string[]) => Promise<GateCatalog>;
}

export interface GateCatalog {
  pairings: SuitePairings;
  /** Suite id → metric keys it declares. */
  metrics: ReadonlyMap<string, readonly string[]>;
  /** Every metric a registered suite declares. */
  registryMetrics: ReadonlySet<string>;
}

export interface GateOutcome {
  report: GateReport;
  files: { json: string; junit: string; markdown: string };
  annotations: string[];
}

/** load → evaluate → write gate.json, junit.xml, summary.md (+ $GITHUB_STEP_SUMMARY). */
export async function runGate(opts: GateOptions): Promise<GateOutcome> {
  const [policy, base, cur] = await Promise.all([loadPolicy(opts.policy), loadGateRun(opts.baseline), loadGateRun(opts.current)]);
  const suiteIds = [...new Set([...base.results, ...cur.results].map((r) => r.suite))];
  const catalog = await opts.catalog([base.manifest, cur.manifest], suiteIds);
  // A policy metric no suite of these runs produces would silently gate nothing.
  const produced = new Set([...base.results, ...cur.results].flatMap((r) => Object.keys(r.metrics)));
  for (const id of suiteIds) for (const m of catalog.metrics.get(id) ?? []) produced.add(m);
  checkPolicyMetrics(policy, opts.policy, produced, catalog.registryMetrics);
  const report = evaluateGate(base, cur, policy, catalog.pairings);
  // --current may be a bare summary.json: then its folder.
  const outDir = opts.outDir ?? ((await stat(opts.current)).isFile() ? path.dirname(opts.current) : opts.current);
  const files = { json: path.join(outDir, 'gate.json'), junit: path.join(outDir, 'junit.xml'), markdown: path.join(outDir, 'gate-summary.md') };
  const markdown = renderMarkdown(report);
  await writeOutputFile(files.json, `${JSON.stringify({ ...report, policy }, null, 2)}\n`);
  await writeOutputFile(files.junit, renderJunit(report));
  await writeOutputFile(files.markdown, markdown);
  const stepSummary = (opts.env ?? process.env).GITHUB_STEP_SUMMARY;
  if (stepSummary) await appendFile(stepSummary, markdown);
  return { report, files, annotations: renderAnnotations(report) };
}
