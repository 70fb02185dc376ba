import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JudgeConfig } from '../../../src/config/schema.ts';
import { ensureLlavaBenchSample } from '../../../src/fixtures/datasets/llava-bench.ts';
import { createJudge } from '../../../src/judge/index.ts';
import { suites } from '../../../suites/llava-bench/index.ts';
import type { LlavaBenchDoc } from '../../../suites/llava-bench/load.ts';
import type { QualitySuite } from '../../../src/core/suite.ts';
import type { LlavaBenchOptions } from '../../../suites/llava-bench/suite.ts';
import { startChatServer, type ChatServer } from '../../judge/judge-server.ts';
import { okResult, record, suiteCtx, tmp } from './helpers.ts';

const servers: ChatServer[] = [];
afterEach(async () => { await Promise.all(servers.splice(0).map((s) => s.close())); });
const suite = (name: string) => suites.find((s) => s.name === name) as QualitySuite<LlavaBenchDoc, LlavaBenchOptions>;
const model = { info: { id: 'm', family: 'llava-1.5', backend: 'http', files: [] }, family: 'llava-1.5' };

async function loadDocs(name: string, dir: string) {
  const s = suite(name);
  const loaded = await s.load(suiteCtx(dir));
  return loaded.flatMap((x) => ('doc' in x ? [{ id: x.id, doc: x.doc }] : []));
}

