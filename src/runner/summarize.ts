import { promptSourceLabel, type RunSummary, type SampleRecord, type SuiteSummary } from '../core/record.ts';
import type { SuiteContext } from '../core/suite.ts';
import type { PlannedSuite } from './plan.ts';

export interface SummaryTask {
  model: string;
  suite: PlannedSuite;
  ctx: SuiteContext<unknown>;
  /** Set when the task could not run at all (backend failed to load…). */
  failure?: string;
  /** Why the task did not run, when that is no failure (a performance suite on shard > 0). */
  skipped?: string;
}

/** Phase: aggregate every model × suite from the journal (the single source of per-sample truth). */
export function summarizeRun(runId: string, configHash: string, tasks: SummaryTask[], records: SampleRecord[]): RunSummary {
  const results: SuiteSummary[] = tasks.map((t) => {
    const mine = records.filter((r) => r.model === t.model && r.suite === t.suite.id);
    if ((t.failure || t.skipped) && mine.length === 0) {
      return { model: t.model, suite: t.suite.id, n: 0, errors: 0, metrics: {}, notes: [(t.failure ?? t.skipped)!] };
    }
    const promptSource = promptSourcesOf(mine);
    try {
      const agg = t.suite.suite.aggregate(mine, t.ctx);
      return { model: t.model, suite: t.suite.id, ...agg, notes: [...(agg.notes ?? []), ...(t.failure ? [t.failure] : [])], ...(promptSource && { promptSource }) };
    } catch (err) {
      const errors = mine.filter((r) => r.error).length;
      return { model: t.model, suite: t.suite.id, n: mine.length, errors, metrics: {}, notes: [`${AGGREGATION_FAILED}: ${(err as Error).message}`] };
    }
  });
  return { runId, createdAt: new Date().toISOString(), configHash, results };
}

const AGGREGATION_FAILED = 'aggregation failed';

/** Distinct prompt provenance labels of a task's records (older records without one count as client). */
function promptSourcesOf(records: SampleRecord[]): string | undefined {
  if (records.length === 0) return undefined;
  return [...new Set(records.map((r) => promptSourceLabel(r.promptSource)))].sort().join(' + ');
}

/**
 * Count of errored samples plus tasks that could not run (or not to the end) or not be aggregated: the
 * run's exit status depends on it. Results are in task order. Notes alone are no failure: suites add
 * them to every summary (ScienceQA's summary line), empty ones included.
 */
export const failureCount = (summary: RunSummary, tasks: SummaryTask[]): number =>
  summary.results.reduce((n, r, i) => n + r.errors + (tasks[i]?.failure || r.notes?.some((x) => x.startsWith(AGGREGATION_FAILED)) ? 1 : 0), 0);
