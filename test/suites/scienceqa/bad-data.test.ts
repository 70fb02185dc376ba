import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../../src/core/errors.ts';
import { ensureScienceQASample } from '../../../src/fixtures/datasets/scienceqa.ts';
import { scienceqaSuite, type ScienceQAOptions } from '../../../suites/scienceqa/suite.ts';
import { ctxFor, docs, errorsOf, tmp } from './helpers.ts';

const opts = (format: ScienceQAOptions['format']): ScienceQAOptions => ({ compat: 'llava', format, imageOnly: false });

async function copyOfSample(): Promise<string> {
  const src = await ensureScienceQASample(tmp());
  const dst = path.join(tmp('sqa-bad-'), 'scienceqa');
  cpSync(src, dst, { recursive: true });
  return dst;
}

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as never;

describe('scienceqa bad data: per-sample errors naming the file; the rest loads', async () => {
  it('official layout: missing image, undecodable image, wrong field type, escaping image path, unknown pid', async () => {
    const dir = await copyOfSample();
    const problems = json(path.join(dir, 'problems.json')) as Record<string, Record<string, unknown>>;
    const splits = json(path.join(dir, 'pid_splits.json')) as Record<string, string[]>;
    const imagePids = splits.test!.filter((pid) => problems[pid]!.image);
    const [missing, garbage, escaping] = imagePids;
    const textPid = splits.test!.find((pid) => !problems[pid]!.image)!;
    rmSync(path.join(dir, 'images', 'test', missing!, 'image.png'));
    writeFileSync(path.join(dir, 'images', 'test', garbage!, 'image.png'), 'this is not a png');
    problems[escaping!]!.image = '../../../../../../etc/passwd';
    problems[textPid]!.answer = 'B';
    splits.test!.push('99999');
    writeFileSync(path.join(dir, 'problems.json'), JSON.stringify(problems));
    writeFileSync(path.join(dir, 'pid_splits.json'), JSON.stringify(splits));

    const loaded = await scienceqaSuite.load(ctxFor(dir, opts('official')));
    const errs = Object.fromEntries(errorsOf(loaded).map((e) => [e.id, e.error]));
    expect(Object.keys(errs).sort()).toEqual([missing, garbage, escaping, textPid, '99999'].sort());
    expect(errs[missing!]).toMatchObject({ code: 'E_DATASET', file: path.join(dir, 'images', 'test', missing!, 'image.png') });
    expect(errs[missing!]!.message).toMatch(/image not found/);
    expect(errs[garbage!]).toMatchObject({ file: path.join(dir, 'images', 'test', garbage!, 'image.png') });
    expect(errs[garbage!]!.message).toMatch(/cannot be decoded/);
    expect(errs[escaping!]).toMatchObject({ file: path.join(dir, 'problems.json'), field: `${escaping}.image` });
    expect(errs[escaping!]!.message).toMatch(/escapes the dataset folder/);
    expect(errs[textPid]).toMatchObject({ file: path.join(dir, 'problems.json'), field: `${textPid}.answer` });
    expect(errs['99999']).toMatchObject({ file: path.join(dir, 'pid_splits.json') });
    expect(docs(loaded).length).toBe(28 - 4);
  });

  it('official layout: a problem whose text is not UTF-8 fails alone, naming file and problem', async () => {
    const dir = await copyOfSample();
    const file = path.join(dir, 'problems.json');
    const problems = json(file) as Record<string, Record<string, unknown>>;
    const splits = json(path.join(dir, 'pid_splits.json')) as Record<string, string[]>;
    const pid = splits.test![0]!;
    problems[pid]!.question = `${problems[pid]!.question as string} \u0001`;
    const bytes = Buffer.from(JSON.stringify(problems), 'utf8');
    bytes[bytes.indexOf('\\u0001')] = 0xe9; // the escape's backslash becomes a Latin-1 byte
    writeFileSync(file, bytes);
    const loaded = await scienceqaSuite.load(ctxFor(dir, opts('official')));
    expect(errorsOf(loaded).map((e) => e.id)).toEqual([pid]);
    expect(errorsOf(loaded)[0]!.error).toMatchObject({ code: 'E_DATASET', file, field: pid, message: `problem ${pid} has text that is not valid UTF-8` });
    expect(docs(loaded).length).toBe(28 - 1);
  });

  it('LLaVA question file: escaping image, missing conversations, unknown id', async () => {
    const dir = await copyOfSample();
    const file = path.join(dir, 'llava_test_CQM-A.json');
    const items = json(file) as Record<string, unknown>[];
    const withImage = items.findIndex((i) => i.image);
    items[withImage]!.image = '../../../secret.png';
    delete items[1]!.conversations;
    items.push({ id: 'nope', conversations: [{ from: 'human', value: 'x' }] });
    writeFileSync(file, JSON.stringify(items));
    const loaded = await scienceqaSuite.load(ctxFor(dir, opts('llava')));
    const errs = errorsOf(loaded);
    expect(errs.map((e) => e.error.field).sort()).toEqual([`[${withImage}].image`, '[1].conversations', `[${items.length - 1}].id`].sort());
    expect(errs.every((e) => e.error.file === file)).toBe(true);
    expect(docs(loaded).length).toBe(28 - 2);
  });

  it('a malformed problems.json or a missing split fails the whole set with the file named', async () => {
    const dir = await copyOfSample();
    writeFileSync(path.join(dir, 'pid_splits.json'), JSON.stringify({ train: [] }));
    const err = await scienceqaSuite.load(ctxFor(dir, opts('official'))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as DatasetError).message).toMatch(/no split "test"/);
    writeFileSync(path.join(dir, 'problems.json'), '{"1": {');
    const err2 = await scienceqaSuite.load(ctxFor(dir, opts('official'))).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(DatasetError);
    expect((err2 as DatasetError).file).toBe(path.join(dir, 'problems.json'));
    const empty = tmp('sqa-empty-');
    await expect(scienceqaSuite.load(ctxFor(empty, opts('auto')))).rejects.toThrow(/not a ScienceQA folder/);
  });
});
