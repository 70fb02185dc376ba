import { describe, expect, it } from 'vitest';
import type { QualitySuite } from '../../../src/core/suite.ts';
import { loadSuite } from '../../../src/runner/suites.ts';
import { regressionTag } from '../../../suites/common/shared.ts';
import { ctxFor, docs, errorsOf, model, recordsFor, tmp } from '../scienceqa/helpers.ts';

/**
 * Every radar suite through its shipped hooks on its built-in sample set: load (official layout), ask
 * (family prompt), score, aggregate — with the right answers (100), wrong ones (0) and a failed
 * generation (counted as each official script does).
 */
type AnyDoc = Record<string, unknown>;
const right: Record<string, (d: AnyDoc) => string> = {
  vqav2: (d) => (d.answers as string[])[0] ?? 'x',
  gqa: (d) => `${String(d.answer)[0]!.toUpperCase()}${String(d.answer).slice(1)}.`,
  vizwiz: (d) => (d.answers as string[])[0]!,
  pope: (d) => (d.label === 'yes' ? 'Yes, there is.' : 'No.'),
  mme: (d) => String(d.answer),
  mmbench: (d) => String(d.answer),
  'mmbench-cn': (d) => String(d.answer),
  'seed-bench': (d) => String(d.answer),
};
const wrong: Record<string, (d: AnyDoc) => string> = {
  vqav2: () => 'zebra', gqa: () => 'zebra', vizwiz: () => 'zebra', pope: (d) => (d.label === 'yes' ? 'No' : 'Yes'),
  mme: (d) => (String(d.answer) === 'Yes' ? 'No' : 'Yes'), mmbench: (d) => (d.answer === 'A' ? 'B' : 'A'), 'mmbench-cn': (d) => (d.answer === 'A' ? 'B' : 'A'),
  'seed-bench': (d) => (d.answer === 'A' ? 'B' : 'A'),
};
const HEADLINE: Record<string, [string, number]> = {
  vqav2: ['accuracy', 100], gqa: ['accuracy', 100], vizwiz: ['accuracy', 100], pope: ['f1', 100], mme: ['perception', 2000],
  mmbench: ['circular_accuracy', 100], 'mmbench-cn': ['circular_accuracy', 100], 'seed-bench': ['accuracy', 100],
};

