import { createHash } from 'node:crypto';
import { REPORT_CSS } from './assets.ts';
import { PAGE_JS } from './page-script.ts';
import { escapeHtml as e, jsonForScript } from './escape.ts';
import type { RenderedChart } from './render.ts';
import type { SamplePayload } from './samples.ts';

export interface PageSection {
  id: string;
  title: string;
  html: string;
  /** Closed until the reader opens it (or follows a link to it); the first screen stays short. */
  collapsed?: boolean;
}

export interface ReportPage {
  title: string;
  subtitle?: string;
  sections: PageSection[];
  samples?: SamplePayload;
}

function safeFileName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'chart';
}

/** An inline SVG chart with SVG and PNG downloads as data: URIs (the page stays one file). */
export function chartHtml(c: RenderedChart): string {
  const name = safeFileName(c.id);
  const svgUri = `data:image/svg+xml;base64,${Buffer.from(c.svg).toString('base64')}`;
  const links = [`<a download="${name}.svg" href="${svgUri}">SVG</a>`];
  if (c.png) links.push(`<a download="${name}.png" href="data:image/png;base64,${c.png.toString('base64')}">PNG</a>`);
  return `<figure class="chart" id="chart-${e(name)}" data-chart="${e(c.id)}">${c.svg}` +
    `<figcaption class="dl">${e(c.title)} — download ${links.join('')}</figcaption></figure>`;
}

export const SAMPLES_SECTION_HTML = `
<div class="filters">
  <label>model <select id="f-model"><option value="">all</option></select></label>
  <label>suite <select id="f-suite"><option value="">all</option></select></label>
  <label>result <select id="f-verdict"><option value="">all</option></select></label>
  <label>search <input id="f-text" type="search" placeholder="question, answer or id"></label>
  <span id="samples-count" class="small"></span>
</div>
<table class="samples"><thead><tr><th class="thumb">image</th><th>model · suite · id</th><th>prompt</th><th>answer</th><th>reference</th><th>score · result</th></tr></thead>
<tbody id="samples-body"></tbody></table>
<button id="samples-more" type="button" hidden>show more</button>`;

/**
 * The whole self-contained page. A Content-Security-Policy allows no network at all and only the one
 * inline script whose hash it names, so even a missed escape could not run injected script.
 */
export function renderPage(page: ReportPage): string {
  const scriptHash = createHash('sha256').update(PAGE_JS).digest('base64');
  const csp = `default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; base-uri 'none'; form-action 'none'`;
  const nav = page.sections.map((s) => `<a href="#${e(s.id)}">${e(s.title)}</a>`).join('');
  const body = page.sections.map((s) => (s.collapsed
    ? `<section id="${e(s.id)}"><details class="section"><summary><h2>${e(s.title)}</h2></summary>\n${s.html}\n</details></section>`
    : `<section id="${e(s.id)}"><h2>${e(s.title)}</h2>\n${s.html}\n</section>`)).join('\n');
  const data = (page.samples ? `<script type="application/json" id="vlmbench-samples">${jsonForScript(page.samples)}</script>\n` : '') + `<script>${PAGE_JS}</script>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(page.title)}</title><style>${REPORT_CSS}</style></head>
<body><header><h1>${e(page.title)}</h1>${page.subtitle ? `<div class="small">${e(page.subtitle)}</div>` : ''}</header>
<nav>${nav}</nav>
<main>
${body}
</main>
${data}
</body></html>
`;
}
