import type { RunSummary, SuiteSummary } from '../core/record.ts';
import { invalidReason } from '../report/pivot.ts';
import { displayText } from '../report/units.ts';

/**
 * The terminal summary: one line per model × suite that fits a 100-column terminal, with the notes
 * as a numbered footnote list under the table (a note repeated on several rows is listed once). Values
 * follow the report's unit convention (percent with one decimal, ms, tok/s).
 */
export const TERMINAL_WIDTH = 100;

/** The table's width: a wider terminal's own (no clipped model ids), else 100 (logs, pipes, CI). */
export function tableWidth(out: unknown): number {
  const columns = (out as { isTTY?: boolean; columns?: number }).columns;
  return (out as { isTTY?: boolean }).isTTY && typeof columns === 'number' && columns > TERMINAL_WIDTH ? columns : TERMINAL_WIDTH;
}

const clip = (s: string, w: number) => (s.length <= w ? s : `${s.slice(0, Math.max(1, w - 1))}…`);

/** Notes worth a footnote: the first (the suite's own summary line) and any that say a number is not to be trusted. */
function rowNotes(r: SuiteSummary): string[] {
  const notes = r.notes ?? [];
  const out = notes.slice(0, 1);
  for (const n of notes.slice(1)) if (/INVALID|doubtful|failed|could not|error/i.test(n)) out.push(n);
  return out;
}

/** "c1, c2, c4 INVALID: <first reason>": one footnote for a perf suite's invalid load points. */
function invalidNote(r: SuiteSummary): string | undefined {
  const lines = (r.notes ?? []).filter((n) => /^\S+ INVALID: /.test(n));
  if (lines.length > 1) {
    const loads = lines.map((n) => n.split(' ')[0]);
    return `${loads.join(', ')} INVALID: ${lines[0]!.replace(/^\S+ INVALID: /, '')}${lines.length > 1 ? ' (likewise for the others)' : ''}`;
  }
  return lines[0] ?? invalidReason(r);
}

function wrap(text: string, width: number, indent: string): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) { out.push(line); line = word; } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out.map((l, i) => (i === 0 ? l : indent + l));
}

export function formatSummaryTable(summary: RunSummary, width = TERMINAL_WIDTH): string {
  const notes: string[] = [];
  const ref = (n: string) => { let i = notes.indexOf(n); if (i < 0) { i = notes.length; notes.push(n); } return i + 1; };
  const rows = summary.results.map((r) => {
    const key = r.headline ?? Object.keys(r.metrics)[0];
    const m = key ? r.metrics[key] : undefined;
    // Invalid load points are named even when the headline survives (taken from the valid ones).
    const invalid = invalidNote(r);
    const own = rowNotes(r).filter((n) => !/^\S+ INVALID: /.test(n));
    // Scores compare only within one prompt provenance: a server-rendered or raw prompt gets a footnote.
    const provenance = r.promptSource && r.promptSource !== 'client' ? [`prompt: ${r.promptSource}, not the family template the harness renders (not comparable with client-rendered or published scores)`] : [];
    const refs = [...own, ...provenance, ...(invalid ? [invalid] : [])].map(ref);
    const value = invalid && (!m || m.value === null) ? 'invalid' : displayText(m);
    return [r.model, r.suite, key ?? '—', value, String(r.n), String(r.errors), refs.join(',')];
  });
  const header = ['model', 'suite', 'metric', 'value [95% CI]', 'n', 'err', 'notes'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // Too wide: shorten the name columns (model, metric, suite), longest first, never below 8.
  const total = () => widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  while (total() > width) {
    const i = [0, 2, 1].reduce((best, k) => (widths[k]! > widths[best]! ? k : best), 0);
    if (widths[i]! <= 8) break;
    widths[i]!--;
  }
  const right = new Set([4, 5]);
  const line = (cells: string[]) => cells.map((c, i) => (right.has(i) ? clip(c, widths[i]!).padStart(widths[i]!) : clip(c, widths[i]!).padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  if (notes.length) {
    out.push('');
    notes.forEach((n, i) => {
      const tag = `[${i + 1}] `;
      out.push(...wrap(n, width - tag.length, ' '.repeat(tag.length)).map((l, j) => (j === 0 ? tag + l : l)));
    });
  }
  return out.join('\n');
}
