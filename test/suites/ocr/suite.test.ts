import { describe, expect, it } from 'vitest';
import { ensureOcrSample } from '../../../src/fixtures/datasets/ocr.ts';
import { suites } from '../../../suites/ocr/index.ts';
import type { OcrDoc } from '../../../suites/ocr/doc.ts';
import { ocrSuite, type OcrOptions } from '../../../suites/ocr/suite.ts';
import { ctxFor, docs, errorsOf, model, recordsFor, tmp } from '../scienceqa/helpers.ts';

const opts = (o: Partial<OcrOptions> = {}): OcrOptions => ({
  format: 'auto', textvqaQuestions: 'auto', ocrbenchVariant: 'ocrbench', ocrbenchSuffix: false, anlsVariant: 'lmms-eval', bootstrapIterations: 500, ...o,
});
const SUFFIX = '\nAnswer the question using a single word or phrase.';
const ocr = ocrSuite('ocr', 'all');

describe('ocr suites on the built-in set', async () => {
  const dir = await ensureOcrSample(tmp('ocr-'));

  it('exports ocr plus one suite per benchmark', () => {
    expect(suites.map((s) => s.name)).toEqual(['ocr', 'textvqa', 'docvqa', 'ocrbench']);
  });

  it('ocr reads all three official layouts; the pinned suites read one each', async () => {
    const all = await ocr.load(ctxFor(dir, opts()));
    expect(errorsOf(all)).toEqual([]);
    const count = (f: string) => docs(all).filter((d) => d.doc.format === f).length;
    expect([count('textvqa'), count('docvqa'), count('ocrbench')]).toEqual([10, 8, 12]);
    const only = suites.find((s) => s.name === 'ocrbench')! as typeof ocr;
    const ob = await only.load(ctxFor(dir, opts({ format: 'textvqa' })));
    expect(docs(ob).every((d) => d.doc.format === 'ocrbench')).toBe(true);
    expect(ob.length).toBe(12);
    // OCRBench.json repeats `id` across dataset_name (as upstream): sample ids are positions, all distinct.
    expect(new Set(docs(ob).map((d) => d.doc.questionId)).size).toBeLessThan(12);
    expect(docs(ob).map((d) => d.id)).toEqual(Array.from({ length: 12 }, (_, i) => `ocrbench-${i}`));
    expect((await ocr.load(ctxFor(dir, opts({ format: 'docvqa' })))).length).toBe(8);
  });

  it('TextVQA prompts: the LLaVA OCR-token question file by default, plain questions when asked', async () => {
    const llava = docs(await ocr.load(ctxFor(dir, opts({ format: 'textvqa' }))));
    const first = llava[0]!.doc;
    const req = ocr.toRequest(first, model(), ctxFor(dir, opts()));
    expect(req.messages[0]!.content).toEqual([
      { type: 'image', image: { kind: 'path', path: first.image } },
      { type: 'text', text: `what does the sign say?\nReference OCR token: stop${SUFFIX}` },
    ]);
    expect(req.params).toEqual({ maxTokens: 128, temperature: 0 });
    const plain = docs(await ocr.load(ctxFor(dir, opts({ format: 'textvqa', textvqaQuestions: 'plain' }))));
    expect(ocr.toRequest(plain[0]!.doc, model(), ctxFor(dir, opts())).messages[0]!.content[1]).toEqual({ type: 'text', text: `what does the sign say?${SUFFIX}` });
    expect(plain.map((d) => d.id)).toEqual(llava.map((d) => d.id));
  });

  it('OCRBench asks the bare question (suffix optional); DocVQA gets the short-answer suffix', async () => {
    const all = docs(await ocr.load(ctxFor(dir, opts())));
    const ob = all.find((d) => d.doc.format === 'ocrbench')!.doc;
    expect(ocr.toRequest(ob, model(), ctxFor(dir, opts())).messages[0]!.content[1]).toEqual({ type: 'text', text: 'what is written in the image?' });
    expect(ocr.toRequest(ob, model(), ctxFor(dir, opts({ ocrbenchSuffix: true }))).messages[0]!.content[1]).toEqual({ type: 'text', text: `what is written in the image?${SUFFIX}` });
    const dv = all.find((d) => d.doc.format === 'docvqa')!.doc;
    expect(ocr.toRequest(dv, model(), ctxFor(dir, opts())).messages[0]!.content[1]).toEqual({ type: 'text', text: `What is the date on the invoice?${SUFFIX}` });
  });

  it('scores each benchmark with its official scorer and aggregates per benchmark', async () => {
    const samples = await ocr.load(ctxFor(dir, opts()));
    const ctx = ctxFor(dir, opts());
    const reply = (d: OcrDoc): string | Error => {
      if (d.format === 'textvqa') return d.question.startsWith('what is the name of the cafe') ? 'Cafe Rosa.' : d.answers[0]!.toUpperCase();
      if (d.format === 'docvqa') return d.question.startsWith('Who is the memo') ? 'Dr Alice Moore' : d.question.startsWith('How many') ? new Error('timeout') : d.answers[0]!;
      if (d.datasetName === 'HME100k') return 'x^{2}+1';
      return d.type === 'Key Information Extraction' ? 'the total is 12.5' : `The text reads "${d.answers[0]}".`;
    };
    const records = await recordsFor(ocr, samples, ctx, reply);
    const byId = Object.fromEntries(records.map((r) => [r.sampleId, r]));
    const cafe = records.find((r) => String(r.meta?.format) === 'textvqa' && (r.reference as { answers: string[] }).answers.includes('cafe rosa'))!;
    // 'cafe rosa' was given by 2 of 10 annotators → 0.6
    expect(cafe.scores.vqa_accuracy).toBe(0.6);
    const s = ocr.aggregate(records, ctx);
    expect(s.headline).toBe('textvqa_accuracy');
    expect(s.errors).toBe(1);
    // TextVQA: 9 questions right (answers[0] of each has ≥4 matching annotators after normalising) + 0.6
    expect(s.metrics.textvqa_accuracy!.value).toBeCloseTo(((9 + 0.6) / 10) * 100, 10);
    expect(s.metrics.textvqa_accuracy!.n).toBe(10);
    // DocVQA: 6 exact, 'Dr Alice Moore' vs 'Dr. Alice Moore' = 1 − 1/15, one failed generation left out
    expect(s.metrics.docvqa_anls!.n).toBe(7);
    expect(s.metrics.docvqa_anls!.value).toBeCloseTo(((6 + 1 - 1 / 15) / 7) * 100, 10);
    // OCRBench: KIE '12.50' is not in 'the total is 12.5' → 11 of 12
    expect(s.metrics.ocrbench_score!.value).toBe(11);
    const table = s.tables!.ocrbench as { textRecognition: { score: number }; types: { type: string; score: number; items: number }[] };
    expect(table.textRecognition.score).toBe(8);
    expect(table.types.find((t) => t.type === 'Key Information Extraction')).toMatchObject({ score: 0, items: 1 });
    expect(table.types.find((t) => t.type === 'Handwritten Mathematical Expression Recognition')).toMatchObject({ score: 1, items: 1 });
    const [lo, hi] = s.metrics.textvqa_accuracy!.ci!;
    expect(lo).toBeLessThanOrEqual(s.metrics.textvqa_accuracy!.value!);
    expect(hi).toBeGreaterThanOrEqual(s.metrics.textvqa_accuracy!.value!);
    expect(Object.keys(byId).length).toBe(30);
  });

  it('the ANLS variant and OCRBench version options reach the scorers', async () => {
    const all = docs(await ocr.load(ctxFor(dir, opts())));
    const hme = all.find((d) => d.doc.datasetName === 'HME100k')!.doc;
    const upper = { ...hme, answers: ['X ^ 2'] };
    const okText = (text: string) => ({ ok: true as const, text, finishReason: 'stop' as const, usage: { promptTokens: 1, completionTokens: 1, source: 'estimate' as const }, timings: { startedAt: 0, chunkMs: [], chunkTokens: [], endMs: 1 } });
    const lmms = ctxFor(dir, opts({ ocrbenchVariant: 'lmms-eval' }));
    // HME100k: both rules keep case on both sides.
    expect((await ocr.score(upper, okText('X^2'), ctxFor(dir, opts()))).scores.ocrbench).toBe(1);
    expect((await ocr.score(upper, okText('X^2'), lmms)).scores.ocrbench).toBe(1);
    // Elsewhere lmms-eval folds full-width forms; the original script does not.
    const word = all.find((d) => d.doc.datasetName === 'IIIT5K')!.doc;
    expect((await ocr.score(word, okText('ＣＨＩＮＡ'), ctxFor(dir, opts()))).scores.ocrbench).toBe(0);
    expect((await ocr.score(word, okText('ＣＨＩＮＡ'), lmms)).scores.ocrbench).toBe(1);
  });
});
