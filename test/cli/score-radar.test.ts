import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliIn } from '../helpers/cli.ts';
import { startChatServer } from '../judge/judge-server.ts';

const cli = (args: string[], cwd: string, env?: NodeJS.ProcessEnv) => runCliIn(cwd, ['score', ...args], env);
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const scoresOf = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l).score);
const dirOf = () => mkdtemp(path.join(tmpdir(), 'score-radar-'));

describe('vlmbench score --metric for the radar benchmarks (hand-written JSONL)', () => {
  it('pope: per category and the mean F1 (worked example)', async () => {
    const dir = await dirOf();
    await writeFile(path.join(dir, 'p.jsonl'), jsonl([
      { category: 'adversarial', prediction: 'Yes, there is a dog.', label: 'yes' }, { category: 'adversarial', prediction: 'No, there is not.', label: 'no' },
      { category: 'adversarial', prediction: 'NO', label: 'no' }, { category: 'adversarial', prediction: 'not sure', label: 'yes' },
      { category: 'random', prediction: 'yes', label: 'yes' }, { category: 'random', prediction: 'yes', label: 'no' },
      { category: 'random', prediction: 'No.', label: 'no' }, { category: 'random', prediction: 'Yes', label: 'yes' },
    ]));
    const r = await cli(['--metric', 'pope', '--in', 'p.jsonl'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(scoresOf(r.stdout)).toEqual([1, 1, 0, 0, 1, 0, 1, 1]);
    // adversarial TP1 FP1 TN1 FN1 → F1 0.5; random TP2 FP1 TN1 FN0 → F1 0.8; mean 0.65.
    expect(r.stderr).toMatch(/mean F1 over 2 categories = 0\.6500 \(×100 = 65\.00/);
    expect(r.stderr).toMatch(/random: n=4 accuracy=0\.7500 precision=0\.6667 recall=1\.0000 f1=0\.8000 yes-ratio=0\.7500/);
  });

  it('mme: acc + acc+ per subtask, Perception and Cognition (worked example)', async () => {
    const dir = await dirOf();
    await writeFile(path.join(dir, 'm.jsonl'), jsonl([
      { subtask: 'existence', image: 'a.jpg', prediction: 'Yes', answer: 'Yes' }, { subtask: 'existence', image: 'a.jpg', prediction: 'No', answer: 'No' },
      { subtask: 'existence', image: 'b.jpg', prediction: 'Yes, there is', answer: 'Yes' }, { subtask: 'existence', image: 'b.jpg', prediction: 'Nope', answer: 'Yes' },
      { subtask: 'count', image: 'c.jpg', prediction: 'yes', answer: 'Yes' }, { subtask: 'count', image: 'c.jpg', prediction: 'I think so', answer: 'No' },
      { subtask: 'code_reasoning', image: 'd.png', prediction: 'No', answer: 'No' }, { subtask: 'code_reasoning', image: 'd.png', prediction: 'no', answer: 'No' },
    ]));
    const r = await cli(['--metric', 'mme', '--in', 'm.jsonl'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(scoresOf(r.stdout)).toEqual([1, 1, 1, 0, 1, 0, 1, 1]);
    // existence 75 + 50 = 125, count 50 + 0 = 50 → Perception 175; code_reasoning 200 → Cognition 200.
    expect(r.stderr).toMatch(/Perception=175\.00 \(2\/10 subtasks\) Cognition=200\.00 \(1\/4 subtasks\); existence 125\.00, count 50\.00, code_reasoning 200\.00/);
  });

  it('gqa, seed, mmbench', async () => {
    const dir = await dirOf();
    await writeFile(path.join(dir, 'g.jsonl'), jsonl([
      { prediction: 'Blue.', answer: 'blue', structural: 'query' }, { prediction: 'yes', answer: 'no', structural: 'verify' }, { prediction: 'No', answer: 'no', structural: 'verify' },
    ]));
    const g = await cli(['--metric', 'gqa', '--in', 'g.jsonl'], dir);
    expect(scoresOf(g.stdout)).toEqual([1, 0, 1]);
    expect(g.stderr).toMatch(/gqa: n=3 Accuracy: 66\.67% Binary: 50\.00% Open: 100\.00%/);

    await writeFile(path.join(dir, 's.jsonl'), jsonl([
      { prediction: 'A', answer: 'A', question_type_id: 1 }, { prediction: 'A.', answer: 'A', question_type_id: 1 }, { prediction: 'C', answer: 'C', question_type_id: 9 },
    ]));
    const s = await cli(['--metric', 'seed', '--in', 's.jsonl'], dir);
    expect(scoresOf(s.stdout)).toEqual([1, 0, 1]);
    expect(s.stderr).toMatch(/seed: n=3 accuracy=66\.67%; type 1 50\.00%, type 9 100\.00%/);

    const q = { A: 'red', B: 'green', C: 'blue', D: 'white' };
    await writeFile(path.join(dir, 'b.jsonl'), jsonl([
      { index: 0, ...q, answer: 'A', prediction: 'A' }, { index: 1000000, A: 'green', B: 'blue', C: 'white', D: 'red', answer: 'D', prediction: 'The answer is D' },
      { index: 1, ...q, answer: 'C', prediction: 'blue' }, { index: 1000001, A: 'green', B: 'blue', C: 'white', D: 'red', answer: 'B', prediction: 'A' },
    ]));
    const b = await cli(['--metric', 'mmbench', '--in', 'b.jsonl'], dir);
    expect(scoresOf(b.stdout)).toEqual([1, 1, 1, 0]);
    expect(b.stderr).toMatch(/CircularEval=50\.00% \(1\/2 questions right in every rotation\) vanilla=100\.00%/);
  });

  it('mmvet: grader scores per capability; without scores a bad line names file, line and field (exit 2)', async () => {
    const dir = await dirOf();
    await writeFile(path.join(dir, 'v.jsonl'), jsonl([
      { capability: ['ocr'], score: 1.0 }, { capability: ['rec', 'math'], score: 0.5 }, { capability: ['rec'], score: 0.0 },
    ]));
    const v = await cli(['--metric', 'mmvet', '--in', 'v.jsonl'], dir);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stderr).toMatch(/mmvet: n=3 total=50; rec 25, ocr 100, math 50/);
    await writeFile(path.join(dir, 'u.jsonl'), jsonl([{ capability: ['ocr'], question: 'Q?', answer: 'STOP', prediction: 'stop' }]));
    const u = await cli(['--metric', 'mmvet', '--in', 'u.jsonl'], dir);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/u\.jsonl.*line 1.*no "score"/s);
    expect(u.stderr).not.toMatch(/\n\s+at /);
  });

  it('mmvet --judge: grades unscored lines with the official prompt through an OpenAI-compatible judge', async () => {
    const dir = await dirOf();
    const server = await startChatServer((body) => (body.messages.at(-1)!.content.includes('| stop | ') ? '1.0' : (body.messages.at(-1)!.content.endsWith('(digit): ') ? '0.4' : 'unsure')));
    try {
      await writeFile(path.join(dir, 'judge.yaml'), `provider: openai\nendpoint: ${server.url}\nmodel: gpt-4-0613\n`);
      await writeFile(path.join(dir, 'u.jsonl'), jsonl([
        { capability: ['ocr'], question: 'What is written?', answer: 'STOP', prediction: 'stop' },
        { capability: ['rec'], question: 'What color?', answer: 'red<OR>crimson', prediction: 'blue' },
      ]));
      const r = await cli(['--metric', 'mmvet', '--in', 'u.jsonl', '--judge', 'judge.yaml'], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(scoresOf(r.stdout)).toEqual([1, 0.4]);
      // The grader gets the user message alone, 3 tokens, temperature 0; the retry adds the digit line.
      const first = server.requests[0]!.body;
      expect(first.messages.map((m) => m.role)).toEqual(['user']);
      expect(first.max_tokens).toBe(3);
      expect(first.temperature).toBe(0);
      expect(server.requests.some((q) => q.body.messages[0]!.content.endsWith('What color? | red <OR> crimson | blue | \nPredict the correctness of the answer (digit): '))).toBe(true);
      expect(r.stderr).toMatch(/mmvet: n=2 total=70; ocr 100, rec 40/);
    } finally {
      await server.close();
    }
  });

  it('bad fields are named', async () => {
    const dir = await dirOf();
    await writeFile(path.join(dir, 'x.jsonl'), jsonl([{ subtask: 'count', image: 'a', prediction: 'yes', answer: 'maybe' }]));
    const r = await cli(['--metric', 'mme', '--in', 'x.jsonl'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 1: "answer" must be Yes or No/);
  });
});
