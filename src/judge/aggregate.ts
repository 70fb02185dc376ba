import type { MetricValue, SampleRecord, SuiteSummary } from '../core/record.ts';
import type { MetricSpec } from '../core/suite.ts';
import { summarizeJudged, type GroupScore, type JudgeCompat, type JudgedRow } from './relative.ts';
import type { JudgeProvenance } from './types.ts';
import { bootstrapMeanCI, mean } from '../scoring/stats.ts';

export const LLAVA_BENCH_METRICS: Record<string, MetricSpec> = {
  relative: { better: 'higher', unit: '%' },
  ref_score: { better: 'higher', unit: 'score×10' },
  model_score: { better: 'higher', unit: 'score×10' },
  judge_failures: { better: 'lower', unit: 'count' },
  rougeL_nojudge: { better: 'higher' },
  tokenF1_nojudge: { better: 'higher' },
};

type Meta = { judge?: JudgeProvenance | null; review?: { ruleKey?: string; status?: string }; image?: string; layout?: string; category?: string };
const metaOf = (r: SampleRecord) => (r.meta ?? {}) as Meta;

/** Judged row of a record: [ref, model] from its scores, or null when the judgement failed. */
function judgedRow(r: SampleRecord): JudgedRow {
  const m = metaOf(r);
  const ref = r.scores.judge_ref;
  const model = r.scores.judge_model;
  return {
    group: m.review?.ruleKey ?? `${m.layout}:${m.category}`,
    tuple: typeof ref === 'number' && typeof model === 'number' ? [ref, model] : null,
    cluster: m.image,
  };
}

function similarityMetric(records: SampleRecord[], key: string, seed: number, iterations: number): MetricValue {
  const values = records.map((r) => r.scores[key]).filter((v): v is number => typeof v === 'number');
  const clusters = records.filter((r) => typeof r.scores[key] === 'number').map((r) => String(metaOf(r).image ?? r.sampleId));
  if (values.length === 0) return { value: null, n: 0, better: 'higher' };
  return { value: mean(values), ci: bootstrapMeanCI(values, { seed, iterations, clusters }), n: values.length, better: 'higher' };
}

/** The judge of LLaVA's published LLaVA-Bench numbers (llava/eval/eval_gpt_review_bench.py). */
export const PUBLISHED_JUDGE = { provider: 'openai', model: 'gpt-4-0314' } as const;

/** Say when the judge is not the published protocol's, or the API answered as another model than requested. */
function protocolNotes(p: JudgeProvenance, records: SampleRecord[]): string[] {
  const out: string[] = [];
  if (p.provider !== PUBLISHED_JUDGE.provider || p.model !== PUBLISHED_JUDGE.model) {
    out.push(`Judge ${p.provider}:${p.model} is not the published protocol's (${PUBLISHED_JUDGE.provider}:${PUBLISHED_JUDGE.model}): relative scores do not compare with published LLaVA-Bench numbers.`);
  }
  const answered = [...new Set(records.flatMap((r) => ((r.meta as { judgeAnsweredBy?: string[] } | undefined)?.judgeAnsweredBy ?? [])))];
  const other = answered.filter((m) => m !== p.model);
  if (other.length > 0) out.push(`The judge API reported answering as ${other.join(', ')} although ${p.model} was requested.`);
  return out;
}

/** Why nothing was judged: an empty dataset or shard is not a missing judge. */
function noJudgedReason(n: number, answered: number, judgeConfigured: boolean | undefined): string {
  if (n === 0) return 'No samples (empty dataset, filter or shard)';
  if (judgeConfigured === false) return 'No judge configured';
  if (answered === 0) return 'No answered sample to judge';
  return judgeConfigured ? 'A judge is configured but judged no answer' : 'No judged records';
}

const judgeLabel = (p: JudgeProvenance) => `${p.provider}:${p.model} (temperature ${p.temperature}, rules ${p.rules}, compat ${p.compat})`;

