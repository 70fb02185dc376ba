import type { SuiteSummary } from '../core/record.ts';
import { loadGateRun } from './load.ts';

/**
 * Prompt provenance check before a gate: a score rendered by the client's family template and one
 * rendered by a server's own template (or a raw module) measure different prompts, so a difference
 * between them is not a regression or an improvement of the model. Kept apart from the statistical
 * gate so it reads the same whatever the policy.
 */

export interface ProvenanceMismatch { model: string; suite: string; baseline: string; current: string }

const label = (r: SuiteSummary) => r.promptSource ?? 'client';

/** Pairs results by model × suite, or by suite alone when each side has one model (a renamed model). */
export function provenanceMismatches(baseline: readonly SuiteSummary[], current: readonly SuiteSummary[]): ProvenanceMismatch[] {
  const models = (rs: readonly SuiteSummary[]) => new Set(rs.map((r) => r.model));
  const bySuiteOnly = models(baseline).size === 1 && models(current).size === 1;
  const key = (r: SuiteSummary) => (bySuiteOnly ? r.suite : `${r.model}\u0000${r.suite}`);
  const base = new Map(baseline.map((r) => [key(r), r]));
  const out: ProvenanceMismatch[] = [];
  for (const c of current) {
    const b = base.get(key(c));
    if (b && label(b) !== label(c)) out.push({ model: c.model, suite: c.suite, baseline: label(b), current: label(c) });
  }
  return out;
}

export async function checkPromptProvenance(baselinePath: string, currentPath: string): Promise<ProvenanceMismatch[]> {
  const [b, c] = await Promise.all([loadGateRun(baselinePath), loadGateRun(currentPath)]);
  return provenanceMismatches(b.results, c.results);
}
