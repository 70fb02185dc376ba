import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary, SampleRecord, SuiteSummary } from '../../src/core/record.ts';
import { buildSamplePayload, referenceText, type SamplePayload } from '../../src/report/samples.ts';
import { modelSeries } from '../../src/report/series.ts';
import type { LoadedRun } from '../../src/results/files.ts';
import type { RunManifest } from '../../src/results/manifest.ts';

let tmp: string;
let payload: SamplePayload;
const s = (i: number) => (i < 0 ? '' : payload.strings[i]!);
const rowOf = (id: string) => payload.rows.find((r) => s(r[2]) === id)!;

async function image(file: string) {
  const { default: sharp } = await import('sharp');
  await mkdir(path.dirname(file), { recursive: true });
  await sharp({ create: { width: 40, height: 30, channels: 3, background: '#3366cc' } }).jpeg().toFile(file);
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vlmbench-samples-'));
  const lb = path.join(tmp, 'llava-bench'), sqa = path.join(tmp, 'scienceqa');
  // LLaVA-Bench keeps its images in images/; ScienceQA in images/test/<pid>/
  await image(path.join(lb, 'images', '001.jpg'));
  await image(path.join(sqa, 'images', 'test', '3', 'image.png'));
  await image(path.join(tmp, 'elsewhere', 'sent.jpg'));
  await image(path.join(tmp, 'ocr', 'documents', 'pages', 'p1.png')); // found by suffix search
  const base = { model: 'm', repeat: 0, finishedAt: '' };
  const samples: SampleRecord[] = [
    { ...base, key: '1', suite: 'conversation', sampleId: 'wild-0', input: { text: 'What colour?', images: ['001.jpg'] }, output: 'red',
      reference: { answer: 'The circle is red.', question: 'What colour?', captions: ['a red circle'] },
      scores: { rougeL_nojudge: 0, judge_ref: 7, judge_model: 8 }, meta: { review: { status: 'ok', tuple: [7, 8], content: '7 8\nBoth answers are right.' } } },
    { ...base, key: '2', suite: 'scienceqa', sampleId: '3', input: { text: 'How many?', images: ['3/image.png'] }, output: 'B',
      reference: { answer: 1, letter: 'B', choices: ['2', '3', '5'] }, scores: { correct: 1 }, meta: { extracted: 'B', predIndex: 1 } },
    { ...base, key: '3', suite: 'ocr', sampleId: 'tv-1', input: { text: 'sign?', images: ['x.jpg'], files: [path.join(tmp, 'elsewhere', 'sent.jpg')] }, output: 'stop',
      reference: { answers: ['stop', 'stop', 'STOP', 'stop sign'] }, scores: { vqa_accuracy: 1 } },
    { ...base, key: '4', suite: 'ocr', sampleId: 'doc-1', input: { text: 'total?', images: ['pages/p1.png'] }, output: '12', reference: ['12'], scores: { anls: 1 } },
  ];
  const results: SuiteSummary[] = ['conversation', 'scienceqa', 'ocr'].map((suite) => ({ model: 'm', suite, n: 1, errors: 0, metrics: {} }));
  const run: LoadedRun = {
    dir: path.join(tmp, 'run'), samples,
    manifest: { models: [{ id: 'm' }], datasets: { conversation: { path: lb, hash: '' }, scienceqa: { path: sqa, hash: '' }, ocr: { path: path.join(tmp, 'ocr'), hash: '' } } } as unknown as RunManifest,
    summary: { runId: 'a', createdAt: '', configHash: '', results } satisfies RunSummary,
  };
  payload = await buildSamplePayload(modelSeries([run]), { thumbnails: { worker: false } });
});

afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

describe('sample browser data', () => {
  it('finds every image: LLaVA-Bench images/, ScienceQA images/test/<pid>/, deeper layouts by suffix, and the file the request sent', () => {
    for (const id of ['wild-0', '3', 'tv-1', 'doc-1']) expect(rowOf(id)[8], id).toBeGreaterThanOrEqual(0);
    expect(payload.thumbs).toHaveLength(4);
  });

  it('grades LLaVA-Bench by the judge: both scores, the relative score and the review', () => {
    const r = rowOf('wild-0');
    expect(payload.verdicts[r[7]]).toBe('judged');
    expect(r[6]).toBeCloseTo((100 * 8) / 7);
    expect(s(r[11])).toBe('judge: model 8 vs ref 7 → 114.3%\nrougeL_nojudge 0.00');
    expect(s(r[12])).toBe('7 8\nBoth answers are right.');
  });

  it('says what the answer extractor read', () => {
    expect(s(rowOf('3')[11])).toBe('1\nread as: B');
    expect(payload.verdicts[rowOf('3')[7]]).toBe('right');
  });

  it('shows references as text', () => {
    expect(s(rowOf('wild-0')[5])).toBe('The circle is red.');
    expect(s(rowOf('3')[5])).toBe('(B) 3');
    expect(s(rowOf('tv-1')[5])).toBe('stop ×2 | STOP | stop sign');
    expect(referenceText({ a: 1, b: ['x'] })).toBe('a: 1\nb: x');
  });
});
