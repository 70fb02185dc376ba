import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureOcrSample } from '../../../src/fixtures/datasets/ocr.ts';
import { ocrSuite, type OcrOptions } from '../../../suites/ocr/suite.ts';
import { ctxFor, docs, tmp } from '../scienceqa/helpers.ts';

const opts: OcrOptions = {
  format: 'textvqa', textvqaQuestions: 'llava-ocr', ocrbenchVariant: 'ocrbench', ocrbenchSuffix: false, anlsVariant: 'lmms-eval', bootstrapIterations: 500,
};

describe("TextVQA with LLaVA's question file", () => {
  it('gives every question its own sample id when question_id is the image id, as in the real file', async () => {
    const src = await ensureOcrSample(tmp('ocr-src-'));
    const dir = path.join(tmp('ocr-ids-'), 'ocr');
    cpSync(src, dir, { recursive: true });
    const qfile = path.join(dir, 'llava_textvqa_val_v051_ocr.jsonl');
    // Upstream's file carries the TextVQA image id in question_id (eval_textvqa.py looks annotations up by it),
    // so questions about one image share it.
    const lines = readFileSync(qfile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { image: string; question_id: unknown });
    for (const l of lines) l.question_id = l.image.replace(/\.jpg$/, '');
    expect(new Set(lines.map((l) => l.question_id)).size).toBeLessThan(lines.length);
    writeFileSync(qfile, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);

    const loaded = docs(await ocrSuite('ocr', 'all').load(ctxFor(dir, opts)));
    expect(loaded).toHaveLength(lines.length);
    expect(new Set(loaded.map((d) => d.id)).size).toBe(lines.length);
    // The ids are the annotations' question ids, the same as with textvqaQuestions: plain.
    const plain = docs(await ocrSuite('ocr', 'all').load(ctxFor(dir, { ...opts, textvqaQuestions: 'plain' })));
    expect(loaded.map((d) => d.id).sort()).toEqual(plain.map((d) => d.id).sort());
  });
});
