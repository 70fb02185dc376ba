import { z } from 'zod';
import { defineSuite, type QualitySuite } from '../../src/core/suite.ts';
import { getFamily } from '../../src/families/index.ts';
import { aggregateLlavaBench, LLAVA_BENCH_METRICS } from '../../src/judge/aggregate.ts';
import type { LlavaCategory } from '../../src/judge/rules.ts';
import { describeItem, scoreAnswer } from '../../src/judge/sample.ts';
import { ensureLlavaBenchSample } from '../../src/fixtures/datasets/llava-bench.ts';
import { detectLayouts, loadLlavaBench, type LlavaBenchDoc } from './load.ts';

export const LlavaBenchOptions = z.strictObject({
  /** Which official layout to read; 'auto' reads every layout present in the folder. */
  layout: z.enum(['auto', 'wild', 'coco']).default('auto'),
  /** COCO image folder (absolute or relative to the dataset folder). */
  cocoImages: z.string().optional(),
  /** Extra judge tries after an unparseable score line (judge `compat: robust` only). */
  judgeRetries: z.int().min(0).max(10).default(2),
  /** Bootstrap resamples for the confidence intervals. */
  bootstrapIterations: z.int().min(100).default(2000),
});
export type LlavaBenchOptions = z.infer<typeof LlavaBenchOptions>;

/** One LLaVA-Bench suite over the given categories. */
export function llavaBenchSuite(name: string, description: string, categories: readonly LlavaCategory[]): QualitySuite<LlavaBenchDoc, LlavaBenchOptions> {
  return defineSuite<LlavaBenchDoc, LlavaBenchOptions>({
    kind: 'quality',
    usesJudge: true,
    name,
    description,
    optionsSchema: LlavaBenchOptions as z.ZodType<LlavaBenchOptions>,
    // limit, tag and shard selection are the runner's job.
    load: (ctx) => loadLlavaBench(ctx.datasetDir, ctx.options, categories),
    toRequest(doc, model, ctx) {
      // Natural-answer task: LLaVA's model_vqa.py sends the bare question (no suffix), greedy, 1024 tokens.
      const open = getFamily(model.family).taskDefaults.open;
      return {
        messages: [{ role: 'user', content: [{ type: 'image', image: { kind: 'path', path: doc.image } }, { type: 'text', text: doc.question + open.suffix }] }],
        params: { maxTokens: ctx.maxTokens ?? open.maxTokens, temperature: open.temperature },
      };
    },
    score: (doc, result, ctx) => scoreAnswer(doc, result.text, { judge: ctx.services.judge, retries: ctx.options.judgeRetries }),
    describe: describeItem,
    aggregate: (records, ctx) => aggregateLlavaBench(records, { seed: ctx.seed, iterations: ctx.options.bootstrapIterations, judgeConfigured: ctx.services.judge !== undefined }),
    metrics: LLAVA_BENCH_METRICS,
    // relative = mean(judge_model) / mean(judge_ref) × 100 (LLaVA llava/eval/summarize_gpt_review.py): a ratio
    // of means, bootstrapped as a ratio with both scores of a sample drawn together, whole images at a time.
    pairing: [
      { metric: 'relative', test: 'bootstrap-ratio', scores: ['judge_model', 'judge_ref'], clusterBy: 'image' },
      { metric: 'model_score', test: 'bootstrap-mean', scores: ['judge_model'], clusterBy: 'image' },
      { metric: 'rougeL_nojudge', test: 'bootstrap-mean', scores: ['rougeL_nojudge'], clusterBy: 'image' },
      { metric: 'tokenF1_nojudge', test: 'bootstrap-mean', scores: ['tokenF1_nojudge'], clusterBy: 'image' },
    ],
    builtinDataset: ensureLlavaBenchSample,
    checkDataset: (dir, options) => { detectLayouts(dir, options.layout); },
  });
}
