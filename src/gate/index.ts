import { appendFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeOutputFile } from '../results/files.ts';
import { evaluateGate, type GateReport } from './evaluate.ts';
import { renderJunit } from './junit.ts';
import { loadGateRun } from './load.ts';
import { renderAnnotations, renderMarkdown } from './markdown.ts';
import { loadPolicy } from './policy.ts';

export { evaluateGate, type GateReport, type GateCheck } from './evaluate.ts';
export { promoteBaseline } from './baseline.ts';
export { renderJunit } from './junit.ts';
export { renderMarkdown, renderAnnotations } from './markdown.ts';
export { loadPolicy, GatePolicy, DEFAULT_POLICY } from './policy.ts';

export interface GateOptions {
  baseline: string;
  current: string;
  policy?: string;
  /** Folder for gate.json, junit.xml and summary.md (default: the current run directory, or summary.json's folder). */
  outDir?: string;
  env?: NodeJS.ProcessEnv;
}

export interface GateOutcome {
  report: GateReport;
  files: { json: string; junit: string; markdown: string };
  annotations: string[];
}

/** load → evaluate → write gate.json, junit.xml, summary.md (+ $GITHUB_STEP_SUMMARY). */
export async function runGate(opts: GateOptions): Promise<GateOutcome> {
  const [policy, base, cur] = await Promise.all([loadPolicy(opts.policy), loadGateRun(opts.baseline), loadGateRun(opts.current)]);
  const report = evaluateGate(base, cur, policy);
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
