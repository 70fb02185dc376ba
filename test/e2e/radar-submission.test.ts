import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeEvalAI } from '../../src/scoring/evalai.ts';
import { runCliIn, spawnCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/run-config.ts';

/**
 * Test splits scored by a server, end to end: `vlmbench run` on the tiny GGUF model and the built-in
 * sets (VQAv2 test-dev from LLaVA's question file, VizWiz test without answers, SEED-Bench, MM-Vet),
 * then `vlmbench score <run> --submission <suite>` writes each upload file from the run's answers.
 */
describe('submission files from a run', () => {
  it('vqav2 test-dev, vizwiz test, seed-bench, mm-vet, mmbench (.xlsx)', async () => {
    const dir = tempDir('vlmbench-submission-');
    const config = path.join(dir, 'config.yaml');
    writeFileSync(config, `name: submission-e2e
run: { out: ${path.join(dir, 'results')}, concurrency: 1, seed: 0 }
models:
  - id: tiny
    family: llava-1.5
    backend: { type: llama-cpp, model: fixture:gguf/text, mmproj: fixture:gguf/mmproj-1.5, threads: 1, contextSize: 2048, grammar: 'root ::= [\\x01-\\x7F]*' }
suites:
  - { name: vqav2, split: test-dev2015, limit: 2, maxTokens: 2 }
  - { name: vizwiz, split: test, limit: 2, maxTokens: 2 }
  - { name: seed-bench, limit: 2, maxTokens: 2 }
  - { name: mm-vet, limit: 1, maxTokens: 2 }
  - { name: mmbench, limit: 4, maxTokens: 2 }
report: { enabled: false }
`);
    const env = { VLMBENCH_FIXTURES_DIR: path.join(dir, 'fixtures') };
    const run = await spawnCli(['run', config, '--run-id', 'r'], env).done;
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    const runDir = path.join(dir, 'results', 'r');
    const samples = readFileSync(path.join(runDir, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const outputOf = (suite: string) => samples.filter((s) => s.suite === suite).map((s) => s.output as string);
    const summary = JSON.parse(readFileSync(path.join(runDir, 'summary.json'), 'utf8'));
    // Test questions have no answers here: counted, not scored, and the note says where they go.
    const vq = summary.results.find((r: { suite: string }) => r.suite === 'vqav2');
    expect(vq.headline).toBeUndefined();
    expect(vq.notes.join(' ')).toMatch(/--submission vqav2/);

    const sub = async (suite: string) => {
      const out = path.join(dir, `${suite}.out`);
      const r = await runCliIn(dir, ['score', runDir, '--submission', suite, '--out', out], env);
      expect(r.code, r.stderr).toBe(0);
      return readFileSync(out, 'utf8');
    };
    const llavaIds = readFileSync(path.join(dir, 'fixtures', 'vqav2', 'llava_vqav2_mscoco_test-dev2015.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).question_id);
    const vqa = JSON.parse(await sub('vqav2'));
    expect(vqa.map((a: { question_id: number }) => a.question_id)).toEqual(llavaIds.slice(0, 2));
    expect(vqa.map((a: { answer: string }) => a.answer)).toEqual(outputOf('vqav2').map(normalizeEvalAI));
    const viz = JSON.parse(await sub('vizwiz'));
    expect(viz.map((a: { image: string }) => a.image)).toEqual(['VizWiz_test_00000000.jpg', 'VizWiz_test_00000001.jpg']);
    const seed = (await sub('seed-bench')).trim().split('\n').map((l) => JSON.parse(l));
    expect(seed).toEqual([{ question_id: '100001', prediction: outputOf('seed-bench')[0] }, { question_id: '100002', prediction: outputOf('seed-bench')[1] }]);
    expect(JSON.parse(await sub('mm-vet'))).toEqual({ v1_0: outputOf('mm-vet')[0] });
    // MMBench: the .xlsx copies the TSV rows (without hint/category/source/image/comment/l2-category) and adds predictions.
    const xlsx = path.join(dir, 'mmbench.xlsx');
    const tsv = path.join(dir, 'fixtures', 'mmbench', 'mmbench_dev_20230712.tsv');
    const mb = await runCliIn(dir, ['score', runDir, '--submission', 'mmbench', '--annotation', tsv, '--out', xlsx], env);
    expect(mb.code, mb.stderr).toBe(0);
    const bytes = readFileSync(xlsx);
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    const sheet = bytes.toString('utf8');
    expect(sheet).toContain('<c r="G1" t="inlineStr"><is><t xml:space="preserve">prediction</t>');
    // limit 4 = the first 4 questions with every CircularEval rotation (16 TSV rows of the built-in set).
    expect(mb.stderr).toMatch(/16 prediction\(s\) of tiny over 23 TSV row\(s\)/);
    const noTsv = await runCliIn(dir, ['score', runDir, '--submission', 'mmbench', '--out', xlsx], env);
    expect(noTsv.code).toBe(2);
    expect(noTsv.stderr).toMatch(/needs --annotation/);
  }, 180_000);
});
