import { describe, expect, it } from 'vitest';
import { renderRadarSpec } from '../../src/report/radar/spec.ts';
import { specToSvg, svgToPng } from '../../src/report/render.ts';
import { LLAVA_RADAR_AXES } from '../../src/report/radar/axes.ts';

const series = [
  { name: 'LLaVA-1.5-13B', kind: 'published' as const, values: { VQAv2: 80, GQA: 63.3, VizWiz: 53.6, 'SQA-IMG': 71.6, TextVQA: 61.3, POPE: 85.9, MME: 1531.3, MMBench: 67.7, 'MMBench-CN': 63.6, 'SEED-Bench': 61.6, 'LLaVA-Bench': 72.5, 'MM-Vet': 36.1 } },
  { name: 'InstructBLIP', kind: 'published' as const, values: { GQA: 49.5, VizWiz: 33.4, 'SQA-IMG': 63.1, TextVQA: 50.7, POPE: 78.9, 'SEED-Bench': 53.4, 'MM-Vet': 25.6 } },
  { name: 'tiny <b>model</b>', kind: 'measured' as const, values: { 'SQA-IMG': 30.5, TextVQA: 2.5 } },
];

type Layer = { data?: { name: string }; mark: { type: string; strokeWidth?: number }; encoding: Record<string, unknown> };

describe('renderRadarSpec', () => {
  const spec = renderRadarSpec({ title: 'Radar', axes: LLAVA_RADAR_AXES, series }) as unknown as {
    config: { font: string }; datasets: Record<string, Array<Record<string, unknown>>>; layer: Layer[];
  };

  it('pins the font and carries rings, spokes, names, lines, points, labels and n/a marks', () => {
    expect(spec.config.font).toBe('DejaVu Sans');
    expect(spec.layer.map((l) => l.mark.type)).toEqual(['line', 'rule', 'text', 'line', 'point', 'text', 'text']);
    expect(spec.datasets.axes!.map((a) => a.axis)).toEqual([...LLAVA_RADAR_AXES]);
  });

  it('colours series in the given order with a legend and dashes published series', () => {
    const line = spec.layer[3]!;
    const color = line.encoding.color as { scale: { domain: string[] }; legend: unknown };
    expect(color.scale.domain).toEqual(series.map((s) => s.name));
    expect(color.legend).not.toBeNull();
    const dash = line.encoding.strokeDash as { scale: { domain: string[]; range: number[][] } };
    expect(dash.scale.domain).toEqual(['measured', 'published']);
  });

  it('keeps nulls in the series data (breaks) rather than filtering them', () => {
    const pts = spec.datasets.points!.filter((p) => p.series === 'InstructBLIP');
    expect(pts).toHaveLength(13);
    expect(pts.filter((p) => p.x === null).map((p) => p.axis)).toEqual(['VQAv2', 'MME', 'MMBench', 'MMBench-CN', 'LLaVA-Bench', 'VQAv2']);
  });
});

describe('rendered SVG', () => {
  it('shows every axis name, every series in the legend, raw labels, and broken paths for gaps', async () => {
    const svg = await specToSvg(renderRadarSpec({ axes: LLAVA_RADAR_AXES, series }));
    expect(svg.startsWith('<svg')).toBe(true);
    for (const axis of LLAVA_RADAR_AXES) expect(svg).toContain(`>${axis}<`);
    expect(svg).toContain('>LLaVA-1.5-13B<');
    expect(svg).toContain('>InstructBLIP<');
    expect(svg).toContain('>1531.3<'); // raw MME value, not a radius
    expect(svg).toContain('font-family="DejaVu Sans');
    // names from runs are escaped by the renderer
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('tiny &lt;b&gt;model&lt;/b&gt;');
    // InstructBLIP's line (blue, 2nd colour) has several sub-paths: the gaps break it
    const blue = [...svg.matchAll(/<path[^>]*d="([^"]+)"[^>]*stroke="#1f77b4"/g)].map((m) => m[1]!).sort((a, b) => b.length - a.length)[0]!;
    expect(blue.match(/M/g)!.length).toBeGreaterThan(1);
    // LLaVA-1.5-13B (red) is complete: one closed path
    const red = [...svg.matchAll(/<path[^>]*d="([^"]+)"[^>]*stroke="#d62728"/g)].map((m) => m[1]!).sort((a, b) => b.length - a.length)[0]!;
    expect(red.match(/M/g)!.length).toBe(1);
  });

  it('converts to PNG with sharp', async () => {
    const png = await svgToPng(await specToSvg(renderRadarSpec({ axes: ['A', 'B', 'C'], series: [{ name: 'x', kind: 'measured', values: { A: 1, B: 2, C: 3 } }] })));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const { default: sharp } = await import('sharp');
    const meta = await sharp(png).metadata();
    expect(meta.width).toBeGreaterThan(500);
  });
});
