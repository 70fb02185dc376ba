import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { DEFAULT_PUBLISHED_FILE, loadPublished, publishedRows, publishedSeries, type PublishedScores } from '../../src/report/published.ts';
import { LLAVA_RADAR_AXES, SUITE_AXIS } from '../../src/report/radar/axes.ts';

let pub: PublishedScores;
let tmp: string;
beforeAll(async () => {
  pub = await loadPublished(DEFAULT_PUBLISHED_FILE);
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vlmbench-pub-'));
});
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

const value = (id: string, axis: string) => pub.models.find((m) => m.id === id)!.scores[axis];

describe('configs/published/llava-family.yaml', () => {
  it('uses the twelve axes of the LLaVA-1.5 figure, in order', () => {
    expect(pub.axes).toEqual([...LLAVA_RADAR_AXES]);
    for (const m of pub.models) for (const axis of Object.keys(m.scores)) expect(pub.axes).toContain(axis);
  });

  it('carries the reference values with their sources', () => {
    expect(value('llava-1.5-13b', 'MME')).toMatchObject({ value: 1531.3, source: 'model-zoo' });
    expect(value('llava-1.5-7b', 'SQA-IMG')).toMatchObject({ value: 66.8 });
    expect(value('llava-1.5-7b', 'VQAv2')).toMatchObject({ value: 78.5, trainSeen: true });
    expect(value('vila1.5-3b', 'MME')).toMatchObject({ value: 1442.44, source: 'vila-readme-2409' });
    expect(value('tinyllava-3.1b', 'LLaVA-Bench')).toMatchObject({ value: 75.8, source: 'tinyllava-paper' });
    expect(value('qwen-vl-chat', 'MME')).toMatchObject({ value: 1487.5, source: 'radar-figure' });
    for (const r of publishedRows(pub)) expect(r.sourceTitle.length).toBeGreaterThan(5);
  });

  it('flags the values the reference marks unverified, and only those', () => {
    expect(value('llava-v1-13b', 'POPE')!.unverified).toBe(true);
    expect(value('llava-1.6-vicuna-7b', 'SQA-IMG')!.unverified).toBe(true);
    expect(value('llava-1.5-13b', 'MME')!.unverified).toBeUndefined();
    const flagged = publishedRows(pub).filter((r) => r.unverified).map((r) => `${r.model}/${r.axis}`);
    expect(flagged).toHaveLength(9); // 5 blog-summary values of LLaVA v1 + 4 LLaVA-1.6 "SQA" columns
  });

  it('turns the default figure into dashed published series with gaps where a value is unknown', () => {
    const fig = publishedSeries(pub);
    // The default figure's series: LLaVA v1 (the family's first release) beside LLaVA-1.5.
    expect(fig.series.map((s) => s.name)).toEqual(expect.arrayContaining(['LLaVA (v1, 13B) (published)', 'LLaVA-1.5-13B (published)']));
    expect(fig.series.every((s) => s.kind === 'published')).toBe(true);
    const paper = publishedSeries(pub, 'llava-1.5-paper');
    const blip2 = paper.series.find((s) => s.name.startsWith('BLIP-2'))!;
    expect(Object.keys(blip2.values)).toEqual(['POPE', 'MME']);
  });

  it('maps suite headlines to radar axes in one table', () => {
    expect(SUITE_AXIS.scienceqa).toBe('SQA-IMG');
    expect(SUITE_AXIS.ocr).toBe('TextVQA');
    expect([SUITE_AXIS.conversation, SUITE_AXIS.detail, SUITE_AXIS.reasoning]).toEqual(['LLaVA-Bench', 'LLaVA-Bench', 'LLaVA-Bench']);
    for (const axis of Object.values(SUITE_AXIS)) expect(LLAVA_RADAR_AXES).toContain(axis);
  });
});

describe('loadPublished errors', () => {
  it('names the file and field of an undeclared source', async () => {
    const file = path.join(tmp, 'bad.yaml');
    await writeFile(file, 'axes: [A]\nsources: {}\nmodels:\n  - { id: m, name: M, family: f, scores: { A: { value: 1, source: nowhere } } }\n');
    const err = await loadPublished(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ file, field: 'models[0].scores.A.source' });
  });

  it('rejects a value that is not a number', async () => {
    const file = path.join(tmp, 'bad2.yaml');
    await writeFile(file, 'axes: [A]\nsources: { s: { title: t } }\nmodels:\n  - { id: m, name: M, family: f, scores: { A: { value: high, source: s } } }\n');
    await expect(loadPublished(file)).rejects.toMatchObject({ code: 'E_CONFIG', field: 'models.0.scores.A.value' });
  });
});

describe('resolvePublished', () => {
  it('finds bundled files by name and resolves paths against the working directory', async () => {
    const { resolvePublished } = await import('../../src/report/published.ts');
    expect(resolvePublished('llava-family')).toBe(DEFAULT_PUBLISHED_FILE);
    expect(resolvePublished('mine.yaml', '/work/x')).toBe('/work/x/mine.yaml');
    expect(resolvePublished('/abs/p.yaml', '/work/x')).toBe('/abs/p.yaml');
  });
});
