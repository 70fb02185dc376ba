import path from 'node:path';
import { loadRun, RUN_FILES, writeOutputFile, type LoadedRun } from '../results/files.ts';
import { escapeHtml as e } from './escape.ts';
import { llavaBenchTable, ocrbenchTable, scienceqaTable, suiteDetails } from './details.ts';
import { latencySection } from './latency-section.ts';
import { manifestSection } from './manifest-section.ts';
import { chartHtml, renderPage, SAMPLES_SECTION_HTML, type PageSection, type ReportPage } from './page.ts';
import { DEFAULT_PUBLISHED_FILE, loadPublished, publishedSeries, resolvePublished, type PublishedScores } from './published.ts';
import { buildPivot, pivotHtml } from './pivot.ts';
import { mergeIdentical } from './radar/data.ts';
import { renderRadarSpec } from './radar/spec.ts';
import { renderChart, type RenderedChart } from './render.ts';
import { buildSamplePayload, type SamplePayloadOptions } from './samples.ts';
import { measuredRadar, modelSeries, type ModelSeries } from './series.ts';
import { publishedSourcesTable } from './tables.ts';
import { UNIT_LEGEND } from './units.ts';
import { pairVerdicts, verdictHtml } from './verdict.ts';

export interface ReportOptions {
  /** Output HTML file. */
  out?: string;
  /** Published score files to overlay; undefined = the bundled LLaVA-family file, [] = none. */
  published?: string[];
  title?: string;
  /** PNG copies of every chart (default true). */
  png?: boolean;
  samples?: SamplePayloadOptions | false;
  /** Sections placed after the overview (compare adds its tables here). */
  extraSections?: PageSection[];
  /** Extra charts for the overview. */
  extraCharts?: RenderedChart[];
  /**
   * Fixed [floor, ceil] per radar axis for the measured radar (e.g. { 'SQA-IMG': [0, 100] }), so charts
   * of successive runs are comparable; axes not listed scale from the data.
   */
  radarRanges?: Record<string, [number, number]>;
}

/**
 * Radar charts: measured series, the published figure, and published + measured overlaid. Charts render
 * concurrently: SVG on the main thread, PNG on sharp's thread pool. Identical measured series are drawn
 * once with a combined legend entry.
 */
async function radarCharts(series: readonly ModelSeries[], published: readonly PublishedScores[], png: boolean, ranges?: ReportOptions['radarRanges']) {
  const measured = measuredRadar(series);
  const merged = mergeIdentical(measured.series, measured.axes);
  const hasValues = measured.series.some((s) => Object.keys(s.values).length > 0);
  const measuredCharts: Array<Promise<RenderedChart>> = [];
  if (measured.axes.length >= 3 && hasValues) {
    measuredCharts.push(renderChart('radar-measured', 'Measured headline scores',
      renderRadarSpec({ title: 'Measured headline scores', axes: measured.axes, series: merged.series, ranges, width: 440, height: 380 }), { png }));
  }
  const publishedCharts: Array<Promise<RenderedChart>> = [];
  for (const [i, pub] of published.entries()) {
    const fig = publishedSeries(pub);
    publishedCharts.push(renderChart(`radar-published-${i}`, fig.title,
      renderRadarSpec({ title: fig.title, axes: pub.axes, series: fig.series }), { png }));
    // A published figure used the client's template: scores rendered by a server's own are marked.
    const serverRendered = new Set(series.filter((s) => s.run.summary.results.some((r) => r.model === s.model && r.promptSource && r.promptSource !== 'client')).map((s) => s.name));
    const onAxes = merged.series.filter((s) => pub.axes.some((a) => s.values[a] !== undefined))
      .map((s) => (serverRendered.has(s.name) ? { ...s, name: `${s.name} (server template)` } : s));
    if (onAxes.length > 0) {
      const title = `${fig.title} + this report's models`;
      publishedCharts.push(renderChart(`radar-overlay-${i}`, title,
        // Published first so each keeps its colour from the figure above; measured lines are solid.
        renderRadarSpec({ title, axes: pub.axes, series: [...fig.series, ...onAxes], missingMarks: false }), { png }));
    }
  }
  return { measured: await Promise.all(measuredCharts), published: await Promise.all(publishedCharts), merged: merged.merged };
}

function mergedNote(merged: Map<string, string[]>): string {
  if (merged.size === 0) return '';
  return `<p class="small">Drawn once: ${[...merged].map(([name, names]) => `<b>${e(name)}</b> = ${names.map(e).join(', ')}`).join('; ')}.</p>`;
}

const RADAR_NOTE = 'Radar axes are scaled independently (floor 10% below the worst value, ceiling 2% above the best); labels show the best value per axis; a gap in a line is a benchmark that was not measured.';

