import { appendFileSync, cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureOcrSample } from '../../../src/fixtures/datasets/ocr.ts';
import { ocrSuite, type OcrOptions } from '../../../suites/ocr/suite.ts';
import { ctxFor, docs, errorsOf, tmp } from '../scienceqa/helpers.ts';

const opts = (o: Partial<OcrOptions> = {}): OcrOptions => ({
  format: 'auto', textvqaQuestions: 'auto', ocrbenchVariant: 'ocrbench', ocrbenchSuffix: false, anlsVariant: 'lmms-eval', bootstrapIterations: 500, ...o,
});
const ocr = ocrSuite('ocr', 'all');

async function copyOfSample(): Promise<string> {
  const src = await ensureOcrSample(tmp('ocr-src-'));
  const dst = path.join(tmp('ocr-bad-'), 'ocr');
  cpSync(src, dst, { recursive: true });
  return dst;
}
const readJson = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as never;

describe('ocr bad data: each problem is a per-sample error naming the file; the suite continues', () => {
  it('TextVQA: malformed JSONL line, missing image, undecodable image, escaping image path, too few answers', async () => {
    const dir = await copyOfSample();
    const qfile = path.join(dir, 'llava_textvqa_val_v051_ocr.jsonl');
    const lines = readFileSync(qfile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { image: string; question_id: string });
    // LLaVA's question_id is the image id; a matched question is named by its annotation's question_id
    // (the fixture writes both files in the same order), an unmatched one by its line.
    const annotationIds = (readJson(path.join(dir, 'TextVQA_0.5.1_val.json')) as { data: { question_id: number }[] }).data.map((d) => d.question_id);
    const idOf = (i: number) => `textvqa-${annotationIds[i]}`;
    lines[1]!.image = '../../../../etc/hostname.jpg';
    writeFileSync(qfile, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    appendFileSync(qfile, '{"question_id": 1, "text": \n');
    rmSync(path.join(dir, 'train_images', lines[2]!.image));
    writeFileSync(path.join(dir, 'train_images', lines[3]!.image), Buffer.from('JFIF but not really'));
    const loaded = await ocr.load(ctxFor(dir, opts({ format: 'textvqa' })));
    const errs = Object.fromEntries(errorsOf(loaded).map((e) => [e.id, e.error]));
    // The escaping path names no annotated image: the sample is named by its line (line 2).
    expect(errs['textvqa-line2']).toMatchObject({ code: 'E_DATASET', file: qfile, field: 'image' });
    expect(errs['textvqa-line2']!.message).toMatch(/escapes the dataset folder/);
    expect(errs[idOf(2)]).toMatchObject({ file: path.join(dir, 'train_images', lines[2]!.image) });
    expect(errs[idOf(2)]!.message).toMatch(/image not found/);
    expect(errs[idOf(3)]!.message).toMatch(/cannot be decoded/);
    const badLine = errorsOf(loaded).find((e) => e.id === `textvqa-line${lines.length + 1}`);
    expect(badLine?.error).toMatchObject({ file: qfile });
    expect(badLine?.error.message).toMatch(new RegExp(`line ${lines.length + 1} is not valid JSON`));
    // lines[3] and lines[4] ask about the same (now undecodable) image: both fail.
    expect(lines[4]!.image).toBe(lines[3]!.image);
    expect(errs[idOf(4)]!.message).toMatch(/cannot be decoded/);
    expect(docs(loaded).length).toBe(lines.length - 4);

    const ann = path.join(dir, 'TextVQA_0.5.1_val.json');
    const root = readJson(ann) as { data: { answers: unknown }[] };
    root.data[0]!.answers = ['stop'];
    writeFileSync(ann, JSON.stringify(root));
    const plain = await ocr.load(ctxFor(dir, opts({ format: 'textvqa', textvqaQuestions: 'plain' })));
    expect(errorsOf(plain).find((e) => e.error.field === 'data[0].answers')?.error.message).toMatch(/ten strings/);
  });

  it('TextVQA: an image symlinked out of the dataset is refused; a non-UTF-8 line fails that sample, naming file and line', async () => {
    const dir = await copyOfSample();
    const qfile = path.join(dir, 'llava_textvqa_val_v051_ocr.jsonl');
    const lines = readFileSync(qfile, 'utf8').trim().split('\n');
    const first = JSON.parse(lines[0]!) as { image: string };
    const outside = path.join(tmp('ocr-outside-'), 'passwd');
    writeFileSync(outside, 'root:x:0:0\n');
    const linked = path.join(dir, 'train_images', first.image);
    rmSync(linked);
    symlinkSync(outside, linked);
    // Line 6: a Latin-1 "é" (0xE9) in the question text, as a file saved in another encoding has.
    const bytes = Buffer.from(`${lines.map((l, i) => (i === 5 ? l.replace('"text": "', '"text": "caf\u0001').replace('"text":"', '"text":"caf\u0001') : l)).join('\n')}\n`, 'utf8');
    bytes[bytes.indexOf(1)] = 0xe9;
    writeFileSync(qfile, bytes);
    const loaded = await ocr.load(ctxFor(dir, opts({ format: 'textvqa' })));
    const errs = errorsOf(loaded);
    const escaped = errs.filter((e) => /escapes the dataset folder/.test(e.error.message));
    expect(escaped.length).toBeGreaterThan(0);
    expect(escaped[0]!.error).toMatchObject({ code: 'E_DATASET', file: qfile, field: 'image' });
    const badLine = errs.find((e) => e.id === 'textvqa-line6');
    expect(badLine?.error).toMatchObject({ code: 'E_DATASET', file: qfile, line: 6 });
    expect(badLine?.error.message).toMatch(/line 6 is not valid UTF-8/);
    // No sample carries a replacement character into a prompt.
    for (const d of docs(loaded)) expect(JSON.stringify(d)).not.toContain('\uFFFD');
    // A JSON document (not JSONL) with a Latin-1 byte in one question: that sample fails, the rest loads.
    const ann = path.join(dir, 'TextVQA_0.5.1_val.json');
    const annBytes = readFileSync(ann);
    const at = annBytes.indexOf('"question":"', annBytes.indexOf('"question":"') + 1); // data[1]
    annBytes[at + '"question":"'.length] = 0xe9;
    writeFileSync(ann, annBytes);
    const plain = await ocr.load(ctxFor(dir, opts({ format: 'textvqa', textvqaQuestions: 'plain' })));
    const notUtf8 = errorsOf(plain).filter((e) => /not valid UTF-8/.test(e.error.message));
    expect(notUtf8).toHaveLength(1);
    expect(notUtf8[0]!.error).toMatchObject({ code: 'E_DATASET', file: ann, field: 'data[1]' });
    expect(notUtf8[0]!.error.message).toBe('data[1] has text that is not valid UTF-8');
    // Every annotation is a sample or an error; only the UTF-8 one and the symlinked image's one fail.
    const total = (JSON.parse(readFileSync(ann, 'latin1')) as { data: unknown[] }).data.length;
    expect(docs(plain).length + errorsOf(plain).length).toBe(total);
    expect(errorsOf(plain)).toHaveLength(2);
    for (const d of docs(plain)) expect(JSON.stringify(d)).not.toMatch(/[\uFFFD\uFFFF]/);
  });

  it('OCRBench: wrong field types and unknown types; DocVQA: escaping path and missing answers', async () => {
    const dir = await copyOfSample();
    const obFile = path.join(dir, 'OCRBench.json');
    const items = readJson(obFile) as Record<string, unknown>[];
    items[0]!.answers = 42;
    items[1]!.type = 'Poetry Recognition';
    items[2]!.image_path = '/etc/passwd';
    writeFileSync(obFile, JSON.stringify(items));
    const dvFile = path.join(dir, 'val_v1.0.json');
    const dv = readJson(dvFile) as { data: Record<string, unknown>[] };
    dv.data[0]!.image = '../outside.png';
    delete dv.data[1]!.answers;
    writeFileSync(dvFile, JSON.stringify(dv));
    const loaded = await ocr.load(ctxFor(dir, opts()));
    const fields = errorsOf(loaded).map((e) => [e.error.file, e.error.field]);
    expect(fields).toEqual(expect.arrayContaining([
      [obFile, '[0].answers'], [obFile, '[1].type'], [obFile, '[2].image_path'], [dvFile, 'data[0].image'], [dvFile, 'data[1].answers'],
    ]));
    expect(errorsOf(loaded).length).toBe(5);
    expect(docs(loaded).length).toBe(30 - 5);
  });

  it('a folder with no OCR layout is refused with a hint', async () => {
    await expect(ocr.load(ctxFor(tmp('ocr-empty-'), opts()))).rejects.toThrow(/not an OCR dataset folder/);
    const dir = await copyOfSample();
    rmSync(path.join(dir, 'OCRBench.json'));
    await expect(ocr.load(ctxFor(dir, opts({ format: 'ocrbench' })))).rejects.toThrow(/no OCRBench\.json/);
  });
});
