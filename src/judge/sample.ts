import type { SampleRecord } from '../core/record.ts';
import type { JudgeClient } from '../core/suite.ts';
import { DatasetError } from '../core/errors.ts';
import type { BoxInstance, ReviewItem } from './prompt.ts';
import { judgeItem } from './review.ts';
import { builtinRules, type LlavaCategory, type LlavaLayout } from './rules.ts';
import { rougeL, tokenF1 } from './similarity.ts';
import { isLlavaJudge, type JudgeProvenance } from './types.ts';

/** Marks records as LLaVA-Bench records, whatever the suite id (re-scoring finds them by this). */
export const LLAVA_BENCH_MARK = 'llava-bench';

/** One LLaVA-Bench question as the judge needs it (the suite's doc adds the image path). */
export interface LlavaBenchItem {
  layout: LlavaLayout;
  questionId: string;
  category: LlavaCategory;
  question: string;
  imageName: string;
  /** GPT-4 reference answer (Assistant 1 for the judge). */
  reference: string;
  captions: string[];
  instances?: BoxInstance[];
}

/** What a record keeps so the answer can be re-judged later without the dataset (rescoreRun). */
export function describeItem(item: LlavaBenchItem) {
  return {
    meta: { benchmark: LLAVA_BENCH_MARK, layout: item.layout, category: item.category, questionId: item.questionId, image: item.imageName },
    reference: { answer: item.reference, question: item.question, captions: item.captions, ...(item.instances ? { instances: item.instances } : {}) },
    input: { text: item.question, images: [item.imageName] },
  };
}

export const isLlavaBenchRecord = (r: SampleRecord): boolean => (r.meta as { benchmark?: unknown } | undefined)?.benchmark === LLAVA_BENCH_MARK;

/** Rebuild the judge's view of a question from a journal record written by describeItem. */
export function itemFromRecord(r: SampleRecord): LlavaBenchItem {
  const m = (r.meta ?? {}) as Record<string, unknown>;
  const ref = (r.reference ?? {}) as Record<string, unknown>;
  if (typeof ref.answer !== 'string' || typeof ref.question !== 'string' || !Array.isArray(ref.captions)) {
    throw new DatasetError(`record ${r.sampleId} lacks the reference fields needed to re-judge it`, { field: 'reference', hint: 're-run the suite with this version of vlmbench' });
  }
  return {
    layout: m.layout === 'coco' ? 'coco' : 'wild', category: m.category as LlavaCategory, questionId: String(m.questionId ?? r.sampleId),
    question: ref.question, imageName: String(m.image ?? ''), reference: ref.answer, captions: ref.captions as string[],
    ...(Array.isArray(ref.instances) ? { instances: ref.instances as BoxInstance[] } : {}),
  };
}

const reviewItem = (item: LlavaBenchItem, answer: string): ReviewItem => ({
  layout: item.layout, category: item.category, captions: item.captions, instances: item.instances,
  question: item.question, reference: item.reference, answer,
});

/**
 * Score one answer: reference similarity always (no-judge metrics); the LLaVA review when a judge is
 * given. A judge failure is recorded in meta.review and leaves the judge scores null (or [-1, -1] in
 * compat llava), never a made-up score.
 */
export async function scoreAnswer(item: LlavaBenchItem, answer: string, opts: { judge?: JudgeClient; retries: number; signal?: AbortSignal }) {
  const { meta, reference } = describeItem(item);
  const scores: Record<string, number | null> = {
    rougeL_nojudge: rougeL(item.reference, answer),
    tokenF1_nojudge: tokenF1(item.reference, answer),
  };
  const judge = opts.judge;
  if (!judge) return { scores, meta: { ...meta, judge: null }, reference };
  const rules = isLlavaJudge(judge) ? judge.rules : builtinRules();
  const compat = isLlavaJudge(judge) ? judge.compat : 'robust';
  const review = await judgeItem(judge, reviewItem(item, answer), { rules, compat, retries: opts.retries, signal: opts.signal });
  scores.judge_ref = review.tuple?.[0] ?? null;
  scores.judge_model = review.tuple?.[1] ?? null;
  const provenance: JudgeProvenance = isLlavaJudge(judge)
    ? judge.provenance
    : { provider: 'external', model: judge.id, temperature: NaN, maxTokens: NaN, rules: rules.source.label, compat };
  // Which model the API says answered (recorded per sample: a provider may resolve or swap the requested one).
  const answeredBy = isLlavaJudge(judge) ? judge.answeredBy() : [];
  return { scores, meta: { ...meta, judge: provenance, review, ...(answeredBy.length > 0 && { judgeAnsweredBy: answeredBy }) }, reference };
}