describe.each(Object.keys(right))('%s on its built-in set', (name) => {
  it('loads the official layout, prompts through the family, scores 100 right and 0 wrong', async () => {
    const suite = (await loadSuite(name, 'suites[0]')) as QualitySuite<AnyDoc, unknown>;
    const dir = await suite.builtinDataset!(tmp('radar-'));
    const ctx = ctxFor(dir, suite.optionsSchema.parse({}));
    const samples = await suite.load(ctx);
    expect(errorsOf(samples)).toEqual([]);
    expect(docs(samples).length).toBeGreaterThanOrEqual(6);
    const req = suite.toRequest(docs(samples)[0]!.doc, model(), ctx);
    expect(req.messages[0]!.content[0]!.type).toBe('image');
    const text = (req.messages[0]!.content[1] as { text: string }).text;
    expect(text).toMatch(name === 'mmbench-cn' ? /请直接回答选项字母。$/ : name === 'vizwiz' ? /'Unanswerable'\.\nAnswer the question using a single word or phrase\.$/
      : name.startsWith('mmbench') || name === 'seed-bench' ? /\nA\. .*\nB\. .*\nAnswer with the option's letter from the given choices directly\.$/s : /\nAnswer the question using a single word or phrase\.$/);
    const [metric, full] = HEADLINE[name]!;
    const good = suite.aggregate(await recordsFor(suite, samples, ctx, right[name]!), ctx);
    expect(good.headline).toBe(metric);
    // MME built-in: one image per subtask in all fourteen; Perception is the sum of the ten perception subtasks.
    expect(good.metrics[metric]!.value).toBeCloseTo(full, 9);
    const bad = suite.aggregate(await recordsFor(suite, samples, ctx, wrong[name]!), ctx);
    expect(bad.metrics[metric]!.value ?? 0).toBe(0);
    // A failed generation: recorded as an error, counted by the suite's rule, never crashes the summary.
    const first = docs(samples)[0]!.doc;
    const mixed = suite.aggregate(await recordsFor(suite, samples, ctx, (d) => (d === first ? new Error('boom') : right[name]!(d))), ctx);
    expect(mixed.errors).toBe(1);
    expect(mixed.notes?.join(' ')).toMatch(/no answer/);
  });
});

describe('mm-vet on its built-in set', () => {
  it('grades through the judge with the official prompt and totals per capability; no judge → ungraded, reported', async () => {
    const suite = (await loadSuite('mm-vet', 'suites[0]')) as QualitySuite<AnyDoc, unknown>;
    const dir = await suite.builtinDataset!(tmp('radar-'));
    const prompts: string[] = [];
    const judge = { id: 'scripted', complete: async (_s: string, user: string) => { prompts.push(user); return user.includes('| STOP | STOP |') ? '1.0' : '0.5'; } };
    const ctx = ctxFor(dir, suite.optionsSchema.parse({}), { services: { judge } });
    const samples = await suite.load(ctx);
    expect(docs(samples).length).toBe(4);
    const records = await recordsFor(suite, samples, ctx, (d) => String(d.answer).split('<')[0]!.trim());
    const s = suite.aggregate(records, ctx);
    expect(prompts[0]).toMatch(/^Compare the ground truth and prediction from AI models/);
    expect(prompts.some((p) => p.endsWith('| circle  <AND>  red | circle | '))).toBe(true);
    expect(s.headline).toBe('total');
    expect(s.metrics.total!.value).toBeCloseTo(((1 + 0.5 * 3) / 4) * 100, 9);
    expect(s.metrics.ocr!.value).toBe(75);
    // Not GPT-4: the totals say they do not compare with published numbers; an official grader id does not.
    expect(s.notes?.join(' ')).toMatch(/Graded by scripted, not the official GPT-4 grader/);
    const gpt4 = { ...judge, id: 'openai:gpt-4-0613' };
    const official = suite.aggregate(await recordsFor(suite, samples, ctxFor(dir, suite.optionsSchema.parse({}), { services: { judge: gpt4 } }), (d) => String(d.answer)), ctx);
    expect(official.notes?.join(' ')).not.toMatch(/not the official/);
    const none = suite.aggregate(await recordsFor(suite, samples, ctxFor(dir, suite.optionsSchema.parse({})), () => 'x'), ctx);
    expect(none.headline).toBeUndefined();
    expect(none.notes?.join(' ')).toMatch(/4 answer\(s\) not graded: no judge configured/);
  });
});

describe('regression subset', () => {
  it('tags whole groups: every rotation of an MMBench question, both questions of an MME image', async () => {
    for (const [name, groupOf] of [['mmbench', (d: AnyDoc) => String(Number(d.index) % 1_000_000)], ['mme', (d: AnyDoc) => `${d.subtask}/${d.imageName}`]] as const) {
      const suite = (await loadSuite(name, 'suites[0]')) as QualitySuite<AnyDoc, unknown>;
      const dir = await suite.builtinDataset!(tmp('radar-'));
      const samples = await suite.load(ctxFor(dir, suite.optionsSchema.parse({})));
      const byGroup = new Map<string, boolean[]>();
      for (const s of samples) if ('doc' in s) byGroup.set(groupOf(s.doc), [...(byGroup.get(groupOf(s.doc)) ?? []), s.tags!.includes('regression')]);
      for (const [g, flags] of byGroup) expect(new Set(flags).size, `${name} ${g}`).toBe(1);
    }
    const share = Array.from({ length: 2000 }, (_, i) => regressionTag(`group-${i}`).length).reduce((a, b) => a + b, 0) / 2000;
    expect(share).toBeGreaterThan(0.15);
    expect(share).toBeLessThan(0.25);
    expect(regressionTag('group-7')).toEqual(regressionTag('group-7'));
  });
});
