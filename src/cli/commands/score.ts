import path from 'node:path';
import { DatasetError, UsageError } from '../../core/errors.ts';
import { FieldProblem, LINE_METRICS, METRIC_NAMES, type LineOptions, type MetricName } from '../../scoring/line-metrics.ts';
import { OCRBENCH_VERSIONS, type OcrBenchVersion } from '../../scoring/ocrbench.ts';
import type { SqaMode } from '../../scoring/scienceqa.ts';
import { defineCommand, parseCommandArgs, print, type CliIO } from '../command.ts';
import { readJsonLinesAs, writeLines } from './models-jsonl.ts';

const HELP = `Usage:
  vlmbench score --metric <${METRIC_NAMES.join('|')}> --in <preds.jsonl> [--out <scores.jsonl>] [--mode llava|lenient] [--variant ocrbench|lmms-eval]
  vlmbench score --metric mmvet --in <preds.jsonl> --judge <judge-config.yaml>
  vlmbench score <run-dir> --judge <judge-config.yaml>

Re-scores a JSONL file of predictions without running a model: every input line is written back
(to --out, or stdout) with a "score" field added; a one-line summary goes to stderr.

Fields per metric:
${METRIC_NAMES.map((m) => `  ${m.padEnd(9)} ${LINE_METRICS[m].fields}`).join('\n')}

Options:
  --metric   vqa (EvalAI soft accuracy), anls (τ = 0.5), sqa (ScienceQA option extraction),
             ocrbench (substring rule, HME100k spaces), pope (eval_pope.py; per category and mean F1),
             gqa (eval.py exact match), mme (calculation.py acc + acc+, Perception/Cognition),
             mmbench (VLMEvalKit exact matching, CircularEval by index % 1e6),
             seed (exact option letter per question type), mmvet (grader scores per capability)
  --in       predictions file (JSONL, one object per line)
  --out      where to write the scored lines (default: stdout)
  --mode     sqa answer extraction: llava (official parser, default) or lenient
  --variant  ocrbench rule: ocrbench (the original OCRBench script, default) or lmms-eval (its
             ocrbench_process_results: full-width forms folded outside HME100k)
  --submission  with a run folder: write the file the benchmark's server or tool takes, from the run's
             answers (EvalAI for VQAv2/VizWiz test-dev, GQA eval.py, SEED leaderboard, MM-Vet evaluator)
  --model    with --submission: which model of the run (needed when it has several)
  --annotation  with --submission mmbench: the TSV the run asked (its rows are copied into the .xlsx)
  --judge    with a run folder: re-judge its LLaVA-Bench samples with this judge config;
             with --metric mmvet: grade lines that have no "score" with the MM-Vet grader prompt

A bad line stops the command before anything is written: exit 2, naming the file, line and field.

Examples:
  vlmbench score --metric vqa --in textvqa_preds.jsonl --out scored.jsonl
  vlmbench score --metric sqa --mode lenient --in sqa_preds.jsonl
  vlmbench score --metric ocrbench --variant lmms-eval --in ocrbench_preds.jsonl
  vlmbench score --metric mme --in mme_preds.jsonl
  vlmbench score --metric mmvet --in mmvet_preds.jsonl --judge judge.yaml`;

const OPTIONS = {
  metric: { type: 'string' },
  variant: { type: 'string' },
  in: { type: 'string' },
  out: { type: 'string' },
  mode: { type: 'string' },
  judge: { type: 'string' },
  submission: { type: 'string' },
  annotation: { type: 'string' },
  model: { type: 'string' },
} as const;

interface ParsedLine { line: number; obj: Record<string, unknown>; input: unknown }

/** Parse and validate every line first, so a bad line writes nothing. */
function readPredictions(file: string, metric: MetricName): Promise<ParsedLine[]> {
  return readJsonLinesAs(file, ({ line, obj }) => {
    try {
      return { line, obj, input: LINE_METRICS[metric].read(obj) };
    } catch (err) {
      if (!(err instanceof FieldProblem)) throw err;
      throw new DatasetError(`line ${line}: ${err.message}`, { file, line, field: err.field, hint: `--metric ${metric} reads ${LINE_METRICS[metric].fields}` });
    }
  });
}

/** MM-Vet lines without a grader score are graded with the judge (cached, retried as upstream). */
async function gradeMmvetLines(parsed: ParsedLine[], judgeConfig: string, io: CliIO): Promise<number> {
  const { readJudgeConfig } = await import('../../judge/rescore.ts');
  const { createJudge } = await import('../../judge/index.ts');
  const { gradeMmvet } = await import('../../../suites/mm-vet/suite.ts');
  const config = await readJudgeConfig(judgeConfig, io.cwd);
  const judge = await createJudge(config, { cacheDir: path.join(io.cwd, '.judge-cache'), env: io.env, log: (m) => print(io.stderr, m) });
  let failed = 0;
  try {
    await Promise.all(parsed.map(async (p) => {
      const x = p.input as { score?: number; prediction?: string; answer?: string; question?: string };
      if (x.score !== undefined) return;
      const g = await gradeMmvet(judge, { question: x.question!, answer: x.answer! }, x.prediction!);
      if (g.score === null || Number.isNaN(g.score)) { failed++; print(io.stderr, `line ${p.line}: not graded (${g.error ?? `grader replied ${JSON.stringify(g.replies.at(-1))}`})`); return; }
      x.score = g.score;
      p.obj = { ...p.obj, grader: { replies: g.replies, tries: g.tries, judge: g.judge } };
    }));
  } finally {
    await judge.close();
  }
  return failed;
}

