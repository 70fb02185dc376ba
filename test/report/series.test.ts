import { describe, expect, it } from 'vitest';
import type { RunSummary, SuiteSummary } from '../../src/core/record.ts';
import type { LoadedRun } from '../../src/results/files.ts';
import type { RunManifest } from '../../src/results/manifest.ts';
import { headlineValue, measuredRadar, modelSeries } from '../../src/report/series.ts';

const suite = (model: string, name: string, value: number, unit?: string, n = 10): SuiteSummary => ({
  model, suite: name, n, errors: 0, headline: 'h', metrics: { h: { value, n, better: 'higher', ...(unit ? { unit } : {}) } },
});
const run = (id: string, results: SuiteSummary[]): LoadedRun => ({
  dir: `/r/${id}`, samples: [], manifest: { models: [...new Set(results.map((r) => ({ id: r.model })))] } as unknown as RunManifest,
  summary: { runId: id, createdAt: '', configHash: '', results } satisfies RunSummary,
});

describe('headlineValue', () => {
  it('keeps values that declare a unit, turns unitless fractions into percentages, keeps MME raw', () => {
    expect(headlineValue(suite('m', 'scienceqa', 0.5, '%'), 'SQA-IMG')).toBe(0.5); // 0.5 % from a tiny model stays 0.5
    expect(headlineValue(suite('m', 'pope', 0.859), 'POPE')).toBeCloseTo(85.9);
    expect(headlineValue(suite('m', 'mme', 1.5), 'MME')).toBe(1.5);
    expect(headlineValue(suite('m', 'ocrbench', 512, 'points'), 'OCRBench')).toBe(512);
  });
});

describe('measuredRadar', () => {
  it('maps suites onto figure axes, combines LLaVA-Bench categories n-weighted, skips perf suites', () => {
    const r = run('a', [
      suite('m', 'scienceqa', 60, '%'), suite('m', 'textvqa', 40, '%'), suite('m', 'docvqa', 30, 'ANLS×100'),
      suite('m', 'conversation', 50, '%', 30), suite('m', 'detail', 80, '%', 10),
      { ...suite('m', 'latency', 120, 'ms'), metrics: { h: { value: 120, n: 5, better: 'lower', unit: 'ms' } } },
    ]);
    const m = measuredRadar(modelSeries([r]));
    expect(m.axes).toEqual(['SQA-IMG', 'TextVQA', 'LLaVA-Bench', 'DocVQA']);
    expect(m.series[0]!.values['LLaVA-Bench']).toBeCloseTo((50 * 30 + 80 * 10) / 40);
    expect(m.series[0]!.values).not.toHaveProperty('latency');
  });

  it('combines judged LLaVA-Bench categories as a ratio of means over all questions, not a mean of ratios', () => {
    const judged = (name: string, n: number, model: number, ref: number): SuiteSummary => ({
      model: 'm', suite: name, n, errors: 0, headline: 'relative',
      metrics: {
        relative: { value: (100 * model) / ref, n, better: 'higher', unit: '%' },
        model_score: { value: model, n, better: 'higher', unit: 'score×10' },
        ref_score: { value: ref, n, better: 'higher', unit: 'score×10' },
      },
    });
    // conversation: 30 questions, model 60 / ref 80 (75 %); detail: 10 questions, model 90 / ref 60 (150 %).
    const m = measuredRadar(modelSeries([run('a', [judged('conversation', 30, 60, 80), judged('detail', 10, 90, 60)])]));
    const ratioOfMeans = (100 * (30 * 60 + 10 * 90)) / (30 * 80 + 10 * 60);
    expect(m.series[0]!.values['LLaVA-Bench']).toBeCloseTo(ratioOfMeans); // 90 %
    expect(ratioOfMeans).not.toBeCloseTo((75 * 30 + 150 * 10) / 40); // the n-weighted mean of ratios would say 93.75
  });

  it('LLaVA-Bench off the published protocol (compat robust, or no judge) gets its own labelled axis', () => {
    const judged = (name: string, compat: string | undefined, headline = 'relative'): SuiteSummary => ({
      ...suite('m', name, 70, '%'), headline, metrics: { [headline]: { value: 70, n: 10, better: 'higher', unit: '%' } },
      ...(compat ? { tables: { judge: { compat } } } : {}),
    });
    const axesOf = (s: SuiteSummary) => measuredRadar(modelSeries([run('a', [s])])).axes;
    expect(axesOf(judged('conversation', 'llava'))).toEqual(['LLaVA-Bench']);
    expect(axesOf(judged('conversation', 'robust'))).toEqual(['LLaVA-Bench (compat robust)']);
    expect(axesOf(judged('llava-bench', 'default'))).toEqual(['LLaVA-Bench (compat robust)']); // summaries from before the rename
    expect(axesOf(judged('detail', undefined, 'rougeL_nojudge'))).toEqual(['LLaVA-Bench (no judge: ROUGE-L)']);
  });

  it('names series by model, adding the run id when runs share model ids', () => {
    const names = modelSeries([run('a', [suite('m', 'pope', 1)]), run('b', [suite('m', 'pope', 1), suite('x', 'pope', 1)])]).map((s) => s.name);
    expect(names).toEqual(['m · a', 'm · b', 'x']);
  });
});
