import { describe, expect, it } from 'vitest';
import { formatSummaryTable } from '../../../src/cli/commands/summary.ts';
import { tableWidth } from '../../../src/cli/summary-table.ts';
import type { SuiteSummary } from '../../../src/core/record.ts';

const JUDGE = 'Judge: llama-cpp:tiny-llama-f16.gguf (temperature 0.2, rules builtin:vlmbench-rules-v1, compat default).';
const judged = (model: string, suite: string): SuiteSummary => ({
  model, suite, n: 3, errors: 0, headline: 'relative',
  metrics: { relative: { value: 114.28571428571429, ci: [100, 120.5], n: 3, better: 'higher', unit: '%' } }, notes: [JUDGE],
});

describe('formatSummaryTable', () => {
  it('keeps one line per result and gives a multi-line note (a load failure with its hint) as a footnote', () => {
    const table = formatSummaryTable({
      runId: 'r', createdAt: '', configHash: 'h',
      results: [
        { model: 'm', suite: 's', n: 0, errors: 0, metrics: {}, notes: ["model 'm' could not be loaded: missing file\n  hint: run make-fixtures"] },
        { model: 'm2', suite: 's', n: 1, errors: 0, metrics: {} },
      ],
    });
    const lines = table.split('\n');
    expect(lines[2]).toMatch(/^m\s+s\s+—\s+—\s+0\s+0\s+1$/);
    expect(lines[3]).toMatch(/^m2\s+s/);
    expect(lines.slice(5)).toEqual(["[1] model 'm' could not be loaded: missing file", '    hint: run make-fixtures']);
  });

  it('fits 100 columns with long names, lists a repeated note once, uses one decimal percent', () => {
    const long = 'llava-v1.6-vicuna-13b-q4_k_m-with-a-very-long-model-identifier';
    const table = formatSummaryTable({
      runId: 'r', createdAt: '', configHash: 'h',
      results: ['conversation', 'detail', 'reasoning'].flatMap((s) => [judged('tiny', s), judged(long, s)]),
    });
    const lines = table.split('\n');
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(100);
    expect(table.split(JUDGE.slice(0, 40)).length - 1).toBe(1); // six rows, one footnote
    expect(lines[2]).toContain('114.3 % [100.0, 120.5]');
    expect(lines.find((l) => l.startsWith('llava-v1.6'))).toMatch(/…/);
    // A wider terminal gets the whole id; pipes and logs (no TTY) keep 100 columns.
    const wide = formatSummaryTable({ runId: 'r', createdAt: '', configHash: 'h', results: [judged(long, 'conversation')] }, tableWidth({ isTTY: true, columns: 200 }));
    expect(wide).toContain(long);
    expect(tableWidth({ isTTY: false, columns: 200 })).toBe(100);
    expect(tableWidth({ isTTY: true, columns: 80 })).toBe(100);
  });

  it('shows an all-invalid throughput suite as invalid with the reason', () => {
    const table = formatSummaryTable({
      runId: 'r', createdAt: '', configHash: 'h',
      results: [{
        model: 'm', suite: 'throughput', n: 40, errors: 0, headline: 'peak_output_throughput',
        metrics: { peak_output_throughput: { value: null, n: 0, better: 'higher', unit: 'tok/s' } },
        notes: ['output token counts from backend: 40', 'c1 INVALID: client event-loop delay p99 17.6 ms > 5 ms', 'c2 INVALID: client event-loop delay p99 22.2 ms > 5 ms'],
      }],
    });
    expect(table).toMatch(/peak_output_throughput\s+invalid\s+40\s+0\s+1,2/);
    expect(table).toContain('[2] c1, c2 INVALID: client event-loop delay p99 17.6 ms > 5 ms');
    expect(table).not.toContain('— tok/s');
  });

  it('shows who rendered the prompt, so server-template scores are not read as client-template ones', () => {
    const table = formatSummaryTable({
      runId: 'r', createdAt: '', configHash: 'h',
      results: [
        { model: 'a', suite: 's', n: 1, errors: 0, metrics: {} },
        { model: 'b', suite: 's', n: 1, errors: 0, metrics: {}, promptSource: 'server template (trtllm-serve chat template)' },
      ],
    });
    // The client-rendered row has no note; the server-rendered one points to a footnote naming the template.
    const lines = table.split('\n');
    expect(lines[2]!.trim().split(/\s+/)).toEqual(['a', 's', '—', '—', '1', '0']);
    expect(lines[3]!.trim().split(/\s+/)).toEqual(['b', 's', '—', '—', '1', '0', '1']);
    expect(table).toContain('[1] prompt: server template (trtllm-serve chat template), not the family template');
  });
});
