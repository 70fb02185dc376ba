import type { MetricValue, SampleRecord, SuiteSummary } from '../../src/core/record.ts';
import type { HeadlinePairing, MetricSpec } from '../../src/core/suite.ts';
import { OCRBENCH_TYPES, ocrbenchTotals } from '../../src/scoring/ocrbench.ts';
import { bootstrapMeanCI, mean, wilsonInterval } from '../../src/scoring/stats.ts';
import type { OcrFormat } from './doc.ts';

export const OCR_METRICS: Record<string, MetricSpec> = {
  textvqa_accuracy: { better: 'higher', unit: '%' },
  docvqa_anls: { better: 'higher', unit: 'ANLS×100' },
  ocrbench_score: { better: 'higher', unit: 'points' },
  ocrbench_accuracy: { better: 'higher', unit: '%' },
};

/** Per-sample score key of each format. */
export const SCORE_KEY: Record<OcrFormat, string> = { textvqa: 'vqa_accuracy', docvqa: 'anls', ocrbench: 'ocrbench' };

/**
 * How each summary metric is computed from samples (see aggregateOcr): TextVQA soft accuracy and ANLS are
 * graded means over their own format's samples, clustered by image/document; OCRBench counts 0/1 items.
 */
export const OCR_PAIRING: readonly HeadlinePairing[] = [
  { metric: 'textvqa_accuracy', test: 'bootstrap-mean', scores: [SCORE_KEY.textvqa], where: { meta: 'format', equals: 'textvqa' }, clusterBy: 'cluster' },
  { metric: 'docvqa_anls', test: 'bootstrap-mean', scores: [SCORE_KEY.docvqa], where: { meta: 'format', equals: 'docvqa' }, clusterBy: 'cluster' },
  { metric: 'ocrbench_score', test: 'mcnemar', scores: [SCORE_KEY.ocrbench], where: { meta: 'format', equals: 'ocrbench' } },
  { metric: 'ocrbench_accuracy', test: 'mcnemar', scores: [SCORE_KEY.ocrbench], where: { meta: 'format', equals: 'ocrbench' } },
];

interface OcrMeta { format?: OcrFormat; cluster?: string; type?: string }
const metaOf = (r: SampleRecord) => (r.meta ?? {}) as OcrMeta;

/** Mean ×100 with a bootstrap interval that resamples whole images (questions on one image are related). */
function graded(records: SampleRecord[], key: string, unit: string, seed: number, iterations: number): MetricValue {
  const scored = records.filter((r) => !r.error && typeof r.scores[key] === 'number');
  if (scored.length === 0) return { value: null, n: 0, better: 'higher', unit };
  const values = scored.map((r) => r.scores[key] as number);
  const [lo, hi] = bootstrapMeanCI(values, { seed, iterations, clusters: scored.map((r) => metaOf(r).cluster ?? r.sampleId) });
  return { value: mean(values) * 100, ci: [lo * 100, hi * 100], n: values.length, better: 'higher', unit };
}

/**
 * OCR summary per format present in the records:
 * - TextVQA: mean VQA soft accuracy ×100 over answered questions (LLaVA's eval_textvqa.py scores only the
 *   questions it has results for), cluster-bootstrap CI by image;
 * - DocVQA: mean ANLS ×100, cluster-bootstrap CI by document;
 * - OCRBench: the Final Score (sum; out of 1000 on the full release) with the per-type table and the
 *   Text Recognition subtotal; a failed generation scores 0, like a missing prediction upstream; also the
 *   accuracy in % with a Wilson interval.
 * Headline: TextVQA, then DocVQA, then OCRBench — whichever is present first.
 */
export function aggregateOcr(records: SampleRecord[], opts: { seed?: number; iterations?: number } = {}): Omit<SuiteSummary, 'model' | 'suite'> {
  const seed = opts.seed ?? 0;
  const iterations = opts.iterations ?? 2000;
  const by = (f: OcrFormat) => records.filter((r) => metaOf(r).format === f);
  const metrics: Record<string, MetricValue> = {};
  const tables: Record<string, unknown> = {};
  const notes: string[] = [];
  const present: OcrFormat[] = [];
  const errors = records.filter((r) => r.error).length;
  const unassigned = records.filter((r) => metaOf(r).format === undefined).length;

  const textvqa = by('textvqa');
  if (textvqa.length > 0) {
    present.push('textvqa');
    metrics.textvqa_accuracy = graded(textvqa, SCORE_KEY.textvqa, '%', seed, iterations);
    notes.push(`TextVQA: Samples: ${metrics.textvqa_accuracy.n}, Accuracy: ${metrics.textvqa_accuracy.value?.toFixed(2) ?? 'n/a'}% (EvalAI normaliser, leave-one-out soft accuracy).`);
  }
  const docvqa = by('docvqa');
  if (docvqa.length > 0) {
    present.push('docvqa');
    metrics.docvqa_anls = graded(docvqa, SCORE_KEY.docvqa, 'ANLS×100', seed, iterations);
  }
  const ocrbench = by('ocrbench');
  if (ocrbench.length > 0) {
    present.push('ocrbench');
    const items = ocrbench.map((r) => ({ type: metaOf(r).type ?? '', score: !r.error && r.scores[SCORE_KEY.ocrbench] === 1 ? 1 : 0 }));
    const totals = ocrbenchTotals(items);
    const [lo, hi] = wilsonInterval(totals.final, items.length);
    metrics.ocrbench_score = { value: totals.final, n: items.length, better: 'higher', unit: 'points' };
    metrics.ocrbench_accuracy = { value: (totals.final / items.length) * 100, ci: [lo * 100, hi * 100], n: items.length, better: 'higher', unit: '%' };
    tables.ocrbench = {
      textRecognition: { score: totals.recognition, of: OCRBENCH_TYPES['Regular Text Recognition'] * 6 },
      types: Object.keys(OCRBENCH_TYPES).map((t) => ({
        type: t, score: totals.byType[t as keyof typeof OCRBENCH_TYPES], items: totals.countByType[t as keyof typeof OCRBENCH_TYPES],
        officialItems: OCRBENCH_TYPES[t as keyof typeof OCRBENCH_TYPES],
      })),
      final: totals.final,
      items: items.length,
    };
    notes.push(`OCRBench: Final Score ${totals.final} over ${items.length} items (the official release has 1000).`);
  }
  if (errors > 0) notes.push(`${errors} sample(s) have no answer (dataset or generation error): left out of TextVQA/DocVQA means, scored 0 in OCRBench.`);
  if (unassigned > 0) notes.push(`${unassigned} dataset error(s) could not be assigned to a benchmark.`);
  const headline = present[0] === 'textvqa' ? 'textvqa_accuracy' : present[0] === 'docvqa' ? 'docvqa_anls' : present[0] === 'ocrbench' ? 'ocrbench_score' : undefined;
  return { n: records.length, errors, ...(headline ? { headline } : {}), metrics, ...(Object.keys(tables).length ? { tables } : {}), notes };
}
