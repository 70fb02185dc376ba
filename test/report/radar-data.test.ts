import { describe, expect, it } from 'vitest';
import {
  axisAngle, axisScale, buildRadarData, INNER_RADIUS, LABEL_OFFSET, scaleRadius, type RadarSeries,
} from '../../src/report/radar/data.ts';
import { LLAVA_RADAR_AXES, orderAxes } from '../../src/report/radar/axes.ts';

const axes = ['A', 'B', 'C', 'D'];
const full: RadarSeries = { name: 'm1', kind: 'measured', values: { A: 80, B: 60, C: 40, D: 20 } };
const gappy: RadarSeries = { name: 'm2', kind: 'published', values: { A: 70, B: null, C: 50, D: 30 } };

describe('axis scaling', () => {
  it('puts the floor at the inner ring, the ceiling at the outer ring and clamps outside values', () => {
    const s = { axis: 'A', floor: 50, ceil: 100 };
    expect(scaleRadius(50, s)).toBeCloseTo(INNER_RADIUS);
    expect(scaleRadius(100, s)).toBeCloseTo(1);
    expect(scaleRadius(75, s)).toBeCloseTo(INNER_RADIUS + (1 - INNER_RADIUS) / 2);
    expect(scaleRadius(10, s)).toBeCloseTo(INNER_RADIUS);
    expect(scaleRadius(500, s)).toBe(1);
  });

  it('derives floor 10% below the worst and ceiling 2% above the best, like the LLaVA-1.5 figure', () => {
    expect(axisScale('VQAv2', [78.2, 80])).toEqual({ axis: 'VQAv2', floor: expect.closeTo(70.38, 6), ceil: expect.closeTo(81.6, 6) });
    // the best model sits near but not on the outer ring
    const s = axisScale('x', [60, 80]);
    expect(scaleRadius(80, s)).toBeLessThan(1);
    expect(scaleRadius(80, s)).toBeGreaterThan(0.95);
  });

  it('uses fixed ranges when given and never divides by zero', () => {
    expect(axisScale('A', [1, 2], [0, 100])).toEqual({ axis: 'A', floor: 0, ceil: 100 });
    const flat = axisScale('A', [0, 0]);
    expect(flat.ceil).toBeGreaterThan(flat.floor);
    expect(Number.isFinite(scaleRadius(0, flat))).toBe(true);
  });

  it('scales each axis independently (MME in the thousands beside percentages)', () => {
    const d = buildRadarData(['MME', 'GQA'], [
      { name: 'a', kind: 'measured', values: { MME: 1531.3, GQA: 63.3 } },
      { name: 'b', kind: 'measured', values: { MME: 1293.8, GQA: 49.5 } },
    ]);
    const r = (s: string, ax: string) => d.points.find((p) => p.series === s && p.axis === ax && p.idx < 2)!.r!;
    expect(r('a', 'MME')).toBeCloseTo(r('a', 'GQA'), 1);
    expect(r('b', 'MME')).toBeLessThan(0.5);
  });
});

describe('geometry and axis order', () => {
  it('starts at 12 o\'clock and goes clockwise', () => {
    const d = buildRadarData(axes, [full]);
    expect(d.axes.map((a) => a.axis)).toEqual(axes);
    expect(d.axes[0]).toMatchObject({ x: expect.closeTo(0, 9), y: expect.closeTo(1, 9), align: 'center' });
    expect(d.axes[1]).toMatchObject({ x: expect.closeTo(1, 9), y: expect.closeTo(0, 9), align: 'left' });
    expect(d.axes[3]).toMatchObject({ x: expect.closeTo(-1, 9), align: 'right' });
    expect(axisAngle(3, 12)).toBeCloseTo(0); // SQA-IMG at 3 o'clock in the 12-axis figure
  });

  it('orders known axes like the paper figure, unknown ones after', () => {
    expect(orderAxes(['custom', 'MME', 'VQAv2', 'MM-Vet'])).toEqual(['VQAv2', 'MME', 'MM-Vet', 'custom']);
    expect(orderAxes(LLAVA_RADAR_AXES)).toEqual([...LLAVA_RADAR_AXES]);
  });

  it('adds a closing row that repeats the first axis so complete series close', () => {
    const d = buildRadarData(axes, [full]);
    const pts = d.points.filter((p) => p.series === 'm1');
    expect(pts).toHaveLength(axes.length + 1);
    expect(pts[4]).toMatchObject({ idx: 4, axis: 'A', x: pts[0]!.x, y: pts[0]!.y });
  });

  it('draws closed rings with one more point than axes', () => {
    const d = buildRadarData(axes, [full]);
    const rings = new Set(d.rings.map((r) => r.ring));
    expect(rings.size).toBe(5);
    expect(d.rings.filter((r) => r.ring === 1)).toHaveLength(5);
  });
});

describe('missing values', () => {
  it('leaves x/y null at a missing value so the line breaks instead of drawing a chord', () => {
    const d = buildRadarData(axes, [full, gappy]);
    const b = d.points.find((p) => p.series === 'm2' && p.axis === 'B')!;
    expect(b).toMatchObject({ value: null, r: null, x: null, y: null, label: 'n/a' });
    const neighbours = d.points.filter((p) => p.series === 'm2' && (p.axis === 'A' || p.axis === 'C'));
    expect(neighbours.every((p) => p.x !== null)).toBe(true);
    expect(d.missing).toEqual([expect.objectContaining({ series: 'm2', axis: 'B', text: 'n/a' })]);
  });

  it('ignores missing values when choosing the axis range', () => {
    const d = buildRadarData(axes, [full, gappy]);
    expect(d.scales[1]).toMatchObject({ floor: 54, ceil: expect.closeTo(61.2, 9) });
  });
});

describe('label placement', () => {
  it('labels only the best raw value per axis by default, just outside its point', () => {
    const d = buildRadarData(axes, [full, gappy]);
    expect(d.labels.map((l) => `${l.axis}:${l.series}:${l.text}`)).toEqual(['A:m1:80.0', 'B:m1:60.0', 'C:m2:50.0', 'D:m2:30.0']);
    const a = d.labels[0]!;
    const pa = d.points.find((p) => p.series === 'm1' && p.axis === 'A')!;
    expect(a.y).toBeCloseTo(pa.r! + LABEL_OFFSET);
    expect(a).toMatchObject({ align: 'center', baseline: 'bottom' });
    expect(d.labels[1]).toMatchObject({ align: 'left', baseline: 'middle' });
    expect(d.labels[2]).toMatchObject({ align: 'center', baseline: 'top' });
    expect(d.labels[3]).toMatchObject({ align: 'right' });
  });

  it('labels every series with labels: all, none with labels: none', () => {
    expect(buildRadarData(axes, [full, gappy], { labels: 'all' }).labels).toHaveLength(7);
    expect(buildRadarData(axes, [full, gappy], { labels: 'none' }).labels).toHaveLength(0);
  });

  it('prints raw values, not normalised radii (MME keeps its scale)', () => {
    const d = buildRadarData(['MME'], [{ name: 'x', kind: 'published', values: { MME: 1531.3 } }]);
    expect(d.labels[0]!.text).toBe('1531.3');
  });
});

describe('missing marks option', () => {
  it('can leave out the n/a marks for sparse overlays while still breaking the line', () => {
    const d = buildRadarData(axes, [full, gappy], { missingMarks: false });
    expect(d.missing).toEqual([]);
    expect(d.points.find((p) => p.series === 'm2' && p.axis === 'B')!.x).toBeNull();
  });
});
