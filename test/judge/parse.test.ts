import { describe, expect, it } from 'vitest';
import { parseScoreLine, parseScoreOfficial } from '../../src/judge/parse.ts';

describe('parseScoreOfficial (LLaVA parse_score)', () => {
  const cases: Array<[string, [number, number]]> = [
    ['8 9\nAssistant 1 was better.', [8, 9]],
    ['8,9\nok', [8, 9]],
    ['8, 9\nok', [-1, -1]], // ", " becomes two spaces → 3 tokens
    ['8 9 \nok', [-1, -1]], // trailing space → 3 tokens
    ['Assistant 1: 8', [-1, -1]],
    ['7.5 6\n', [7.5, 6]],
    ['8_9 1', [89, 1]], // Python float accepts underscores
    ['８ ９', [8, 9]], // and non-ASCII digits
    ['9', [-1, -1]],
    ['', [-1, -1]],
    ['\n8 9', [-1, -1]], // only the very first line counts
  ];
  it.each(cases)('%j → %j', (reply, want) => expect(parseScoreOfficial(reply)).toEqual(want));
});

describe('parseScoreLine (vlmbench default)', () => {
  const ok: Array<[string, [number, number]]> = [
    ['8 9\nexplanation', [8, 9]],
    ['8,9', [8, 9]],
    ['8, 9\nthe second is fine', [8, 9]],
    ['8 9 ', [8, 9]],
    ['Assistant 1: 8, Assistant 2: 6', [8, 6]],
    ['Scores: 7/10 and 5/10', [7, 5]],
    ['\n\n  9 7.5\nrest', [9, 7.5]],
    ['10 1', [10, 1]],
    ['8-9', [8, 9]],
  ];
  it.each(ok)('%j → %j', (reply, want) => expect(parseScoreLine(reply)).toEqual({ ok: true, scores: want }));
  const bad = ['9\nonly one', 'No scores here.', '', '   \n  ', '8 9 7', '80 90', 'Assistant 1 scores 8', '-1 -1', 'Scores: -1, 8'];
  it.each(bad)('%j fails with a reason', (reply) => {
    const r = parseScoreLine(reply);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.length).toBeGreaterThan(5);
  });
});
