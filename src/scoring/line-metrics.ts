import { anlsScore } from './anls.ts';
import { ocrbenchScore, ocrbenchTotals, type OcrBenchVersion } from './ocrbench.ts';
import { sqaPredIndex, type SqaMode } from './scienceqa.ts';
import { bootstrapMeanCI, wilsonInterval } from './stats.ts';
import { radarLineMetrics } from './radar-line-metrics.ts';
import { vqaSoftAccuracy } from './vqa.ts';

/**
 * Re-scoring of prediction files (`vlmbench score --metric`): each metric reads the fields it needs from
 * one JSON object, scores it with the pure scorer, and summarises a whole file in one line. A field of the
 * wrong type is reported by name (`FieldProblem`) so the CLI can point at file, line and field.
 */

export class FieldProblem extends Error {
  constructor(readonly field: string, message: string) { super(message); }
}

export interface LineOptions { sqaMode: SqaMode; ocrbenchVariant?: OcrBenchVersion }

export interface LineMetric<T> {
  /** Fields the metric reads, for --help. */
  fields: string;
  read(obj: Record<string, unknown>): T;
  score(input: T, opts: LineOptions): number;
  /** One human-readable line for stderr. */
  summary(inputs: T[], scores: number[]): string;
}

const str = (obj: Record<string, unknown>, field: string): string => {
  const v = obj[field];
  if (typeof v !== 'string') throw new FieldProblem(field, `"${field}" must be a string (got ${describe(v)})`);
  return v;
};
const strArray = (obj: Record<string, unknown>, field: string): string[] => {
  const v = obj[field];
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string')) {
    throw new FieldProblem(field, `"${field}" must be a non-empty array of strings (got ${describe(v)})`);
  }
  return v as string[];
};
/** OCRBench answers: a string or a non-empty list of strings, as OCRBench.json stores them (851 of 1000 are strings). */
const strOrList = (obj: Record<string, unknown>, field: string): string | string[] => {
  const v = obj[field];
  if (typeof v === 'string') return v;
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string')) {
    throw new FieldProblem(field, `"${field}" must be a string or a non-empty array of strings (got ${describe(v)})`);
  }
  return v as string[];
};
/** The first of `names` present in obj (OCRBench.json and lmms-eval's dataset name the same fields differently). */
const pick = (obj: Record<string, unknown>, names: readonly string[]) => names.find((n) => obj[n] !== undefined) ?? names[0]!;
const describe = (v: unknown) => (v === undefined ? 'nothing' : Array.isArray(v) ? 'an array' : v === null ? 'null' : `a ${typeof v}`);

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const meanSummary = (name: string, scores: number[]) => {
  if (scores.length === 0) return `${name}: n=0`;
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const [lo, hi] = bootstrapMeanCI(scores, { seed: 0 });
  return `${name}: n=${scores.length} mean=${mean.toFixed(4)} (95% CI ${lo.toFixed(4)}–${hi.toFixed(4)}, bootstrap seed 0)`;
};
const accuracySummary = (name: string, scores: number[]) => {
  const correct = scores.filter((s) => s === 1).length;
  const [lo, hi] = wilsonInterval(correct, scores.length);
  return `${name}: n=${scores.length} correct=${correct} accuracy=${pct(scores.length ? correct / scores.length : 0)} (95% Wilson ${pct(lo)}–${pct(hi)})`;
};

const vqa: LineMetric<{ prediction: string; answers: string[] }> = {
  fields: 'prediction, answers[]',
  read: (o) => ({ prediction: str(o, 'prediction'), answers: strArray(o, 'answers') }),
  score: (x) => vqaSoftAccuracy(x.prediction, x.answers),
  summary: (_, s) => meanSummary('vqa soft accuracy', s),
};

const anls: LineMetric<{ prediction: string; answers: string[] }> = {
  fields: 'prediction, answers[]',
  read: (o) => ({ prediction: str(o, 'prediction'), answers: strArray(o, 'answers') }),
  score: (x) => anlsScore(x.prediction, x.answers),
  summary: (_, s) => meanSummary('anls (τ=0.5)', s),
};

const ocrbench: LineMetric<{ prediction: string; answers: string | string[]; dataset: string; type?: string }> = {
  fields: 'prediction, answers (string or list; or lmms-eval\'s answer), dataset_name (or dataset), type optional',
  read: (o) => {
    const type = o[pick(o, ['type', 'question_type'])];
    return {
      prediction: str(o, 'prediction'), answers: strOrList(o, pick(o, ['answers', 'answer'])), dataset: str(o, pick(o, ['dataset_name', 'dataset'])),
      type: typeof type === 'string' ? type : undefined,
    };
  },
  score: (x, opts) => ocrbenchScore(x.prediction, x.answers, x.dataset, { version: opts.ocrbenchVariant ?? 'ocrbench' }),
  summary: (inputs, s) => {
    const totals = ocrbenchTotals(inputs.map((x, i) => ({ type: x.type ?? '', score: s[i]! })));
    return `ocrbench: n=${s.length} score=${totals.final}/${s.length} (${pct(s.length ? totals.final / s.length : 0)}; out of 1000 on the full set)`;
  },
};

const sqa: LineMetric<{ prediction: string; choices: string[]; answer: number }> = {
  fields: 'prediction, choices[], answer (index)',
  read: (o) => {
    const choices = strArray(o, 'choices');
    const answer = o.answer;
    if (typeof answer !== 'number' || !Number.isInteger(answer) || answer < 0 || answer >= choices.length) {
      throw new FieldProblem('answer', `"answer" must be an integer index into choices (0..${choices.length - 1}), got ${JSON.stringify(answer)}`);
    }
    return { prediction: str(o, 'prediction'), choices, answer };
  },
  score: (x, opts) => (sqaPredIndex(x.prediction, x.choices, opts.sqaMode) === x.answer ? 1 : 0),
  summary: (_, s) => accuracySummary('sqa', s),
};

// `any` only here: each entry pairs its own read() and score() types; callers use them together.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const radar = radarLineMetrics(FieldProblem);
// pope takes an optional category (per-split lines and the mean F1 LLaVA-1.5 reports).
export const LINE_METRICS = {
  vqa, anls, sqa, ocrbench, pope: radar.pope, gqa: radar.gqa, mme: radar.mme, mmbench: radar.mmbench, seed: radar.seed, mmvet: radar.mmvet,
} satisfies Record<string, LineMetric<any>>;
export type MetricName = keyof typeof LINE_METRICS;
export const METRIC_NAMES = Object.keys(LINE_METRICS) as MetricName[];
