import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunSummary, SampleRecord } from '../../src/core/record.ts';
import { ensureLlavaBenchSample } from '../../src/fixtures/datasets/llava-bench.ts';
import { rescoreRun } from '../../src/judge/rescore.ts';
import { scoreAnswer } from '../../src/judge/sample.ts';
import { loadLlavaBench } from '../../suites/llava-bench/load.ts';
import { record, tmp } from '../suites/llava-bench/helpers.ts';
import { startChatServer, type ChatServer } from './judge-server.ts';

const servers: ChatServer[] = [];
afterEach(async () => { await Promise.all(servers.splice(0).map((s) => s.close())); });

function io(cwd: string) {
  let out = '';
  let err = '';
  const sink = (f: (s: string) => void) => new Writable({ write(c, _e, cb) { f(String(c)); cb(); } });
  return { io: { stdout: sink((s) => { out += s; }), stderr: sink((s) => { err += s; }), env: {}, cwd }, out: () => out, err: () => err };
}

/** A finished run as the runner leaves it: judged without a judge, plus a foreign and a failed record. */
async function makeRun(): Promise<{ runDir: string; records: SampleRecord[] }> {
  const data = await ensureLlavaBenchSample(tmp());
  const docs = (await loadLlavaBench(data, { layout: 'wild' }, ['conv'])).flatMap((x) => ('doc' in x ? [{ id: x.id, doc: x.doc }] : []));
  const records: SampleRecord[] = [];
  for (const { id, doc } of docs) records.push(record('conversation', id, `It is ${id}.`, await scoreAnswer(doc, `It is ${id}.`, { retries: 0 })));
  records.push({ ...record('conversation', 'wild-x', '', { scores: {}, meta: { benchmark: 'llava-bench' } }), output: undefined, error: { code: 'E_BACKEND', message: 'boom', retryable: false } });
  records.push(record('scienceqa', 'sqa-1', 'A', { scores: { correct: 1 }, meta: { subject: 'x' } }));
  const runDir = path.join(tmp('run-'), 'run-1');
  mkdirSync(runDir);
  writeFileSync(path.join(runDir, 'samples.jsonl'), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  const summary: RunSummary = { runId: 'run-1', createdAt: 'x', configHash: 'h', results: [
    { model: 'm', suite: 'conversation', n: 4, errors: 1, headline: 'rougeL_nojudge', metrics: {} },
    { model: 'm', suite: 'scienceqa', n: 1, errors: 0, headline: 'accuracy', metrics: { accuracy: { value: 1, n: 1 } } },
  ] };
  writeFileSync(path.join(runDir, 'summary.json'), JSON.stringify(summary));
  return { runDir, records };
}

describe('rescoreRun', () => {
  it('re-judges LLaVA-Bench samples without inference, rewrites samples and summary; a second pass is all cache', async () => {
    const s = await startChatServer(() => '8 6\nok'); servers.push(s);
    const { runDir, records } = await makeRun();
    const cwd = path.dirname(runDir);
    writeFileSync(path.join(cwd, 'judge.yaml'), `provider: openai\nendpoint: ${s.url}\nmodel: judge-7\ncacheDir: jcache\n`);
    const a = io(cwd);
    expect(await rescoreRun('run-1', 'judge.yaml', a.io)).toBe(0);
    expect(s.requests).toHaveLength(3);
    const after = readFileSync(path.join(runDir, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SampleRecord);
    expect(after).toHaveLength(records.length);
    const judged = after.filter((r) => r.suite === 'conversation' && !r.error);
    for (const r of judged) {
      expect(r.scores).toMatchObject({ judge_ref: 8, judge_model: 6 });
      expect(r.scores.rougeL_nojudge).toBeTypeOf('number');
      expect(r.meta).toMatchObject({ judge: { model: 'judge-7', rules: 'builtin:vlmbench-rules-v1' } });
    }
    expect(after.find((r) => r.sampleId === 'sqa-1')).toEqual(records.find((r) => r.sampleId === 'sqa-1'));
    expect(after.find((r) => r.sampleId === 'wild-x')).toEqual(records.find((r) => r.sampleId === 'wild-x'));
    // the prompt is the one the suite would have sent
    expect(s.requests[0]!.body.messages[1]!.content).toMatch(/^\[Context\]\n.*\n\n\[Question\]\nWhat color is the /s);
    const summary = JSON.parse(readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as RunSummary;
    const conv = summary.results.find((r) => r.suite === 'conversation')!;
    expect(conv.headline).toBe('relative');
    expect(conv.metrics.relative!.value).toBeCloseTo(75, 10);
    expect(conv.errors).toBe(1);
    expect(summary.results.find((r) => r.suite === 'scienceqa')!.metrics.accuracy!.value).toBe(1);
    expect(a.out()).toMatch(/m conversation: relative 75\.0% .*judge failures 0\/3/);

    // Same judge from a full run config (judge: key): every reply comes from the cache.
    writeFileSync(path.join(cwd, 'run.yaml'), `models: []\njudge:\n  provider: openai\n  endpoint: ${s.url}\n  model: judge-7\n  cacheDir: jcache\n`);
    const b = io(cwd);
    expect(await rescoreRun(runDir, 'run.yaml', b.io)).toBe(0);
    expect(s.requests).toHaveLength(3);
    expect(b.out()).toMatch(/0 call\(s\), 3 cached/);
  });

  it('reports judge failures with exit code 1 and bad judge configs as typed errors', async () => {
    const s = await startChatServer(() => 'no idea'); servers.push(s);
    const { runDir } = await makeRun();
    const cwd = path.dirname(runDir);
    writeFileSync(path.join(cwd, 'judge.yaml'), `provider: openai\nendpoint: ${s.url}\nmodel: j\ncacheDir: jc\n`);
    const a = io(cwd);
    expect(await rescoreRun(runDir, 'judge.yaml', a.io)).toBe(1);
    expect(s.requests).toHaveLength(3); // compat llava (default): one call per item, no retries
    expect(a.out()).toMatch(/judge failures 3\/3/);
    writeFileSync(path.join(cwd, 'bad.yaml'), 'provider: gpt\nmodel: j\n');
    await expect(rescoreRun(runDir, 'bad.yaml', io(cwd).io)).rejects.toMatchObject({ code: 'E_CONFIG', field: 'provider' });
    await expect(rescoreRun(path.join(cwd, 'nope'), 'judge.yaml', io(cwd).io)).rejects.toMatchObject({ code: 'E_USAGE' });
  });
});

describe('rescoreRun with a record that cannot be re-judged', () => {
  it('names samples.jsonl and the record, and asks the judge nothing', async () => {
    const s = await startChatServer(() => '8 6\nok'); servers.push(s);
    const { runDir, records } = await makeRun();
    const broken = { ...records[1]!, reference: { answer: 'only the answer' } };
    const lines = records.map((r, i) => (i === 1 ? broken : r));
    const samplesFile = path.join(runDir, 'samples.jsonl');
    writeFileSync(samplesFile, lines.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const cwd = path.dirname(runDir);
    writeFileSync(path.join(cwd, 'judge.yaml'), `provider: openai\nendpoint: ${s.url}\nmodel: judge-7\ncacheDir: jcache\n`);
    const err = await rescoreRun('run-1', 'judge.yaml', io(cwd).io).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_DATASET', file: samplesFile, field: 'reference' });
    expect((err as Error).message).toContain(broken.sampleId);
    expect(s.requests).toHaveLength(0);
    expect(readFileSync(samplesFile, 'utf8')).toBe(lines.map((r) => `${JSON.stringify(r)}\n`).join(''));
  });
});