describe('LLaVA-Bench suites', () => {
  it('exports conversation, detail, reasoning (+ all) selecting conv, detail, complex', async () => {
    const dir = await ensureLlavaBenchSample(tmp());
    expect(suites.map((s) => s.name)).toEqual(['conversation', 'detail', 'reasoning', 'llava-bench']);
    expect(new Set((await loadDocs('conversation', dir)).map((d) => d.doc.category))).toEqual(new Set(['conv']));
    expect(new Set((await loadDocs('detail', dir)).map((d) => d.doc.category))).toEqual(new Set(['detail']));
    expect(new Set((await loadDocs('reasoning', dir)).map((d) => d.doc.category))).toEqual(new Set(['complex']));
    expect(await loadDocs('llava-bench', dir)).toHaveLength(15);
  });

  it('asks the bare question with the image, greedy, 1024 new tokens (family open-task defaults)', async () => {
    const dir = await ensureLlavaBenchSample(tmp());
    const { doc } = (await loadDocs('conversation', dir))[0]!;
    const req = suite('conversation').toRequest(doc, model, suiteCtx(dir));
    expect(req.messages).toEqual([{ role: 'user', content: [
      { type: 'image', image: { kind: 'path', path: path.join(dir, 'images', '001.jpg') } },
      { type: 'text', text: 'What color is the circle in the image?' },
    ] }]);
    expect(req.params).toEqual({ maxTokens: 1024, temperature: 0 });
    expect(suite('conversation').toRequest(doc, model, { ...suiteCtx(dir), maxTokens: 64 }).params.maxTokens).toBe(64);
  });

  it('judges through the real HTTP judge; default mode retries an unparseable reply, excludes a final failure and counts it', async () => {
    const dir = await ensureLlavaBenchSample(tmp());
    // The judge prefers answers mentioning "red"; it refuses once for "maybe", always for "refuse".
    const seen = new Map<string, number>();
    const s = await startChatServer((body) => {
      const user = body.messages[1]!.content;
      const answer = /\[Assistant 2\]\n([\s\S]*?)\n\n\[End of Assistant 2\]/.exec(user)![1]!;
      seen.set(answer, (seen.get(answer) ?? 0) + 1);
      if (answer.includes('refuse')) return 'I cannot rate these.';
      if (answer.includes('maybe') && seen.get(answer) === 1) return 'Both are okay.';
      return answer.includes('red') ? '8, 9\nAssistant 2 is precise.' : '8 4\nAssistant 2 is vague.';
    });
    servers.push(s);
    const judge = await createJudge(JudgeConfig.parse({ provider: 'openai', endpoint: s.url, model: 'judge-x', compat: 'robust' }), { cacheDir: tmp(), log: () => {} });
    const ctx = suiteCtx(dir, judge, { layout: 'wild' });
    const docs = await loadDocs('llava-bench', dir).then((d) => d.filter((x) => x.doc.layout === 'wild'));
    const answers = ['It is red.', 'maybe red', 'refuse', 'blue things', 'red', 'a shape', 'red', 'red', 'grey'];
    const records = [];
    for (const [i, { id, doc }] of docs.entries()) {
      const out = await suite('llava-bench').score(doc, okResult(answers[i]!), ctx);
      records.push(record('llava-bench', id, answers[i]!, out));
    }
    const r0 = records[0]!;
    expect(r0.scores).toMatchObject({ judge_ref: 8, judge_model: 9 });
    expect(r0.meta).toMatchObject({ benchmark: 'llava-bench', layout: 'wild', category: 'conv',
      judge: { provider: 'openai', model: 'judge-x', temperature: 0.2, rules: 'builtin:vlmbench-rules-v1', compat: 'robust' },
      review: { status: 'ok', attempts: 1, ruleKey: 'llava_bench_conv', content: '8, 9\nAssistant 2 is precise.' } });
    expect(records[1]!.meta!.review).toMatchObject({ status: 'ok', attempts: 2 });
    expect(records[2]!.scores).toMatchObject({ judge_ref: null, judge_model: null });
    expect(records[2]!.meta!.review).toMatchObject({ status: 'failed', attempts: 3 });
    expect((records[2]!.meta!.review as { error: string }).error).toMatch(/first line has 0 scores/);

    const sum = suite('llava-bench').aggregate(records, ctx);
    expect(sum.headline).toBe('relative');
    // 8 judged: 5 "red" answers (8,9) and 3 others (8,4) → 100·(45+12)/(64) = 89.0625
    expect(sum.metrics.relative!.value).toBeCloseTo((100 * (5 * 9 + 3 * 4)) / (8 * 8), 10);
    expect(sum.metrics.relative!.n).toBe(8);
    expect(sum.metrics.relative!.ci![0]).toBeLessThanOrEqual(sum.metrics.relative!.value!);
    expect(sum.metrics.judge_failures).toMatchObject({ value: 1, n: 9 });
    expect(sum.metrics.ref_score!.value).toBeCloseTo(80, 10);
    expect(sum.tables!.judge).toMatchObject({ model: 'judge-x', rules: 'builtin:vlmbench-rules-v1', failures: 1 });
    expect(sum.metrics.relative_llava_bench_conv).toBeDefined();
    expect(sum.notes!.join(' ')).toMatch(/compat robust \(not the published protocol.*1 judge failure\(s\) after retries, excluded/);
  });

  it('compat llava: one call per item, official parse, [-1,-1] kept in the means and counted', async () => {
    const dir = await ensureLlavaBenchSample(tmp());
    const s = await startChatServer((body) => (body.messages[1]!.content.includes('[Assistant 2]\nred') ? '8, 9\nx' : '8 6\nx'));
    servers.push(s);
    // compat llava is the default
    const judge = await createJudge(JudgeConfig.parse({ provider: 'openai', endpoint: s.url, model: 'j', rules: path.join(import.meta.dirname, '../../judge/fixtures/rule.json') }), { cacheDir: tmp(), log: () => {} });
    const ctx = suiteCtx(dir, judge, { layout: 'coco' });
    const docs = (await loadDocs('llava-bench', dir)).filter((x) => x.doc.layout === 'coco');
    const records = [];
    for (const [i, { id, doc }] of docs.entries()) {
      const answer = i === 0 ? 'red' : 'something';
      records.push(record('llava-bench', id, answer, await suite('llava-bench').score(doc, okResult(answer), ctx)));
    }
    expect(s.requests).toHaveLength(6);
    expect(records[0]!.scores).toMatchObject({ judge_ref: -1, judge_model: -1 });
    expect(records[0]!.meta!.judge).toMatchObject({ compat: 'llava', rules: expect.stringMatching(/^official:.*rule\.json#/) });
    const sum = suite('llava-bench').aggregate(records, ctx);
    // official: means (5·8 − 1)/6 = 6.5 and (5·6 − 1)/6 = 4.833 → round(4.833/6.5·100, 1) = 74.4
    expect(sum.metrics.relative!.value).toBe(74.4);
    expect(sum.metrics.ref_score!.value).toBe(65);
    expect(sum.metrics.judge_failures!.value).toBe(1);
    expect(sum.notes!.join(' ')).toMatch(/compat llava \(the published protocol.*kept as \[-1, -1\]/);
  });

  it('without a judge: only reference similarity, under a clear no-judge label', async () => {
    const dir = await ensureLlavaBenchSample(tmp());
    const ctx = suiteCtx(dir);
    const docs = await loadDocs('detail', dir);
    const records = [];
    for (const { id, doc } of docs) records.push(record('detail', id, doc.reference, await suite('detail').score(doc, okResult(doc.reference), ctx)));
    records.push({ ...record('detail', 'x', '', { scores: {} }), output: undefined, error: { code: 'E_BACKEND' as const, message: 'boom', retryable: false } });
    const sum = suite('detail').aggregate(records, ctx);
    expect(sum.headline).toBe('rougeL_nojudge');
    expect(sum.metrics.relative).toBeUndefined();
    expect(sum.metrics.rougeL_nojudge!.value).toBe(1);
    expect(sum.metrics.tokenF1_nojudge!.n).toBe(5);
    expect(sum.errors).toBe(1);
    expect(sum.notes!.join(' ')).toMatch(/No judge configured.*not LLaVA-Bench scores/);
  });

  it('an empty dataset or shard with a judge configured says so, not "No judge configured"', async () => {
    const dir = await ensureLlavaBenchSample(tmp());
    const judge = { complete: async () => '5 5\nok' } as unknown as Parameters<typeof suiteCtx>[1];
    const empty = suite('detail').aggregate([], suiteCtx(dir, judge));
    expect(empty.notes!.join(' ')).toMatch(/^No samples \(empty dataset, filter or shard\)/);
    expect(empty.notes!.join(' ')).not.toMatch(/No judge configured/);
    const failed = suite('detail').aggregate([{ ...record('detail', 'x', '', { scores: {} }), output: undefined, error: { code: 'E_BACKEND' as const, message: 'boom', retryable: false } }], suiteCtx(dir, judge));
    expect(failed.notes!.join(' ')).toMatch(/No answered sample to judge/);
  });
});
