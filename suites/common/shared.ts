import type { MetricValue, SampleRecord } from '../../src/core/record.ts';
import type { ImageSource } from '../../src/core/request.ts';
import { type DatasetError, type ErrorRecord, toErrorRecord } from '../../src/core/errors.ts';
import type { LoadedSample, PreparedRequest, SuiteContext, SuiteModel } from '../../src/core/suite.ts';
import { checkImages } from '../scienceqa/files.ts';
import { getFamily } from '../../src/families/index.ts';
import type { TaskKind } from '../../src/families/index.ts';
import { bootstrapMeanCI, mean, wilsonInterval } from '../../src/scoring/stats.ts';

/**
 * Pieces the radar suites (VQAv2, GQA, VizWiz, POPE, MME, MMBench, SEED-Bench, MM-Vet) share: one image
 * plus text through the family's task suffix, and the usual summary metrics.
 */

/** One image, then the question with the family's suffix for `task` (LLaVA model_vqa_loader.py: image first). */
export function imageQuestion(image: ImageSource, question: string, task: TaskKind, model: SuiteModel, ctx: SuiteContext<unknown>): PreparedRequest {
  const t = getFamily(model.family).taskDefaults[task];
  return {
    messages: [{ role: 'user', content: [{ type: 'image', image }, { type: 'text', text: question + t.suffix }] }],
    params: { maxTokens: ctx.maxTokens ?? t.maxTokens, temperature: t.temperature },
  };
}

export const pathImage = (p: string): ImageSource => ({ kind: 'path', path: p });

/** correct / n as a percentage with a 95% Wilson interval. */
export function pctMetric(correct: number, n: number): MetricValue {
  if (n === 0) return { value: null, n: 0, better: 'higher', unit: '%' };
  const [lo, hi] = wilsonInterval(correct, n);
  return { value: (correct / n) * 100, ci: [lo * 100, hi * 100], n, better: 'higher', unit: '%' };
}

/** Mean ×100 of a graded score with a bootstrap interval (clusters: items sharing an image). */
export function meanMetric(values: number[], clusters: string[], seed: number, unit = '%'): MetricValue {
  if (values.length === 0) return { value: null, n: 0, better: 'higher', unit };
  const [lo, hi] = bootstrapMeanCI(values, { seed, iterations: 1000, clusters });
  return { value: mean(values) * 100, ci: [lo * 100, hi * 100], n: values.length, better: 'higher', unit };
}

/** A plain value (sums, chi-square…) with no interval. */
export const plainMetric = (value: number | null, n: number, better: 'higher' | 'lower' = 'higher', unit?: string): MetricValue => ({
  value: value === null || Number.isNaN(value) ? null : value, n, better, ...(unit ? { unit } : {}),
});

export const answered = (records: SampleRecord[]) => records.filter((r) => !r.error);
export const metaOf = <M>(r: SampleRecord) => (r.meta ?? {}) as Partial<M>;
export const errorNote = (errors: number, rule: string) => (errors > 0 ? [`${errors} sample(s) have no answer (dataset or generation error): ${rule}.`] : []);

/** A per-sample dataset error value. */
export const failedSample = (id: string, err: DatasetError): { id: string; error: ErrorRecord } => ({ id, error: toErrorRecord(err) });

/**
 * Check the images of loaded samples (header decode, bounded concurrency): a missing or undecodable image
 * turns its sample into an error value naming the file. Samples without an image path pass through.
 */
export async function checkSampleImages<D>(samples: LoadedSample<D>[], imageOf: (d: D) => string | undefined): Promise<LoadedSample<D>[]> {
  const paths = samples.flatMap((s) => ('doc' in s && imageOf(s.doc) ? [imageOf(s.doc)!] : []));
  const checks = await checkImages(paths, 'image');
  return samples.map((s) => {
    if (!('doc' in s)) return s;
    const p = imageOf(s.doc);
    const err = p ? checks.get(p) : undefined;
    return err ? failedSample(s.id, err) : s;
  });
}

/**
 * The `regression` tag for a deterministic fifth of a benchmark, chosen per group (an image's questions,
 * an MME image pair, an MMBench question's rotations) so the subset keeps whole groups. Samples that carry
 * tags are selected by their tags only, so every radar suite tags its regression subset itself.
 */
export function regressionTag(groupKey: string): string[] {
  let h = 0x811c9dc5;
  for (let i = 0; i < groupKey.length; i++) { h ^= groupKey.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
  return h % 5 === 0 ? ['regression'] : [];
}