/** Assemble the report page for loaded runs (pure over the runs, apart from reading images). */
export async function buildReportPage(runs: readonly LoadedRun[], opts: ReportOptions = {}): Promise<ReportPage> {
  const png = opts.png ?? true;
  const series = modelSeries(runs);
  // Thumbnails (sharp thread pool) start first and overlap with chart rendering.
  const samplesPending = opts.samples === false ? undefined : buildSamplePayload(series, opts.samples);
  samplesPending?.catch(() => undefined); // awaited below; avoid an unhandled rejection in the meantime
  const published = await Promise.all((opts.published ?? [DEFAULT_PUBLISHED_FILE]).map((p) => loadPublished(resolvePublished(p))));
  const [radars, lat] = await Promise.all([radarCharts(series, published, png, opts.radarRanges), latencySection(series, png)]);
  const pivot = buildPivot(series, published);
  const verdicts = runs.length > 1 ? verdictHtml(pairVerdicts(series, pivot)) : '';
  const sections: PageSection[] = [];
  const charts = [...radars.measured, ...(opts.extraCharts ?? [])];
  sections.push({
    id: 'overview', title: 'Overview',
    html: `<div class="first"><div class="first-table">${pivotHtml(pivot)}${verdicts}` +
      `<p class="small legend">${e(UNIT_LEGEND)} <b>Bold</b> = best in its column; ↑/↓ = higher/lower is better; grey rows are published reference numbers (they reproduce only loosely: template, prompt and judge differ).</p></div>` +
      `<div class="first-chart">${charts.map(chartHtml).join('')}${mergedNote(radars.merged)}` +
      (radars.measured.length ? `<p class="small">${RADAR_NOTE}</p>` : '<p class="small">A radar needs at least three benchmarks; see the table.</p>') + '</div></div>',
  });
  sections.push(...(opts.extraSections ?? []));
  const sqa = scienceqaTable(series, published);
  if (sqa) sections.push({ id: 'scienceqa', title: 'ScienceQA categories', collapsed: true, html: sqa });
  const lb = llavaBenchTable(series);
  if (lb) sections.push({ id: 'llava-bench', title: 'LLaVA-Bench by category', collapsed: true, html: lb });
  const ocr = ocrbenchTable(series);
  if (ocr) sections.push({ id: 'ocrbench', title: 'OCRBench by type', collapsed: true, html: ocr });
  if (lat) sections.push({ id: 'latency', title: 'Latency and throughput', collapsed: true, html: lat });
  sections.push({ id: 'suites', title: 'Per-suite details', collapsed: true, html: suiteDetails(series) || '<p>No summaries in these runs.</p>' });
  if (published.length) {
    sections.push({
      id: 'published', title: 'Published reference scores', collapsed: true,
      html: `<div class="charts">${radars.published.map(chartHtml).join('')}</div>` +
        '<p class="small">Dashed lines are published numbers, solid lines measured ones. Published numbers reproduce only loosely (template, prompt suffix, judge and split differences); use them as a sanity reference, gate against your own baseline runs.</p>' +
        published.map((p) => publishedSourcesTable(p)).join(''),
    });
  }
  sections.push({ id: 'manifest', title: 'Run manifest', collapsed: true, html: runs.map(manifestSection).join('') });
  const samples = await samplesPending;
  if (samples) {
    const note = samples.thumbsSkipped ? `<p class="small">${samples.thumbsSkipped} images have no thumbnail (size cap).</p>` : '';
    sections.push({ id: 'samples', title: 'Samples', collapsed: true, html: SAMPLES_SECTION_HTML + note });
  }
  const ids = runs.map((r) => r.summary.runId).join(', ');
  return { title: opts.title ?? `vlmbench report — ${ids}`, subtitle: `${series.length} model series · runs: ${ids}`, sections, samples };
}

export async function renderReport(runs: readonly LoadedRun[], opts: ReportOptions = {}): Promise<string> {
  return renderPage(await buildReportPage(runs, opts));
}

/** Load run directories, write one HTML report, return its path (default: <first run>/report.html). */
export async function writeReport(runDirs: readonly string[], opts: ReportOptions = {}): Promise<string> {
  const runs = await Promise.all(runDirs.map((d) => loadRun(d)));
  const out = path.resolve(opts.out ?? path.join(runs[0]!.dir, RUN_FILES.report));
  const html = await renderReport(runs, opts);
  await writeOutputFile(out, html);
  return out;
}

/**
 * Called by the runner at the end of every run. Returns the HTML path (default <runDir>/report.html).
 * `published` lists published-score files (paths or bundled names such as 'llava-family'); absent means
 * the bundled LLaVA-family file (the config default too), an empty list means no overlay.
 */
export async function writeRunReport(runDir: string, opts: { out?: string; published?: string[] } = {}): Promise<string> {
  return writeReport([runDir], { out: opts.out, published: opts.published });
}