async function scoreFile(metric: MetricName, inFile: string, outFile: string | undefined, opts: LineOptions, io: CliIO, judgeConfig?: string): Promise<number> {
  const all = await readPredictions(inFile, metric);
  if (metric === 'mmvet' && !judgeConfig) {
    const ungraded = all.find((p) => (p.input as { score?: number }).score === undefined);
    if (ungraded) throw new DatasetError(`line ${ungraded.line}: no "score"`, { file: inFile, line: ungraded.line, field: 'score', hint: 'give each line the grader score (0.0–1.0), or pass --judge <judge-config.yaml> to grade prediction/answer/question' });
  }
  const failed = metric === 'mmvet' && judgeConfig ? await gradeMmvetLines(all, judgeConfig, io) : 0;
  // A line the judge could not grade is reported above and left out; the rest are still scored.
  const parsed = failed ? all.filter((p) => (p.input as { score?: number }).score !== undefined) : all;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const m = LINE_METRICS[metric] as (typeof LINE_METRICS)[MetricName] & { score(x: any, o: LineOptions): number; summary(i: any[], s: number[]): string };
  const scores = parsed.map((p) => m.score(p.input, opts));
  const lines = parsed.map((p, i) => `${JSON.stringify({ ...p.obj, score: scores[i] })}\n`);
  await writeLines(lines, outFile, io.stdout);
  const where = outFile ? ` → ${outFile}` : '';
  print(io.stderr, `${m.summary(parsed.map((p) => p.input), scores)} [${inFile}${where}${metric === 'sqa' ? `, mode ${opts.sqaMode}` : ''}${metric === 'ocrbench' ? `, variant ${opts.ocrbenchVariant}` : ''}]`);
  return failed ? 1 : 0;
}

/** LLaVA-Bench re-judging lives with the judge; loaded only when asked for. */
async function rescore(runDir: string, judgeConfig: string, io: CliIO): Promise<number> {
  const url = new URL('../../judge/rescore.ts', import.meta.url).href;
  const mod = (await import(url)) as { rescoreRun?: (runDir: string, judgeConfigPath: string, io: CliIO) => Promise<number> };
  if (typeof mod.rescoreRun !== 'function') throw new UsageError('this build has no LLaVA-Bench re-judging (src/judge/rescore.ts)');
  return mod.rescoreRun(runDir, judgeConfig, io);
}

export const scoreCommand = defineCommand({
  name: 'score',
  summary: 'Re-score a predictions file (vqa, anls, sqa, ocrbench, pope, gqa, mme, mmbench, seed, mmvet) or re-judge a run',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS);
    if (values.metric === undefined) {
      if (positionals.length === 1 && values.submission) {
        const { writeSubmission } = await import('./score-submission.ts');
        return writeSubmission(path.resolve(io.cwd, positionals[0]!), values.submission, values.model, values.out === undefined ? undefined : path.resolve(io.cwd, values.out), io,
          values.annotation === undefined ? undefined : path.resolve(io.cwd, values.annotation));
      }
      if (positionals.length === 1 && values.judge) return rescore(path.resolve(io.cwd, positionals[0]!), path.resolve(io.cwd, values.judge), io);
      if (positionals.length === 1) throw new UsageError('re-judging a run needs --judge <config>', { hint: 'or give --metric and --in to re-score a predictions file' });
      throw new UsageError('missing --metric', { hint: `one of ${METRIC_NAMES.join(', ')}; see vlmbench score --help` });
    }
    if (!(METRIC_NAMES as string[]).includes(values.metric)) {
      throw new UsageError(`unknown --metric '${values.metric}'`, { field: '--metric', hint: `one of ${METRIC_NAMES.join(', ')}` });
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`, { hint: 'pass the predictions file with --in' });
    if (!values.in) throw new UsageError('missing --in <preds.jsonl>', { field: '--in' });
    const mode = (values.mode ?? 'llava') as SqaMode;
    if (mode !== 'llava' && mode !== 'lenient') throw new UsageError(`unknown --mode '${values.mode}'`, { field: '--mode', hint: 'llava or lenient' });
    if (values.mode !== undefined && values.metric !== 'sqa') throw new UsageError('--mode applies to --metric sqa only', { field: '--mode' });
    const variant = (values.variant ?? 'ocrbench') as OcrBenchVersion;
    if (!(OCRBENCH_VERSIONS as readonly string[]).includes(variant)) {
      throw new UsageError(`unknown --variant '${values.variant}'`, { field: '--variant', hint: OCRBENCH_VERSIONS.join(' or ') });
    }
    if (values.variant !== undefined && values.metric !== 'ocrbench') throw new UsageError('--variant applies to --metric ocrbench only', { field: '--variant' });
    const inFile = path.resolve(io.cwd, values.in);
    const outFile = values.out === undefined ? undefined : path.resolve(io.cwd, values.out);
    if (values.judge !== undefined && values.metric !== 'mmvet') throw new UsageError('--judge with --metric applies to mmvet only', { field: '--judge', hint: 'to re-judge a run, pass the run folder instead of --metric' });
    return scoreFile(values.metric as MetricName, inFile, outFile, { sqaMode: mode, ocrbenchVariant: variant }, io, values.judge === undefined ? undefined : path.resolve(io.cwd, values.judge));
  },
});

export default scoreCommand;
