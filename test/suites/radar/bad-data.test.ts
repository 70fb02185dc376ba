import { appendFileSync, cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { QualitySuite } from '../../../src/core/suite.ts';
import { loadSuite } from '../../../src/runner/suites.ts';
import { ctxFor, docs, errorsOf, tmp } from '../scienceqa/helpers.ts';

/** Bad official files: one bad item fails that item only, naming file and field; a missing file fails the set with a hint. */
async function copyOf(name: string): Promise<{ suite: QualitySuite<Record<string, unknown>, unknown>; dir: string }> {
  const suite = (await loadSuite(name, 'suites[0]')) as QualitySuite<Record<string, unknown>, unknown>;
  const src = await suite.builtinDataset!(tmp('radar-src-'));
  const dir = path.join(tmp('radar-bad-'), name);
  cpSync(src, dir, { recursive: true });
  return { suite, dir };
}
const load = (s: QualitySuite<Record<string, unknown>, unknown>, dir: string, opts: Record<string, unknown> = {}, split?: string) =>
  s.load(ctxFor(dir, s.optionsSchema.parse(opts), split ? { split } : {}));

describe('radar suites on bad data', () => {
  it('POPE: malformed line, bad label, missing image → per-sample errors; a missing split file → whole-set error', async () => {
    const { suite, dir } = await copyOf('pope');
    const file = path.join(dir, 'coco', 'coco_pope_random.json');
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    lines[0].label = 'maybe';
    writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n{"question_id": 9, "text": \n`);
    rmSync(path.join(dir, 'val2014', lines[1].image));
    const out = await load(suite, dir);
    const errs = errorsOf(out);
    expect(errs.find((e) => e.id === 'pope-random-1')?.error).toMatchObject({ code: 'E_DATASET', file, field: 'label' });
    expect(errs.find((e) => e.id === 'pope-random-line5')?.error.message).toMatch(/line 5 is not valid JSON/);
    expect(errs.some((e) => /image not found/.test(e.error.message))).toBe(true);
    expect(docs(out).length).toBeGreaterThan(6);
    rmSync(path.join(dir, 'coco', 'coco_pope_popular.json'));
    await expect(load(suite, dir)).rejects.toMatchObject({ code: 'E_DATASET', message: expect.stringMatching(/coco_pope_popular\.json/) });
  });

  it('MME: a line without a TAB answer, an image missing for its .txt', async () => {
    const { suite, dir } = await copyOf('mme');
    const base = path.join(dir, 'MME_Benchmark_release_version', 'count');
    const txt = readFileSync(path.join(base, readdirTxt(base)), 'utf8');
    writeFileSync(path.join(base, readdirTxt(base)), txt.replace('\tNo', ' No'));
    appendFileSync(path.join(base, 'orphan.txt'), 'Is it? Please answer yes or no.\tYes\n');
    const errs = errorsOf(await load(suite, dir));
    expect(errs.find((e) => /expected "question<TAB>Yes\|No"/.test(e.error.message))?.error.file).toMatch(/count/);
    expect(errs.find((e) => e.id === 'mme-count-orphan-0')?.error.message).toMatch(/image not found for orphan\.txt/);
  });

  it('MMBench: bad index, answer outside the options, no image', async () => {
    const { suite, dir } = await copyOf('mmbench');
    const file = path.join(dir, 'mmbench_dev_20230712.tsv');
    const rows = readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split('\t'));
    rows[1]![0] = 'x1';
    rows[2]![7] = 'Q';
    rows[3]![9] = '';
    writeFileSync(file, `${rows.map((r) => r.join('\t')).join('\n')}\n`);
    const errs = errorsOf(await load(suite, dir));
    expect(errs.map((e) => e.error.field).sort()).toEqual(['answer', 'image', 'index']);
    expect(errs.find((e) => e.error.field === 'index')?.error).toMatchObject({ file, message: expect.stringMatching(/^row 2: "index" must be a non-negative integer/) });
  });

  it('VQAv2 / GQA / SEED / MM-Vet: wrong field types name the field; a missing split names the files and the choices', async () => {
    const v = await copyOf('vqav2');
    await expect(load(v.suite, v.dir, {}, 'val2017')).rejects.toMatchObject({ field: 'split', message: expect.stringMatching(/v2_OpenEnded_mscoco_val2017_questions\.json/) });
    const g = await copyOf('gqa');
    const gf = path.join(g.dir, 'testdev_balanced_questions.json');
    const gq = JSON.parse(readFileSync(gf, 'utf8'));
    const first = Object.keys(gq)[0]!;
    gq[first].answer = 7;
    writeFileSync(gf, JSON.stringify(gq));
    expect(errorsOf(await load(g.suite, g.dir))[0]?.error).toMatchObject({ file: gf, field: `${first}.answer` });
    const s = await copyOf('seed-bench');
    const sf = path.join(s.dir, 'SEED-Bench.json');
    const sq = JSON.parse(readFileSync(sf, 'utf8'));
    sq.questions[0].answer = 'E';
    writeFileSync(sf, JSON.stringify(sq));
    expect(errorsOf(await load(s.suite, s.dir))[0]?.error).toMatchObject({ file: sf, field: 'questions[0].answer' });
    const m = await copyOf('mm-vet');
    const mf = path.join(m.dir, 'mm-vet.json');
    const mq = JSON.parse(readFileSync(mf, 'utf8'));
    mq.v1_1.capability = 'ocr';
    mq.v1_2.imagename = '../../etc/passwd';
    writeFileSync(mf, JSON.stringify(mq));
    const merrs = errorsOf(await load(m.suite, m.dir));
    expect(merrs.map((e) => e.error.field)).toEqual(['v1_1.capability', 'v1_2.imagename']);
    expect(merrs[1]!.error.message).toMatch(/escapes the dataset folder/);
  });
});

function readdirTxt(dir: string): string {
  return readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()[0]!;
}
