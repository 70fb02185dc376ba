import { describe, expect, it } from 'vitest';
import type { RunComparison, SuiteComparison } from '../../src/compare/compare.ts';
import { mdCell, renderComparisonMarkdown } from '../../src/compare/render-md.ts';
import { renderComparisonText } from '../../src/compare/render-text.ts';

/** Model output is data: it must not turn into Markdown markup or terminal control sequences. */

const HOSTILE = '![pixel](https://tracker.example/p.png) [click](https://evil.example) **bold** \u001b[2J\u001b]0;title\u0007done\r';

function comparison(): RunComparison {
  const suite: SuiteComparison = {
    suite: 'pope', baselineModel: 'm', currentModel: 'm', metric: 'acc', binary: true, unitScale: true, scale: 100, unit: '%',
    metrics: [{ key: 'acc', baseline: { value: 1, n: 1 }, current: { value: 0, n: 1 }, delta: -1, headline: true }],
    paired: { test: 'mcnemar', mode: 'paired', better: 'higher', n: 1, baselineMean: 1, currentMean: 0, delta: -1, b: 1, c: 0, p: 1, pRegression: 0.5, pHolm: 1, pRegressionHolm: 0.5 },
    verdict: 'same',
    worse: [{ sampleId: 's\u001b[31m1', repeat: 0, baseline: 1, current: 0, question: 'q', baselineOutput: 'yes', currentOutput: HOSTILE, reference: 'yes' }],
    better: [], worseCount: 1, betterCount: 0,
    pairing: { mode: 'paired', baselineOnly: 0, currentOnly: 0, unscored: 0, baselineErrors: 0, currentErrors: 0 },
  } as SuiteComparison;
  return { baseline: { runId: 'a', dir: '/a' }, current: { runId: 'b', dir: '/b' }, pairs: [{ baseline: 'm', current: 'm' }], suites: [suite], iterations: 10, seed: 0, alpha: 0.05 };
}

describe('comparison renderings escape model output', () => {
  it('md: no image, link or emphasis markup survives from a model answer', () => {
    const md = renderComparisonMarkdown([comparison()]);
    expect(md).not.toMatch(/(?<!\\)!\[pixel/);
    expect(md).not.toMatch(/(?<!\\)\[click(?<!\\)\]/);
    expect(md).toContain('\\!\\[pixel\\]');
    expect(md).toContain('\\*\\*bold\\*\\*');
    expect(mdCell('a_b~c')).toBe('a\\_b\\~c');
  });

  it('text: control characters from outputs and ids never reach the terminal', () => {
    const text = renderComparisonText([comparison()]);
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('s\ufffd[31m1: 1 → 0');
  });
});
