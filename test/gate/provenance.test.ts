import { describe, expect, it } from 'vitest';
import type { SuiteSummary } from '../../src/core/record.ts';
import { provenanceMismatches } from '../../src/gate/provenance.ts';

const r = (model: string, suite: string, promptSource?: string): SuiteSummary => ({ model, suite, n: 1, errors: 0, metrics: {}, ...(promptSource && { promptSource }) });

describe('provenanceMismatches', () => {
  it('pairs model × suite; a summary without provenance (older runs) counts as client', () => {
    expect(provenanceMismatches([r('a', 's'), r('b', 's', 'raw')], [r('a', 's', 'server template (x)'), r('b', 's', 'raw')]))
      .toEqual([{ model: 'a', suite: 's', baseline: 'client', current: 'server template (x)' }]);
    expect(provenanceMismatches([r('a', 's')], [r('a', 's', 'client')])).toEqual([]);
  });

  it('pairs by suite when each side has one model (a renamed model is the same comparison)', () => {
    expect(provenanceMismatches([r('old', 's')], [r('new', 's', 'raw')])).toHaveLength(1);
    expect(provenanceMismatches([r('a', 's'), r('b', 's')], [r('c', 's', 'raw')])).toEqual([]);
  });
});
