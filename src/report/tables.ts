import { escapeHtml as e } from './escape.ts';
import type { PublishedScores } from './published.ts';
import { publishedRows } from './published.ts';

/** A plain table; cells are HTML the caller has already escaped. */
export function table(head: string[], rows: string[][], cls = ''): string {
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

/** Every published value with its source and verification flag. */
export function publishedSourcesTable(pub: PublishedScores): string {
  const rows = publishedRows(pub).map((r) => [
    e(r.model), e(r.axis), r.value.toString(), r.unverified ? '<span class="warn">unverified</span>' : 'checked',
    r.trainSeen ? 'train images seen (*)' : '', e(r.note ?? ''),
    r.url ? `<span class="src" title="${e(r.url)}">${e(r.sourceTitle)}</span>` : e(r.sourceTitle),
  ]);
  return `<details><summary>Published values and sources (${rows.length}, from ${e(pub.file.split('/').pop())})</summary>` +
    table(['model', 'axis', 'value', 'status', '', 'note', 'source'], rows) + '</details>';
}
