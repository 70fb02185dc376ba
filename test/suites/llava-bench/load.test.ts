import { appendFileSync, mkdtempSync, rmSync, writeFileSync, readFileSync, cpSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureLlavaBenchSample } from '../../../src/fixtures/datasets/llava-bench.ts';
import { loadLlavaBench, type LlavaBenchDoc } from '../../../suites/llava-bench/load.ts';

const ALL = ['conv', 'detail', 'complex'] as const;
const freshCopy = async () => {
  const src = await ensureLlavaBenchSample(mkdtempSync(path.join(tmpdir(), 'lbl-')));
  const dst = mkdtempSync(path.join(tmpdir(), 'lbl-copy-'));
  cpSync(src, dst, { recursive: true });
  return dst;
};
const docs = (xs: Awaited<ReturnType<typeof loadLlavaBench>>) => xs.flatMap((x) => ('doc' in x ? [x.doc] : []));
const errs = (xs: Awaited<ReturnType<typeof loadLlavaBench>>) => xs.flatMap((x) => ('error' in x ? [x] : []));

describe('LLaVA-Bench loaders', () => {
  it('reads the In-the-Wild layout: question, reference, caption list, image path', async () => {
    const dir = await freshCopy();
    const out = await loadLlavaBench(dir, { layout: 'wild' }, ALL);
    expect(errs(out)).toEqual([]);
    const d = docs(out);
    expect(d).toHaveLength(9);
    const first = d[0]!;
    expect(first).toMatchObject({ layout: 'wild', questionId: '0', category: 'conv', question: 'What color is the circle in the image?', reference: 'The circle in the image is red.' });
    expect(first.captions).toHaveLength(2);
    expect(first.instances).toBeUndefined();
    expect(first.image).toBe(path.join(dir, 'images', '001.jpg'));
  });

  it('reads the COCO qa90 layout: five captions, boxes with integer flags, COCO_val2014_ image names', async () => {
    const dir = await freshCopy();
    const d = docs(await loadLlavaBench(dir, { layout: 'coco' }, ALL));
    expect(d).toHaveLength(6);
    const sq = d.find((x) => x.imageName === '000000000102.jpg')!;
    expect(sq.captions).toHaveLength(5);
    expect(sq.instances![0]).toEqual({ category: 'square', bbox: [0, 0, 0.25, 0.5], bboxInts: [true, true, false, false] });
    expect(sq.image).toBe(path.join(dir, 'val2014', 'COCO_val2014_000000000102.jpg'));
  });

  it('auto reads both layouts; categories filter', async () => {
    const dir = await freshCopy();
    const d = docs(await loadLlavaBench(dir, { layout: 'auto' }, ['detail']));
    expect(d.map((x: LlavaBenchDoc) => `${x.layout}-${x.category}`).sort()).toEqual([
      'coco-detail', 'coco-detail', 'wild-detail', 'wild-detail', 'wild-detail']);
  });

  it('a bad line, a missing image and a reference without a question are per-sample errors; the rest loads', async () => {
    const dir = await freshCopy();
    const q = path.join(dir, 'questions.jsonl');
    const lines = readFileSync(q, 'utf8').trim().split('\n');
    lines.splice(1, 1, '{"question_id": 1, "image": "001.jpg", "text": "broken'); // question 1 → bad JSON
    writeFileSync(q, lines.join('\n') + '\n');
    rmSync(path.join(dir, 'images', '003.jpg')); // questions 6..8 lose their image
    appendFileSync(path.join(dir, 'answers_gpt4.jsonl'), '{"question_id": 99, "text": "orphan", "category": "conv"}\n');
    const out = await loadLlavaBench(dir, { layout: 'wild' }, ALL);
    const e = errs(out);
    const byId = Object.fromEntries(e.map((x) => [x.id, x.error]));
    expect(byId['wild-line2']).toMatchObject({ code: 'E_DATASET', file: q });
    expect(byId['wild-line2']!.message).toMatch(/line 2 is not valid JSON/);
    expect(byId['wild-99']!.message).toMatch(/reference answer for question_id 99 .* has no question/);
    expect(byId['wild-1']!.message).toMatch(/has no question/); // its answer lost its (broken) question
    for (const id of ['wild-6', 'wild-7', 'wild-8']) {
      expect(byId[id]).toMatchObject({ code: 'E_DATASET', field: 'image' });
      expect(byId[id]!.message).toMatch(/image not found: .*003\.jpg/);
    }
    expect(docs(out).map((x) => x.questionId)).toEqual(['0', '2', '3', '4', '5']);
  });

  it('refuses image names that escape the image folder', async () => {
    const dir = await freshCopy();
    const q = path.join(dir, 'questions.jsonl');
    writeFileSync(q, readFileSync(q, 'utf8').replace('"image":"001.jpg"', '"image":"../../etc/passwd"'));
    writeFileSync(path.join(dir, 'context.jsonl'), readFileSync(path.join(dir, 'context.jsonl'), 'utf8') + '{"image":"../../etc/passwd","caption":"x"}\n');
    const e = errs(await loadLlavaBench(dir, { layout: 'wild' }, ALL));
    expect(e.find((x) => x.id === 'wild-0')!.error.message).toMatch(/escapes the image folder/);
  });

  it('refuses an image that is a symlink out of the image folder, and names a non-UTF-8 line', async () => {
    const dir = await freshCopy();
    const q = path.join(dir, 'questions.jsonl');
    const outside = path.join(mkdtempSync(path.join(tmpdir(), 'lbl-outside-')), 'secret.jpg');
    writeFileSync(outside, 'not yours');
    rmSync(path.join(dir, 'images', '001.jpg'));
    symlinkSync(outside, path.join(dir, 'images', '001.jpg'));
    // Line 3 gets a Latin-1 byte (0xE9) inside its question text.
    const lines = readFileSync(q, 'utf8').split('\n');
    lines[2] = lines[2]!.replace('"text":"', '"text":"caf\u0000');
    const bytes = Buffer.from(lines.join('\n'), 'utf8');
    bytes[bytes.indexOf(0)] = 0xe9;
    writeFileSync(q, bytes);
    const e = errs(await loadLlavaBench(dir, { layout: 'wild' }, ALL));
    const linked = e.filter((x) => /escapes the image folder/.test(x.error.message));
    expect(linked.length).toBeGreaterThan(0);
    const bad = e.find((x) => x.id === 'wild-line3');
    expect(bad?.error).toMatchObject({ code: 'E_DATASET', file: q, line: 3 });
    expect(bad?.error.message).toMatch(/line 3 is not valid UTF-8/);
  });

  it('a folder with neither layout is a dataset error naming the fix', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lbl-empty-'));
    await expect(loadLlavaBench(dir, { layout: 'auto' }, ALL)).rejects.toThrow(/not a LLaVA-Bench folder/);
  });
});
