import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRunReport, writeReport } from '../../src/report/index.ts';
import type { SamplePayload } from '../../src/report/samples.ts';
import { writeRunFixture, type RunFixture } from '../helpers/run-fixture.ts';

export const HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';

let tmp: string;
let fx: RunFixture;
let html: string;

function payloadOf(page: string): SamplePayload {
  const m = page.match(/<script type="application\/json" id="vlmbench-samples">([\s\S]*?)<\/script>/);
  return JSON.parse(m![1]!) as SamplePayload;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vlmbench-report-'));
  fx = await writeRunFixture({
    dir: path.join(tmp, 'run-a'), models: ['tiny-gguf', 'tiny-onnx'],
    suites: ['scienceqa', 'ocr', 'conversation', 'pope', 'latency', 'throughput'], samplesPerSuite: 24, imagesPerSuite: 4,
    mutate: (r) => (r.sampleId === 'scienceqa-3'
      ? { ...r, output: HOSTILE, reference: `</script>${HOSTILE}`, input: { text: `Q ${HOSTILE}`, images: [`<img src=x onerror=alert(1)>.jpg`] } }
      : r),
  });
  const file = await writeRunReport(fx.dir);
  html = await readFile(file, 'utf8');
}, 60_000);

afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

describe('writeRunReport', () => {
  it('writes <runDir>/report.html', async () => {
    expect((await stat(path.join(fx.dir, 'report.html'))).size).toBeGreaterThan(10_000);
  });

  it('is self-contained: no external URLs loaded, CSP forbids the network', () => {
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="(https?:|file:|\/\/)/);
    expect(html).not.toMatch(/src="[^"d][^"]*"/); // every src is a data: URI
  });

  it('has the radar charts inline with SVG and PNG downloads', () => {
    expect(html).toContain('data-chart="radar-measured"');
    expect(html).toMatch(/<figure class="chart" id="chart-radar-measured"[^>]*><svg/);
    expect(html).toContain('download="radar-measured.svg" href="data:image/svg+xml;base64,');
    expect(html).toContain('download="radar-measured.png" href="data:image/png;base64,');
    for (const axis of ['SQA-IMG', 'TextVQA', 'POPE', 'LLaVA-Bench']) expect(html).toContain(`>${axis}</text>`);
  });

  it('overlays the published LLaVA-family figure by default', () => {
    expect(html).toContain('id="published"');
    expect(html).toContain('data-chart="radar-published-0"');
    expect(html).toContain('data-chart="radar-overlay-0"');
    expect(html).toContain('LLaVA-1.5-13B (published)');
    expect(html).toContain('>1531.3<'); // MME label of the published figure
    expect(html).toMatch(/unverified/);
  });

  it('opens with the model × benchmark pivot: percent with one decimal, interval and n on hover, errors flagged', () => {
    const sqa = fx.summary.results.find((r) => r.model === 'tiny-onnx' && r.suite === 'scienceqa')!;
    const acc = sqa.metrics.accuracy!;
    const pivot = html.slice(html.indexOf('<table class="pivot">'), html.indexOf('</table>', html.indexOf('<table class="pivot">')));
    // header in the radar's order, then the speed columns
    expect([...pivot.matchAll(/<th[^>]*>([^<]+)/g)].map((m) => m[1]).slice(0, 5)).toEqual(['model', 'SQA-IMG', 'TextVQA', 'POPE', 'LLaVA-Bench']);
    const pct = (v: number) => (v * 100).toFixed(1);
    expect(pivot).toContain(`title="${pct(acc.value!)} · 95% CI [${pct(acc.ci![0])}, ${pct(acc.ci![1])}] · n ${acc.n} · ${sqa.errors} of ${sqa.n} samples errored">${pct(acc.value!)}<span class="flag">${sqa.errors} err / ${sqa.n}</span>`);
    // the better model is marked per column; published rows follow in grey
    expect(pivot).toMatch(/<td class="best" title="[^"]*">[\d.]+/);
    expect(pivot).toContain('<tr class="pub"><th class="name" title="LLaVA-1.5-13B (published)">LLaVA-1.5-13B</th><td>71.6</td>');
    expect(html).toContain('MME keeps its 0–2000 scale'); // the unit convention, stated once
  });

  it('keeps everything else in collapsed sections with real tables, never JSON', () => {
    for (const id of ['scienceqa', 'latency', 'suites', 'published', 'manifest', 'samples']) {
      expect(html).toMatch(new RegExp(`<section id="${id}"><details class="section"><summary>`));
    }
    // the official ScienceQA table: category columns in the upstream order
    const sqa = html.slice(html.indexOf('<section id="scienceqa">'), html.indexOf('</section>', html.indexOf('<section id="scienceqa">')));
    expect([...sqa.matchAll(/<th>([A-Z0-9-]+)<\/th>/g)].map((m) => m[1])).toEqual(['NAT', 'SOC', 'LAN', 'TXT', 'IMG', 'NO', 'G1-6', 'G7-12']);
    expect(sqa).toMatch(/<td[^>]*>—<\/td>/); // an empty category (the upstream -1), not "-1"
    expect(html).not.toMatch(/<pre[^>]*>\s*[{[]/); // no JSON dumps (the run's config is shown as YAML)
    // per-suite details: metrics × models with the interval and n on hover, errors in red
    expect(html).toMatch(/<span class="bad">\d+<\/span>/);
    expect(html).toMatch(/title="95% CI \[[\d.]+, [\d.]+\] · n \d+"/);
  });

  it('shows TTFT/TPOT p50/p90/p99 per model and the latency and throughput charts', () => {
    for (const id of ['ttft-cdf', 'itl-cdf', 'throughput']) expect(html).toContain(`data-chart="${id}"`);
    const lat = html.slice(html.indexOf('<table class="grid latency">'), html.indexOf('</table>', html.indexOf('<table class="grid latency">')));
    expect(lat).toContain('TTFT (ms)');
    expect(lat).toContain('TPOT (ms)');
    expect([...lat.matchAll(/<th(?: class="sep")?>(p\d+)<\/th>/g)].slice(0, 3).map((m) => m[1])).toEqual(['p50', 'p90', 'p99']);
    expect(lat).toContain('<th class="name">tiny-onnx</th><td>latency</td>');
  });

  it('shows the manifest: backends, runtime, file hashes, hardware', () => {
    expect(html).toContain(fx.manifest.models[1]!.files[0]!.sha256);
    expect(html).toContain('onnxruntime-node 1.30.0 (CPUExecutionProvider)');
    expect(html).toContain('Synthetic CPU');
    expect(html).toContain(fx.manifest.datasets.scienceqa!.hash);
  });
});

describe('sample browser data and escaping', () => {
  it('never puts run text into the page unescaped', () => {
    expect(html).not.toContain('<script>window.__pwned');
    expect(html).not.toContain('<img src=x');
    // the only </script> closers are the page's own two blocks
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });

  it('embeds every sample with the hostile text intact as data', () => {
    const p = payloadOf(html);
    expect(p.rows).toHaveLength(fx.samples.length);
    const s = (i: number) => (i < 0 ? '' : p.strings[i]!);
    const row = p.rows.find((r) => s(r[2]) === 'scienceqa-3' && p.series[r[0]] === 'tiny-onnx')!;
    expect(s(row[4])).toBe(HOSTILE);
    expect(s(row[5])).toBe(`</script>${HOSTILE}`);
    expect(s(row[3])).toContain('<img src=x onerror=alert(1)>.jpg');
    expect(row[8]).toBe(-1); // no such image: no thumbnail, and never a link to a local file
  });

  it('makes one small JPEG thumbnail per distinct image', () => {
    const p = payloadOf(html);
    expect(p.thumbs.length).toBe(4 * 4); // 4 images × 4 quality suites, shared by both models
    expect(p.thumbs.every((t) => t.startsWith('data:image/jpeg;base64,') && t.length < 8000)).toBe(true);
    const withThumb = p.rows.filter((r) => r[8] >= 0);
    expect(new Set(withThumb.map((r) => r[8])).size).toBe(p.thumbs.length);
  });

  it('marks right, wrong and error rows for filtering', () => {
    const p = payloadOf(html);
    const verdicts = new Set(p.rows.map((r) => p.verdicts[r[7]]));
    for (const v of ['right', 'wrong', 'error', 'partial']) expect(verdicts.has(v)).toBe(true);
  });
});

describe('writeReport options', () => {
  it('writes to --out and can leave out published scores', async () => {
    const out = path.join(tmp, 'nested', 'r.html');
    expect(await writeReport([fx.dir], { out, published: [], png: false, samples: false })).toBe(out);
    const page = await readFile(out, 'utf8');
    expect(page).not.toContain('id="published"');
    expect(page).not.toContain('id="vlmbench-samples"');
    expect(page).not.toContain('data:image/png');
  });
});
