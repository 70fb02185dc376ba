import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliIn } from '../helpers/cli.ts';

const cli = (args: string[], cwd: string) => runCliIn(cwd, ['score', ...args]);

const jsonl = (rows: unknown[]) => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
const tenOf = (pairs: [string, number][]) => pairs.flatMap(([a, n]) => Array<string>(n).fill(a));

describe('vlmbench score --metric', () => {
  it('vqa: writes each line back with a score and a summary on stderr', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'score-'));
    await writeFile(path.join(dir, 'p.jsonl'), jsonl([
      { question_id: 1, prediction: 'Two', answers: tenOf([['2', 4], ['3', 6]]) },
      { question_id: 2, prediction: 'stop sign', answers: tenOf([['stop', 9], ['stop sign', 1]]) },
      { question_id: 3, prediction: 'x', answers: tenOf([['y', 10]]) },
    ]));
    const r = await cli(['--metric', 'vqa', '--in', 'p.jsonl'], dir);
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((x) => x.score)).toEqual([1, 0.3, 0]);
    expect(rows[0].question_id).toBe(1);
    expect(r.stderr).toMatch(/vqa soft accuracy: n=3 mean=0\.4333/);
  });

  it('writes to --out and scores anls, ocrbench, pope, sqa in both modes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'score-'));
    await writeFile(path.join(dir, 'a.jsonl'), jsonl([{ prediction: 'helo', answers: ['hello'] }, { prediction: 'zzz', answers: ['hello'] }]));
    expect((await cli(['--metric', 'anls', '--in', 'a.jsonl', '--out', 'o.jsonl'], dir)).code).toBe(0);
    expect((await readFile(path.join(dir, 'o.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l).score)).toEqual([0.8, 0]);

    await writeFile(path.join(dir, 'b.jsonl'), jsonl([
      { prediction: 'x ^ 2', answers: ['x^2'], dataset_name: 'HME100k', type: 'Handwritten Mathematical Expression Recognition' },
      { prediction: 'x ^ 2', answers: ['x^2'], dataset_name: 'IIIT5K', type: 'Regular Text Recognition' },
    ]));
    const ocr = await cli(['--metric', 'ocrbench', '--in', 'b.jsonl'], dir);
    expect(ocr.stdout.trim().split('\n').map((l) => JSON.parse(l).score)).toEqual([1, 0]);
    expect(ocr.stderr).toMatch(/ocrbench: n=2 score=1\/2/);

    await writeFile(path.join(dir, 'c.jsonl'), jsonl([
      { prediction: 'No, there is not.', label: 'no' }, { prediction: 'NO', label: 'no' }, { prediction: 'Yes.', label: 'yes' },
    ]));
    const pope = await cli(['--metric', 'pope', '--in', 'c.jsonl'], dir);
    expect(pope.stdout.trim().split('\n').map((l) => JSON.parse(l).score)).toEqual([1, 0, 1]);
    expect(pope.stderr).toMatch(/pope: n=3 accuracy=0\.6667 precision=0\.5000 recall=1\.0000 f1=0\.6667 yes-ratio=0\.6667/);

    await writeFile(path.join(dir, 'd.jsonl'), jsonl([
      { prediction: 'A.', choices: ['x', 'y'], answer: 0 }, { prediction: 'B', choices: ['x', 'y'], answer: 1 },
    ]));
    const strict = await cli(['--metric', 'sqa', '--in', 'd.jsonl'], dir);
    expect(strict.stdout.trim().split('\n').map((l) => JSON.parse(l).score)).toEqual([0, 1]);
    expect(strict.stderr).toMatch(/sqa: n=2 correct=1 accuracy=50\.00%.*mode llava/);
    const lenient = await cli(['--metric', 'sqa', '--mode', 'lenient', '--in', 'd.jsonl'], dir);
    expect(lenient.stdout.trim().split('\n').map((l) => JSON.parse(l).score)).toEqual([1, 1]);
  });

  it('ocrbench: answers as a string or a list (as OCRBench.json stores them), --variant ocrbench|lmms-eval', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'score-'));
    await writeFile(path.join(dir, 'o.jsonl'), jsonl([
      { prediction: 'ＣＨＩＮＡ', answers: 'CHINA', dataset_name: 'IIIT5K', type: 'Regular Text Recognition' },
      { prediction: 'X^2', answers: ['X ^ 2'], dataset_name: 'HME100k', type: 'Handwritten Mathematical Expression Recognition' },
      // lmms-eval's dataset names the fields answer / dataset / question_type
      { prediction: 'the word is hotel', answer: 'HOTEL', dataset: 'svt', question_type: 'Regular Text Recognition' },
    ]));
    const original = await cli(['--metric', 'ocrbench', '--in', 'o.jsonl'], dir);
    expect(original.code, original.stderr).toBe(0);
    expect(original.stdout.trim().split('\n').map((l) => JSON.parse(l).score)).toEqual([0, 1, 1]);
    expect(original.stderr).toMatch(/variant ocrbench/);
    const lmms = await cli(['--metric', 'ocrbench', '--variant', 'lmms-eval', '--in', 'o.jsonl'], dir);
    expect(lmms.stdout.trim().split('\n').map((l) => JSON.parse(l).score)).toEqual([1, 1, 1]);
    expect(lmms.stderr).toMatch(/ocrbench: n=3 score=3\/3.*variant lmms-eval/);
    const bad = await cli(['--metric', 'ocrbench', '--variant', 'lmms', '--in', 'o.jsonl'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown --variant 'lmms'.*\n?.*ocrbench or lmms-eval/);
    expect((await cli(['--metric', 'vqa', '--variant', 'lmms-eval', '--in', 'o.jsonl'], dir)).stderr).toMatch(/--variant applies to --metric ocrbench only/);
  });

  it('a bad line is an input error naming file, line and field: exit 2, nothing written', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'score-'));
    await writeFile(path.join(dir, 'bad.jsonl'), jsonl([{ prediction: 'a', answers: ['a'] }, '{not json', { prediction: 'b', answers: ['b'] }]));
    const r = await cli(['--metric', 'vqa', '--in', 'bad.jsonl', '--out', 'o.jsonl'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(dir, 'bad.jsonl')}:2`);
    expect(r.stderr).toMatch(/line 2 is not valid JSON/);
    await expect(readFile(path.join(dir, 'o.jsonl'))).rejects.toThrow();

    await writeFile(path.join(dir, 'bad2.jsonl'), jsonl([{ prediction: 'a', answers: 'a' }]));
    const r2 = await cli(['--metric', 'anls', '--in', 'bad2.jsonl'], dir);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/bad2\.jsonl:1, field answers: line 1: "answers" must be a non-empty array of strings \(got a string\)/);

    await writeFile(path.join(dir, 'bad3.jsonl'), jsonl([{ prediction: 'A', choices: ['x'], answer: 3 }]));
    const r3 = await cli(['--metric', 'sqa', '--in', 'bad3.jsonl'], dir);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/field answer/);
  });

  it('a run folder with --judge goes to the judge re-scoring (src/judge/rescore.ts)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'score-'));
    await writeFile(path.join(dir, 'judge.yaml'), 'provider: openai\nmodel: gpt-4o\nendpoint: http://127.0.0.1:9/v1\n');
    const r = await cli(['empty-run', '--judge', 'judge.yaml'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no samples\.jsonl in .*empty-run/);
  });

  it('usage errors exit 2', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'score-'));
    expect((await cli(['--metric', 'bleu', '--in', 'x'], dir)).code).toBe(2);
    expect((await cli(['--metric', 'vqa'], dir)).code).toBe(2);
    expect((await cli(['--metric', 'vqa', '--in', 'missing.jsonl'], dir)).stderr).toMatch(/cannot read .*missing\.jsonl: ENOENT/);
    expect((await cli(['results/run1'], dir)).stderr).toMatch(/needs --judge/);
    expect((await cli(['--metric', 'vqa', '--mode', 'lenient', '--in', 'x'], dir)).code).toBe(2);
    const help = await cli(['--help'], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--metric <vqa\|anls\|sqa\|ocrbench\|pope\|gqa\|mme\|mmbench\|seed\|mmvet>/);
  });
});
