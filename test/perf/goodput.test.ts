import { describe, expect, it } from 'vitest';
import { goodput, meetsSlo, type SloInput } from '../../src/perf/goodput.ts';

// Golden per-request data: which requests meet ttft ≤ 100, tpot ≤ 20, e2el ≤ 1000, worked out by hand.
const requests: (SloInput & { ok: boolean })[] = [
  { success: true, ttftMs: 80, tpotMs: 15, e2elMs: 900, ok: true },
  { success: true, ttftMs: 100, tpotMs: 20, e2elMs: 1000, ok: true }, // limits are inclusive (≤), as vLLM
  { success: true, ttftMs: 101, tpotMs: 10, e2elMs: 500, ok: false }, // ttft
  { success: true, ttftMs: 50, tpotMs: 20.5, e2elMs: 500, ok: false }, // tpot
  { success: true, ttftMs: 50, tpotMs: 10, e2elMs: 1001, ok: false }, // e2el
  { success: true, ttftMs: 90, tpotMs: null, e2elMs: 95, ok: true }, // one output token: tpot counts as 0
  { success: true, ttftMs: null, tpotMs: null, e2elMs: 99, ok: true }, // not streamed: e2el stands in for ttft
  { success: true, ttftMs: null, tpotMs: null, e2elMs: 150, ok: false },
  { success: false, ttftMs: null, tpotMs: null, e2elMs: null, ok: false }, // failed never counts
];
const slo = { ttftMs: 100, tpotMs: 20, e2elMs: 1000 };

describe('goodput', () => {
  it.each(requests.map((r, i) => [i, r] as const))('request %i', (_i, r) => {
    expect(meetsSlo(r, slo)).toBe(r.ok);
  });
  it('counts the requests meeting every SLO per second of the window', () => {
    expect(goodput(requests, slo, 2)).toBe(4 / 2);
  });
  it('uses only the SLOs given', () => {
    expect(goodput(requests, { ttftMs: 100 }, 1)).toBe(6); // all with ttft (or e2el) ≤ 100 that succeeded
    expect(goodput(requests, { e2elMs: 1000 }, 4)).toBe(7 / 4);
  });
  it('is null without SLOs or without a window', () => {
    expect(goodput(requests, {}, 2)).toBeNull();
    expect(goodput(requests, undefined, 2)).toBeNull();
    expect(goodput(requests, slo, 0)).toBeNull();
  });
});
