import { describe, expect, it } from 'vitest';
import { formatSummaryTable } from '../../../src/cli/commands/summary.ts';

describe('formatSummaryTable', () => {
  it('keeps one line per result when a note has several lines (a load failure with its hint)', () => {
    const table = formatSummaryTable({
      runId: 'r', createdAt: '', configHash: 'h',
      results: [
        { model: 'm', suite: 's', n: 0, errors: 0, metrics: {}, notes: ["model 'm' could not be loaded: missing file\n  hint: run make-fixtures"] },
        { model: 'm2', suite: 's', n: 1, errors: 0, metrics: {} },
      ],
    });
    const lines = table.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/could not be loaded: missing file$/);
  });

  it('shows who rendered the prompt, so server-template scores are not read as client-template ones', () => {
    const table = formatSummaryTable({
      runId: 'r', createdAt: '', configHash: 'h',
      results: [
        { model: 'a', suite: 's', n: 1, errors: 0, metrics: {} },
        { model: 'b', suite: 's', n: 1, errors: 0, metrics: {}, promptSource: 'server template (trtllm-serve chat template)' },
      ],
    });
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/\bprompt\b/);
    expect(lines[2]).toMatch(/\bclient\b/);
    expect(lines[3]).toContain('server template (trtllm-serve chat template)');
  });
});
