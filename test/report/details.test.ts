/**
 * The collapsible detail tables, fed by the shipped suites' own aggregators (ScienceQA, OCR) so the
 * renderer reads the shapes the suites really write.
 */
import { describe, expect, it } from 'vitest';
import type { RunSummary, SampleRecord, SuiteSummary } from '../../src/core/record.ts';
import { llavaBenchTable, ocrbenchTable, scienceqaTable, suiteDetails } from '../../src/report/details.ts';
import { modelSeries } from '../../src/report/series.ts';
import type { LoadedRun } from '../../src/results/files.ts';
import type { RunManifest } from '../../src/results/manifest.ts';
import { aggregateOcr } from '../../suites/ocr/aggregate.ts';
import { aggregateScienceQA } from '../../suites/scienceqa/aggregate.ts';

const rec = (suite: string, i: number, scores: SampleRecord['scores'], meta: Record<string, unknown>): SampleRecord => ({
  key: `${suite}${i}`, model: 'm', suite, sampleId: String(i), repeat: 0, scores, meta, finishedAt: '',
});
const run = (results: SuiteSummary[]): LoadedRun => ({
  dir: '/r/a', samples: [], manifest: { models: [{ id: 'm' }] } as unknown as RunManifest,
  summary: { runId: 'a', createdAt: '', configHash: '', results } satisfies RunSummary,
});

describe('detail tables', () => {
  it('ScienceQA: the official category table in upstream column order, — for an empty category', () => {
    // 3 natural-science image questions of grade 2 (2 right), 1 social-science text question of grade 8 (right)
    const recs = [
      ...[1, 1, 0].map((c, i) => rec('scienceqa', i, { correct: c }, { subject: 'natural science', grade: 'grade2', hasImage: true, hint: '' })),
      rec('scienceqa', 3, { correct: 1 }, { subject: 'social science', grade: 'grade8', hasImage: false, hint: 'some context' }),
    ];
    const html = scienceqaTable(modelSeries([run([{ model: 'm', suite: 'scienceqa', ...aggregateScienceQA(recs) }])]), []);
    const cells = [...html.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
    //                NAT     SOC      LAN  TXT      IMG     NO   G1-6    G7-12    Avg
    expect(cells).toEqual(['66.7', '100.0', '—', '100.0', '66.7', '—', '66.7', '100.0', '75.0']);
    expect(html).toContain('title="2 of 3 correct"');
  });

  it('OCRBench: score per question type and the Final Score', () => {
    const recs = [
      rec('ocr', 0, { ocrbench: 1 }, { format: 'ocrbench', type: 'Regular Text Recognition' }),
      rec('ocr', 1, { ocrbench: 0 }, { format: 'ocrbench', type: 'Regular Text Recognition' }),
      rec('ocr', 2, { ocrbench: 1 }, { format: 'ocrbench', type: 'Doc-oriented VQA' }),
    ];
    const html = ocrbenchTable(modelSeries([run([{ model: 'm', suite: 'ocr', ...aggregateOcr(recs) }])]));
    expect(html).toMatch(/<td>Regular Text Recognition<\/td><td><span title="2 of 50 official items">1<\/span><\/td>/);
    expect(html).toMatch(/<td>Doc-oriented VQA<\/td><td><span title="1 of 200 official items">1<\/span><\/td>/);
    expect(html).toContain('<b>2</b> <span class="small">/ 3 items</span>');
  });

  it('LLaVA-Bench: ref, model and relative per category, overall as a ratio of means', () => {
    const lb = (suite: string, group: string, n: number, ref10: number, model10: number): SuiteSummary => ({
      model: 'm', suite, n, errors: 0, headline: 'relative', metrics: { relative: { value: (100 * model10) / ref10, n, unit: '%' } },
      tables: { llavaBench: [{ group, n, used: n, failures: 0, relative: (100 * model10) / ref10, ref10, model10 }, { group: 'all', n, used: n, relative: (100 * model10) / ref10, ref10, model10 }] },
    });
    const html = llavaBenchTable(modelSeries([run([lb('conversation', 'llava_bench_conv', 30, 80, 60), lb('detail', 'llava_bench_detail', 10, 80, 80)])]));
    const cells = [...html.matchAll(/<td[^>]*>(?:<b>)?([^<]*)/g)].map((m) => m[1]);
    // conv 80/60/75, detail 80/80/100, complex missing, overall ref 80, model (60·30+80·10)/40 = 65 → 81.25
    expect(cells).toEqual(['80.0', '60.0', '75.0', '80.0', '80.0', '100.0', '—', '—', '—', '80.0', '65.0', '81.3']);
  });

  it('per-suite details: metrics as rows, values on the unit convention, notes once, no JSON', () => {
    const s = (model: string): SuiteSummary => ({
      model, suite: 'pope', n: 10, errors: 1, headline: 'accuracy', notes: ['same note'],
      metrics: { accuracy: { value: 0.5, ci: [0.2, 0.8], n: 9, better: 'higher' } }, tables: { nested: { a: { b: 1 } } },
    });
    const r: LoadedRun = { ...run([s('m'), s('m2')]), manifest: { models: [{ id: 'm' }, { id: 'm2' }] } as unknown as RunManifest };
    const html = suiteDetails(modelSeries([r]));
    expect(html).toContain('<span title="95% CI [20.0, 80.0] · n 9">50.0</span>');
    expect(html.split('same note').length - 1).toBe(1);
    expect(html).toContain('10 / <span class="bad">1</span>');
    expect(html).toContain('<h4>nested</h4><table class="grid small-table"><thead><tr><th>model</th><th>a</th></tr></thead><tbody><tr><td>m</td><td>b 1</td></tr>');
    expect(html).not.toContain('{');
  });
});
