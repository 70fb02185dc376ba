import { describe, expect, it } from 'vitest';
import { JudgeConfig } from '../../src/config/schema.ts';
import { ensureLlavaBenchSample } from '../../src/fixtures/datasets/llava-bench.ts';
import { ensureGgufFixtures } from '../../src/fixtures/gguf/index.ts';
import { createJudge } from '../../src/judge/index.ts';
import { parseScoreOfficial } from '../../src/judge/parse.ts';
import { judgeGrammar } from '../../src/judge/grammar.ts';
import { loadLlavaBench } from '../../suites/llava-bench/load.ts';
import { scoreAnswer } from '../../src/judge/sample.ts';
import { tmp } from '../suites/llava-bench/helpers.ts';

describe('local llama.cpp judge (generated tiny GGUF, random weights)', () => {
  it('the grammar makes every reply start with a parseable score line, for every built-in item', async () => {
    const { textModel } = await ensureGgufFixtures(tmp('gguf-'));
    const dir = await ensureLlavaBenchSample(tmp());
    const docs = (await loadLlavaBench(dir, { layout: 'auto' }, ['conv', 'detail', 'complex'])).flatMap((x) => ('doc' in x ? [x.doc] : []));
    expect(docs).toHaveLength(15);
    const config = JudgeConfig.parse({ provider: 'llama-cpp', model: textModel, threads: 1, maxTokens: 8 }); // node-llama-cpp spends ~10 ms per generated token here; the score line needs ~4
    const cacheDir = tmp('jc-');
    const judge = await createJudge(config, { cacheDir, log: () => {} });
    try {
      for (const doc of docs) {
        const out = await scoreAnswer(doc, 'A shape of some colour.', { judge, retries: 0 });
        const review = (out.meta as { review: { status: string; content: string; attempts: number } }).review;
        expect(review.status).toBe('ok');
        expect(review.attempts).toBe(1); // no retry needed
        expect(review.content).toMatch(/^(10|[1-9]) (10|[1-9])\n/);
        expect(parseScoreOfficial(review.content)).not.toEqual([-1, -1]); // the official parser reads it too
        expect(out.scores.judge_model).toBeGreaterThanOrEqual(1);
      }
      expect(judge.stats.calls).toBe(15);
      expect(judge.provenance).toMatchObject({ provider: 'llama-cpp', model: 'tiny-llama-f16.gguf', temperature: 0.2 });
    } finally {
      await judge.close();
    }
    // Re-judging the same items replays the cache: no model load is even needed for the replies.
    const again = await createJudge(config, { cacheDir, log: () => {} });
    try {
      await scoreAnswer(docs[0]!, 'A shape of some colour.', { judge: again, retries: 0 });
      expect(again.stats).toEqual({ calls: 0, cacheHits: 1 });
    } finally {
      await again.close();
    }
  });

  it('grammar text bounds the explanation', () => {
    expect(judgeGrammar(50)).toContain('{1,50}');
    expect(judgeGrammar()).toMatch(/^root ::= score " " score "\\n" explanation$/m);
  });
});
