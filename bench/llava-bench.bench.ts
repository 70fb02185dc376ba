/**
 * LLaVA-Bench + judge figures: prompt assembly, score parsing, aggregation with bootstrap CIs,
 * built-in sample generation, the OpenAI-compatible judge against a local server (cold vs cached),
 * and the local llama.cpp judge on the tiny generated GGUF. Run: npm run bench:llava-bench
 */
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SampleRecord } from '../src/core/record.ts';
import { JudgeConfig } from '../src/config/schema.ts';
import { ensureLlavaBenchSample } from '../src/fixtures/datasets/llava-bench.ts';
import { ensureGgufFixtures } from '../src/fixtures/gguf/index.ts';
import { aggregateLlavaBench } from '../src/judge/aggregate.ts';
import { createJudge } from '../src/judge/index.ts';
import { parseScoreLine, parseScoreOfficial } from '../src/judge/parse.ts';
import { buildReviewPrompt, type ReviewItem } from '../src/judge/prompt.ts';
import { builtinRules } from '../src/judge/rules.ts';
import { scoreAnswer } from '../src/judge/sample.ts';
import { loadLlavaBench } from '../suites/llava-bench/load.ts';

const tmp = (p: string) => mkdtempSync(path.join(tmpdir(), p));
const time = async (fn: () => unknown | Promise<unknown>) => { const t = performance.now(); await fn(); return performance.now() - t; };
const log = (label: string, value: string) => console.log(`${label.padEnd(52)} ${value}`);

const item: ReviewItem = {
  layout: 'coco', category: 'complex', question: 'What might the people be waiting for?',
  captions: Array.from({ length: 5 }, (_, i) => `Caption number ${i} describing a busy street scene with people.`),
  instances: Array.from({ length: 12 }, (_, i) => ({ category: `object${i}`, bbox: [i / 13, 0.1, 0.5 + i / 40, 0.9] })),
  reference: 'They are likely waiting for a bus. '.repeat(8), answer: 'Probably a bus or a taxi. '.repeat(8),
};
const rules = builtinRules();
const N = 20_000;
log(`buildReviewPrompt (COCO, 12 boxes) ×${N}`, `${((await time(() => { for (let i = 0; i < N; i++) buildReviewPrompt(item, rules); })) * 1000 / N).toFixed(2)} µs/prompt`);
const replies = ['8 9\nok', '8, 9\nok', 'Assistant 1: 7, Assistant 2: 6\n', 'none'];
log(`parseScoreLine + parseScoreOfficial ×${N * 4}`, `${((await time(() => { for (let i = 0; i < N; i++) for (const r of replies) { parseScoreLine(r); parseScoreOfficial(r); } })) * 1000 / (N * 4)).toFixed(2)} µs/reply`);

const records: SampleRecord[] = Array.from({ length: 90 }, (_, i) => ({
  key: String(i), model: 'm', suite: 'llava-bench', sampleId: String(i), repeat: 0, finishedAt: '',
  scores: { judge_ref: 7 + (i % 3), judge_model: 4 + (i % 6), rougeL_nojudge: 0.3, tokenF1_nojudge: 0.4 },
  meta: { image: `img${i % 30}`, judge: { provider: 'openai', model: 'x', temperature: 0.2, maxTokens: 1024, rules: 'builtin', compat: 'default' }, review: { ruleKey: ['conv', 'detail', 'complex'][i % 3] } },
}));
log('aggregate 90 judged records (2000 bootstrap, 4 groups)', `${(await time(() => aggregateLlavaBench(records, { iterations: 2000 }))).toFixed(1)} ms`);

const dataParent = tmp('lbb-data-');
log('ensureLlavaBenchSample (fresh: 5 images, 15 questions)', `${(await time(() => ensureLlavaBenchSample(dataParent))).toFixed(1)} ms`);
log('ensureLlavaBenchSample (cached)', `${(await time(() => ensureLlavaBenchSample(dataParent))).toFixed(2)} ms`);
const dataDir = await ensureLlavaBenchSample(dataParent);
const docs = (await loadLlavaBench(dataDir, { layout: 'auto' }, ['conv', 'detail', 'complex'])).flatMap((x) => ('doc' in x ? [x.doc] : []));
log('loadLlavaBench (both layouts, 15 questions)', `${(await time(() => loadLlavaBench(dataDir, { layout: 'auto' }, ['conv', 'detail', 'complex']))).toFixed(1)} ms`);

// OpenAI-compatible judge: a local server that answers after 20 ms, like a fast remote endpoint.
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => setTimeout(() => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: '8 7\nfine' } }] }));
  }, 20));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
const many = Array.from({ length: 60 }, (_, i) => docs[i % docs.length]!);
for (const concurrency of [1, 4]) {
  const cacheDir = tmp('lbb-cache-');
  const judge = await createJudge(JudgeConfig.parse({ provider: 'openai', endpoint, model: 'j', concurrency }), { cacheDir, log: () => {} });
  const cold = await time(() => Promise.all(many.map((d, i) => scoreAnswer(d, `answer ${i}`, { judge, retries: 0 }))));
  const warm = await time(() => Promise.all(many.map((d, i) => scoreAnswer(d, `answer ${i}`, { judge, retries: 0 }))));
  log(`openai judge, 60 items, 20 ms server, concurrency ${concurrency}`, `cold ${cold.toFixed(0)} ms (${judge.stats.calls} calls), cached ${warm.toFixed(0)} ms (${judge.stats.cacheHits} hits)`);
}
server.close();

// Local judge: the tiny random-weight GGUF (1 thread), grammar-constrained.
const { textModel } = await ensureGgufFixtures(tmp('lbb-gguf-'));
const cacheDir = tmp('lbb-lcache-');
let judge!: Awaited<ReturnType<typeof createJudge>>;
const load = await time(async () => { judge = await createJudge(JudgeConfig.parse({ provider: 'llama-cpp', model: textModel, threads: 1, maxTokens: 64 }), { cacheDir, log: () => {} }); });
log('llama-cpp judge load (tiny GGUF, 1 thread)', `${load.toFixed(0)} ms`);
const cold = await time(async () => { for (const d of docs) await scoreAnswer(d, 'A shape.', { judge, retries: 0 }); });
const warm = await time(async () => { for (const d of docs) await scoreAnswer(d, 'A shape.', { judge, retries: 0 }); });
log(`llama-cpp judge, ${docs.length} items (≤64 tokens each)`, `cold ${(cold / docs.length).toFixed(0)} ms/item, cached ${(warm / docs.length).toFixed(2)} ms/item, calls ${judge.stats.calls}`);
await judge.close();
