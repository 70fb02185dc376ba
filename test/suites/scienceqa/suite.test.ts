import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ensureScienceQASample } from '../../../src/fixtures/datasets/scienceqa.ts';
import { SQA_OPTIONS } from '../../../src/scoring/scienceqa.ts';
import { suites } from '../../../suites/scienceqa/index.ts';
import { scienceqaSuite, type ScienceQAOptions } from '../../../suites/scienceqa/suite.ts';
import type { SqaDoc } from '../../../suites/scienceqa/load.ts';
import { ctxFor, docs, errorsOf, model, recordsFor, tmp } from './helpers.ts';

const opts = (o: Partial<ScienceQAOptions> = {}): ScienceQAOptions => ({ compat: 'llava', format: 'auto', imageOnly: false, ...o });
const SUFFIX = "\nAnswer with the option's letter from the given choices directly.";

describe('scienceqa suite on the built-in set', async () => {
  const dir = await ensureScienceQASample(tmp());

  it('is registered under its name', () => {
    expect(suites.map((s) => s.name)).toEqual(['scienceqa']);
  });

  it('loads the official layout and the LLaVA question file to the same problems', async () => {
    const official = docs(await scienceqaSuite.load(ctxFor(dir, opts({ format: 'official' }))));
    const llava = docs(await scienceqaSuite.load(ctxFor(dir, opts({ format: 'llava' }))));
    expect(official.length).toBe(28);
    expect(llava).toEqual(official);
    const subjects = new Set(official.map((d) => d.doc.subject));
    expect(subjects).toEqual(new Set(['natural science', 'social science', 'language science']));
    expect(official.some((d) => d.doc.image) && official.some((d) => !d.doc.image)).toBe(true);
  });

  it('builds the LLaVA CQM prompt with the family suffix, image first', async () => {
    const all = docs(await scienceqaSuite.load(ctxFor(dir, opts())));
    const withImage = all.find((d) => d.doc.image)!.doc;
    const req = scienceqaSuite.toRequest(withImage, model(), ctxFor(dir, opts()));
    expect(req.messages).toHaveLength(1);
    const [img, text] = req.messages[0]!.content;
    expect(img).toEqual({ type: 'image', image: { kind: 'path', path: withImage.image } });
    expect(text).toEqual({ type: 'text', text: `Context: N/A\nQuestion: How many red circles are in the picture?\nOptions: (A) 2 (B) 3 (C) 5${SUFFIX}` });
    expect(req.params).toEqual({ maxTokens: 1024, temperature: 0 });
    const textOnly = all.find((d) => d.doc.hint.startsWith('Use the Celsius'))!.doc;
    const t = scienceqaSuite.toRequest(textOnly, model(), ctxFor(dir, opts({}), { maxTokens: 16 }));
    expect(t.messages[0]!.content).toEqual([{ type: 'text', text: `Context: Use the Celsius scale.\nQuestion: What is the boiling point of water at sea level?\nOptions: (A) 0°C (B) 50°C (C) 100°C (D) 150°C${SUFFIX}` }]);
    expect(t.params.maxTokens).toBe(16);
  });

  it('scores with the LLaVA parser by default and the lenient one when asked', async () => {
    const doc = docs(await scienceqaSuite.load(ctxFor(dir, opts())))[0]!.doc;
    const letter = SQA_OPTIONS[doc.answer]!;
    const llava = await scienceqaSuite.score(doc, okText(`${letter}.`), ctxFor(dir, opts()));
    expect(llava.scores).toEqual({ correct: 0, correct_llava: 0, correct_lenient: 1 });
    const lenient = await scienceqaSuite.score(doc, okText(`${letter}.`), ctxFor(dir, opts({ compat: 'lenient' })));
    expect(lenient.scores.correct).toBe(1);
    expect((await scienceqaSuite.score(doc, okText(letter), ctxFor(dir, opts()))).scores.correct).toBe(1);
  });

  it('aggregates SQA-IMG headline, accuracy and the official table with Wilson intervals', async () => {
    const samples = await scienceqaSuite.load(ctxFor(dir, opts()));
    const ctx = ctxFor(dir, opts());
    // Right on image problems except the bar charts; text problems right only in natural science; one generation fails.
    let failed = false;
    const records = await recordsFor(scienceqaSuite, samples, ctx, (d: SqaDoc) => {
      if (!failed && !d.image && d.subject === 'social science') { failed = true; return new Error('backend died'); }
      const right = d.image ? !d.prompt.includes('rainfall') : d.subject === 'natural science';
      return right ? SQA_OPTIONS[d.answer]! : SQA_OPTIONS[(d.answer + 1) % d.choices.length]!;
    });
    const s = scienceqaSuite.aggregate(records, ctx);
    expect(s.n).toBe(28);
    expect(s.errors).toBe(1);
    expect(s.headline).toBe('img_accuracy');
    // 16 image problems, 3 charts wrong → 13/16
    expect(s.metrics.img_accuracy!.value).toBeCloseTo((13 / 16) * 100, 10);
    expect(s.metrics.img_accuracy!.n).toBe(16);
    const [lo, hi] = s.metrics.img_accuracy!.ci!;
    expect(lo).toBeLessThan(81.25);
    expect(hi).toBeGreaterThan(81.25);
    // 13 image + 3 natural-science text right = 16 of 28 (the failed one counts wrong)
    expect(s.metrics.accuracy!.value).toBeCloseTo((16 / 28) * 100, 10);
    const table = (s.tables!.scienceqa as { official: Record<string, string | number> }).official;
    expect(table).toEqual({
      // TXT includes the whitespace-only hint (upstream quirk): 9 problems, 2 right.
      Avg: '57.14', NAT: '100.00', SOC: '0.00', LAN: '28.57', TXT: '22.22', IMG: '81.25', NO: '28.57', 'G1-6': '66.67', 'G7-12': '46.15',
    });
    expect(s.notes![0]).toBe('Total: 28, Correct: 16, Accuracy: 57.14%, IMG-Accuracy: 81.25%');
  });

  it('imageOnly asks only the SQA-IMG subset; limit truncates', async () => {
    const img = await scienceqaSuite.load(ctxFor(dir, opts({ imageOnly: true })));
    expect(img.length).toBe(16);
    expect(docs(img).every((d) => d.doc.image)).toBe(true);
    expect((await scienceqaSuite.load(ctxFor(dir, opts(), { limit: 5 }))).length).toBe(5);
    expect(errorsOf(img)).toEqual([]);
  });

  it('the generated llava_test_CQM-A.json matches the official converter format', () => {
    const items = JSON.parse(readFileSync(`${dir}/llava_test_CQM-A.json`, 'utf8')) as { id: string; image?: string; conversations: { from: string; value: string }[] }[];
    const first = items[0]!;
    expect(first.image).toBe(`${first.id}/image.png`);
    expect(first.conversations[0]!.value).toBe('Context: N/A\nQuestion: How many red circles are in the picture?\nOptions: (A) 2 (B) 3 (C) 5\n<image>');
    expect(first.conversations[1]).toEqual({ from: 'gpt', value: 'The answer is B.' });
  });
});

function okText(text: string) {
  return { ok: true as const, text, finishReason: 'stop' as const, usage: { promptTokens: 1, completionTokens: 1, source: 'estimate' as const }, timings: { startedAt: 0, chunkMs: [], chunkTokens: [], endMs: 1 } };
}
