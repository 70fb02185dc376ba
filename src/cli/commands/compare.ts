import path from 'node:path';
import { compareMany } from '../../compare/compare.ts';
import { runModels } from '../../compare/pair.ts';
import { renderComparisonHtml } from '../../compare/render-html.ts';
import { renderComparisonMarkdown } from '../../compare/render-md.ts';
import { renderComparisonText } from '../../compare/render-text.ts';
import { UsageError } from '../../core/errors.ts';
import { resolvePublished } from '../../report/published.ts';
import { consistencyChecks, modelChanges } from '../../gate/consistency.ts';
import { DEFAULT_POLICY } from '../../gate/policy.ts';
import { loadRun, writeOutputFile, type LoadedRun } from '../../results/files.ts';
import { defineCommand, parseCommandArgs, print } from '../command.ts';
import { loadSuiteCatalog } from '../suite-catalog.ts';

const FORMATS = ['text', 'md', 'html'] as const;

export const compareCommand = defineCommand({
  name: 'compare',
  summary: 'compare runs side by side: deltas, paired significance, flipped samples, radar overlay',
  help: `Usage: vlmbench compare <baseline-run-dir> <run-dir> [<run-dir>...] [--format text|md|html] [--out FILE]

The first run is the baseline; every other run is compared with it, model by model (same id, or the
single model of each run). Per benchmark: every metric's delta, and the test the suite declares for its
headline on the per-sample scores it is computed from (exact McNemar with one- and two-sided p for
right/wrong items, paired bootstrap of the mean or the ratio of means for graded scores, clustered by
image; per-request distributions for latency/throughput when the hardware matches), Holm's adjustment
across benchmarks, and the samples that flipped. Runs whose samples do not match (different datasets)
fall back to an unpaired test, labelled as such.

Options:
  --format F        text (default, terminal table), md (Markdown for CI pages), html (self-contained page
                    with the radar overlay)
  --out FILE        write to FILE instead of stdout (html default: reports/compare-<baseline>-vs-<run>.html)
  --iterations N    paired bootstrap resamples (default 2000)
  --seed N          bootstrap seed (default 0)
  --published FILE  published scores to overlay in html (repeatable; default the LLaVA-family file)
  --no-published    leave published scores out of html

Examples:
  vlmbench compare results/baseline results/today
  vlmbench compare results/gguf-q4 results/onnx-fp16 --format md --out compare.md`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      format: { type: 'string', default: 'text' },
      out: { type: 'string' },
      iterations: { type: 'string' },
      seed: { type: 'string' },
      published: { type: 'string', multiple: true },
      'no-published': { type: 'boolean' },
    });
    const format = values.format as (typeof FORMATS)[number];
    if (!FORMATS.includes(format)) throw new UsageError(`unknown --format '${values.format}'`, { field: '--format', hint: `use one of ${FORMATS.join(', ')}` });
    if (positionals.length < 2) throw new UsageError('compare needs a baseline run directory and at least one other', { hint: 'vlmbench compare results/<baseline> results/<run>' });
    // Zero resamples would give every graded benchmark p = 1 ("same"): iterations start at 1.
    const int = (v: string | undefined, name: string, min: number) => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) {
        throw new UsageError(`--${name} must be a ${min > 0 ? 'positive' : 'non-negative'} integer, got '${v}'`, { field: `--${name}` });
      }
      return n;
    };
    const resolve = (p: string) => path.resolve(io.cwd, p);
    const runs = await Promise.all(positionals.map((d) => loadRun(resolve(d))));
    // Each suite's pairing declaration comes from the suite registry (or the run's own suite module).
    const { pairings } = await loadSuiteCatalog(runs.map((x) => x.manifest), runs.flatMap((x) => x.summary.results.map((res) => res.suite)));
    const comparisons = compareMany(runs, { pairings, iterations: int(values.iterations, 'iterations', 1), seed: int(values.seed, 'seed', 0) });
    // Nothing paired would print an empty table and exit 0, which reads as "no change".
    comparisons.forEach((c, i) => {
      if (c.pairs.length > 0) return;
      const ids = (r: (typeof runs)[number]) => runModels(r).join(', ') || '(none)';
      throw new UsageError(`no model of ${positionals[i + 1]} pairs with one of ${positionals[0]}`, {
        file: runs[i + 1]!.dir,
        hint: `baseline models: ${ids(runs[0]!)}; this run's models: ${ids(runs[i + 1]!)}. Models pair by id, or one to one when both runs have the same number of unmatched models`,
      });
    });
    // What `gate` would refuse or report: evaluation differences make the deltas not comparable.
    const cautions = comparisons.flatMap((c, i) => comparability(runs[0]!, runs[i + 1]!, c.pairs.map((p) => [p.baseline, p.current] as [string, string])));
    for (const line of cautions) print(io.stderr, line);
    let out = values.out ? resolve(values.out) : undefined;
    let text: string;
    if (format === 'html') {
      out ??= path.join(io.cwd, 'reports', `compare-${runs[0]!.summary.runId}-vs-${runs[runs.length - 1]!.summary.runId}.html`.replace(/[^A-Za-z0-9._-]+/g, '_'));
      text = await renderComparisonHtml(runs, comparisons, { out, published: values['no-published'] ? [] : values.published?.map((f) => resolvePublished(f, io.cwd)) });
    } else {
      text = format === 'md' ? renderComparisonMarkdown(comparisons) : renderComparisonText(comparisons);
    }
    if (out) {
      await writeOutputFile(out, text);
      print(io.stdout, out);
    } else {
      print(io.stdout, text);
    }
    return 0;
  },
});

/** Lines saying what differs between two runs beyond the model under test (same checks as `gate`). */
function comparability(base: LoadedRun, cur: LoadedRun, pairs: Array<[string, string]>): string[] {
  const notComparable = consistencyChecks(base.manifest, cur.manifest, DEFAULT_POLICY, pairs).filter((c) => c.status === 'error');
  const changes = modelChanges(base.manifest, cur.manifest, pairs);
  return [
    ...notComparable.map((c) => `caution: ${c.message} (${cur.summary.runId} vs ${base.summary.runId}); gate calls this INCONCLUSIVE`),
    ...changes.map((m) => `model under test changed (${m.model}): ${m.changes.join('; ')}`),
  ];
}

export default compareCommand;
