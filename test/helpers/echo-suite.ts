/**
 * Test-only quality suite: `count` synthetic items whose right answer is `echo:<id>`, scored exactly;
 * every third item expects a wrong answer so accuracy is not trivially 1. `failLoad: <message>` makes load throw;
 * `idModulo: n` reuses ids (item-<i mod n>), like a loader that trusts a dataset's repeated ids.
 */
import { z } from 'zod';
import { defineSuite, type Suite } from '../../src/core/suite.ts';
import type { SampleRecord } from '../../src/core/record.ts';

const Options = z.strictObject({ count: z.int().nonnegative().default(20), failLoad: z.string().optional(), idModulo: z.int().positive().optional() });
type Doc = { id: string; expected: string };

const echo = defineSuite<Doc, z.infer<typeof Options>>({
  kind: 'quality',
  name: 'echo',
  description: 'test suite: exact-match echo',
  optionsSchema: Options,
  async builtinDataset(fixturesDir) { return fixturesDir; },
  async load(ctx) {
    if (ctx.options.failLoad) throw new Error(ctx.options.failLoad);
    return Array.from({ length: ctx.options.count }, (_, i) => {
      const id = `item-${ctx.options.idModulo ? i % ctx.options.idModulo : i}`;
      return { id, doc: { id, expected: i % 3 === 2 ? 'other' : `echo:${id}` } };
    });
  },
  toRequest(doc) {
    return { messages: [{ role: 'user', content: [{ type: 'text', text: `item ${doc.id}` }] }], params: { maxTokens: 8 } };
  },
  score(doc, result) {
    return { scores: { exact: result.text === doc.expected ? 1 : 0 }, reference: doc.expected };
  },
  aggregate(records: SampleRecord[]) {
    const ok = records.filter((r) => !r.error);
    const values = ok.map((r) => r.scores.exact ?? 0);
    const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
    return {
      n: records.length,
      errors: records.length - ok.length,
      headline: 'exact',
      metrics: { exact: { value: mean, n: values.length, better: 'higher' } },
    };
  },
  metrics: { exact: { better: 'higher' } },
  pairing: [{ metric: 'exact', test: 'mcnemar', scores: ['exact'] }],
});

export const suites: Suite[] = [echo as Suite];
