import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, runEta } from '../../src/cli/progress.ts';

function capture() {
  let text = '';
  const stream = new Writable({ write(chunk, _enc, cb) { text += String(chunk); cb(); } });
  return { stream, lines: () => text.split('\n').filter(Boolean) };
}

describe('progress', () => {
  it('names the task among the run\'s tasks and gives a whole-run ETA', () => {
    let t = 0;
    const out = capture();
    const p = createProgress(out.stream, { intervalMs: 0, now: () => t });
    p.onRunStart!({ tasks: 4 });
    // task 1 of 4: 10 samples in 10 s
    p.onTaskStart!({ model: 'm', suite: 'a', total: 10, alreadyDone: 0 });
    for (let i = 0; i < 10; i++) { t += 1000; p.onSampleDone!({ model: 'm', suite: 'a' }, i !== 3); }
    p.onTaskEnd!({ model: 'm', suite: 'a' });
    // task 2 of 4, half done after 5 more seconds: 1.5 of 4 tasks in 15 s → 25 s to go
    p.onTaskStart!({ model: 'm', suite: 'b', total: 10, alreadyDone: 0 });
    for (let i = 0; i < 5; i++) { t += 1000; p.onSampleDone!({ model: 'm', suite: 'b' }, true); }
    const lines = out.lines();
    expect(lines[lines.length - 1]).toBe('task 2/4 m › b 5/10 1.0/s ETA 5s errors 0 · run ETA 25s');
    expect(lines.find((l) => l.startsWith('task 1/4 m › a 10/10'))).toContain('errors 1');
  });

  it('has no run ETA before anything is done, and counts a perf task without a total as not started', () => {
    expect(runEta(0, 0, 28)).toBeUndefined();
    expect(runEta(60, 3, 28, { done: 40, total: 0, alreadyDone: 0 })).toBeCloseTo((60 * 25) / 3, 6);
    expect(runEta(90, 27, 28, { done: 8, total: 8, alreadyDone: 0 })).toBe(0);
  });
});
