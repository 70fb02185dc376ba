import type { TopLevelSpec } from 'vega-lite';

/** A chart ready for the page: inline SVG plus export copies. */
export interface RenderedChart {
  id: string;
  title: string;
  svg: string;
  /** PNG bytes (sharp, from the SVG), when requested. */
  png?: Buffer;
  /** Vega-Lite warnings collected while compiling (never printed to the console). */
  warnings: string[];
}

/** Vega-Lite logger that collects warnings instead of writing to stderr. */
function collectingLogger(warnings: string[]) {
  let level = 0;
  const logger = {
    level(l?: number) { if (l === undefined) return level; level = l; return logger; },
    error(...args: unknown[]) { warnings.push(args.map(String).join(' ')); return logger; },
    warn(...args: unknown[]) { warnings.push(args.map(String).join(' ')); return logger; },
    info() { return logger; },
    debug() { return logger; },
  };
  return logger;
}

/** Compile a Vega-Lite spec and render it headless to SVG (no canvas; vega and vega-lite load lazily). */
export async function specToSvg(spec: TopLevelSpec, warnings: string[] = []): Promise<string> {
  const [vl, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  const compiled = vl.compile(spec, { logger: collectingLogger(warnings) as never });
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none', logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * SVG → PNG through sharp (librsvg + fontconfig; the spec pins DejaVu Sans, so the result does not
 * depend on the machine's default sans font). density 144 = 1.5× the SVG's pixel size.
 */
export async function svgToPng(svg: string, density = 144): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  // Default zlib settings: palette quantisation halves the size but costs 3–5× the time.
  return sharp(Buffer.from(svg), { density }).png().toBuffer();
}

export async function renderChart(
  id: string, title: string, spec: TopLevelSpec, opts: { png?: boolean } = {},
): Promise<RenderedChart> {
  const warnings: string[] = [];
  const svg = await specToSvg(spec, warnings);
  let png: Buffer | undefined;
  if (opts.png !== false) {
    // A PNG copy is a convenience: a rasteriser failure must not cost the report its charts.
    png = await svgToPng(svg).catch((err: unknown) => {
      warnings.push(`PNG export failed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    });
  }
  return { id, title, svg, png, warnings };
}