/**
 * LLaVA-Bench summary: relative score (ratio of means ×100) per rule group and overall with cluster
 * bootstrap CIs, both means ×10, judge failures always counted; ROUGE-L / token F1 against the reference
 * only as clearly labelled no-judge metrics.
 */
export function aggregateLlavaBench(records: SampleRecord[], opts: { seed?: number; iterations?: number; judgeConfigured?: boolean } = {}): Omit<SuiteSummary, 'model' | 'suite'> {
  const seed = opts.seed ?? 0;
  const iterations = opts.iterations ?? 2000;
  const answered = records.filter((r) => !r.error);
  const judgedRecords = answered.filter((r) => metaOf(r).judge);
  const metrics: Record<string, MetricValue> = {
    rougeL_nojudge: similarityMetric(answered, 'rougeL_nojudge', seed, iterations),
    tokenF1_nojudge: similarityMetric(answered, 'tokenF1_nojudge', seed, iterations),
  };
  const notes: string[] = [];
  const tables: Record<string, unknown> = {};
  const errors = records.filter((r) => r.error).length;
  if (errors > 0) notes.push(`${errors} sample(s) have no answer (dataset or generation error) and are not scored.`);

  if (judgedRecords.length === 0) {
    notes.push(`${noJudgedReason(records.length, answered.length, opts.judgeConfigured)}: the LLaVA-Bench relative score was not computed. rougeL_nojudge and tokenF1_nojudge compare answers with the GPT-4 reference text; they are not LLaVA-Bench scores.`);
    return { n: records.length, errors, headline: 'rougeL_nojudge', metrics, notes };
  }

  const judges = [...new Map(judgedRecords.map((r) => { const p = metaOf(r).judge!; return [JSON.stringify(p), p] as const; })).values()];
  // Records written before the rename say 'default' for what is now 'robust'.
  const compat: JudgeCompat = judges[0]!.compat === 'llava' ? 'llava' : 'robust';
  if (judges.length > 1) notes.push(`Records were judged by ${judges.length} different judge settings; scores are not comparable: ${judges.map(judgeLabel).join('; ')}.`);
  notes.push(...protocolNotes(judges[0]!, judgedRecords));
  const groups = summarizeJudged(judgedRecords.map(judgedRow), compat, { seed, iterations });
  const all = groups.find((g) => g.group === 'all')!;
  const metric = (g: GroupScore, value: number | null, ci?: [number, number], unit?: string, better: 'higher' | 'lower' = 'higher'): MetricValue =>
    ({ value, ...(ci && value !== null ? { ci } : {}), n: g.used, better, ...(unit ? { unit } : {}) });
  metrics.relative = metric(all, all.relative, all.ci?.relative, '%');
  metrics.ref_score = metric(all, all.ref10, all.ci?.ref10, 'score×10');
  metrics.model_score = metric(all, all.model10, all.ci?.model10, 'score×10');
  metrics.judge_failures = { value: all.failures, n: all.n, better: 'lower', unit: 'count' };
  const perGroup = groups.filter((g) => g.group !== 'all');
  if (perGroup.length > 1) for (const g of perGroup) metrics[`relative_${g.group}`] = metric(g, g.relative, g.ci?.relative, '%');
  tables.llavaBench = groups.map((g) => ({
    group: g.group, n: g.n, used: g.used, failures: g.failures, relative: g.relative, ref10: g.ref10, model10: g.model10,
    relativeCi: g.ci?.relative ?? null,
  }));
  tables.judge = { ...judges[0]!, failures: all.failures, judged: all.n, bootstrap: { iterations, seed, clusters: 'image' } };
  notes.push(`Judge: ${judgeLabel(judges[0]!)}.`);
  notes.push(compat === 'llava'
    ? `compat llava (the published protocol, LLaVA llava/eval/summarize_gpt_review.py): ${all.failures} unparseable judgement(s) kept as [-1, -1] in the means, rounded as upstream.`
    : `compat robust (not the published protocol: do not compare with published LLaVA-Bench numbers): ${all.failures} judge failure(s) after retries, excluded from the means; unrounded.`);
  return { n: records.length, errors, headline: 'relative', metrics, tables, notes };
}
