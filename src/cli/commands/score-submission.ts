import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../core/errors.ts';
import type { SampleRecord } from '../../core/record.ts';
import { readSamples, RUN_FILES } from '../../results/files.ts';
import { gqaSubmission, mmbenchSubmission, mmvetSubmission, seedSubmission, vizwizSubmission, vqav2Submission, type RunAnswer } from '../../scoring/submissions.ts';
import { print, type CliIO } from '../command.ts';

/** Benchmarks whose official scoring happens on a server (or in the benchmark's own tool) → the file it takes. */
export const SUBMISSIONS: Record<string, { write: (a: RunAnswer[]) => string; what: string }> = {
  vqav2: { write: vqav2Submission, what: 'EvalAI VQAv2 upload (convert_vqav2_for_submission.py)' },
  vizwiz: { write: vizwizSubmission, what: 'EvalAI VizWiz upload (convert_vizwiz_for_submission.py)' },
  gqa: { write: gqaSubmission, what: 'GQA testdev_balanced_predictions.json (convert_gqa_for_eval.py)' },
  'seed-bench': { write: seedSubmission, what: 'SEED-Bench leaderboard upload (convert_seed_for_submission.py)' },
  'mm-vet': { write: mmvetSubmission, what: 'MM-Vet evaluator result file (convert_mmvet_for_eval.py)' },
};

const answerOf = (r: SampleRecord): RunAnswer => {
  const m = (r.meta ?? {}) as { questionId?: string | number; image?: string };
  return { questionId: m.questionId ?? r.sampleId, image: m.image, text: r.error ? undefined : r.output };
};

/** `vlmbench score <run-dir> --submission <suite> [--model ID] [--out FILE] [--annotation TSV]`: the upload file from a run's answers. */
export async function writeSubmission(runDir: string, suite: string, model: string | undefined, out: string | undefined, io: CliIO, annotation?: string): Promise<number> {
  const isMmbench = suite === 'mmbench' || suite === 'mmbench-cn';
  const spec = SUBMISSIONS[suite];
  if (!spec && !isMmbench) throw new UsageError(`no submission format for '${suite}'`, { field: '--submission', hint: `one of ${[...Object.keys(SUBMISSIONS), 'mmbench', 'mmbench-cn'].join(', ')}` });
  if (isMmbench && !annotation) throw new UsageError('--submission mmbench needs --annotation <the TSV the run asked>', { field: '--annotation', hint: 'convert_mmbench_for_submission.py copies the annotation rows and adds the predictions' });
  if (isMmbench && !out) throw new UsageError('--submission mmbench writes an .xlsx: give --out <file.xlsx>', { field: '--out' });
  if (!existsSync(path.join(runDir, RUN_FILES.samples))) throw new UsageError(`no ${RUN_FILES.samples} in ${runDir}`, { file: runDir, hint: 'pass a run folder written by `vlmbench run`' });
  const records = (await readSamples(runDir)).filter((r) => r.suite === suite);
  const models = [...new Set(records.map((r) => r.model))];
  if (models.length === 0) throw new UsageError(`the run has no '${suite}' samples`, { file: runDir, field: '--submission' });
  const chosen = model ?? (models.length === 1 ? models[0] : undefined);
  if (!chosen || !models.includes(chosen)) throw new UsageError(model ? `model '${model}' has no '${suite}' samples in this run` : `the run has several models: pick one with --model`, { field: '--model', hint: `models: ${models.join(', ')}` });
  const mine = records.filter((r) => r.model === chosen);
  if (isMmbench) {
    const { readTsv, isNone } = await import('../../../suites/mmbench/tsv.ts');
    const { header, rows } = await readTsv(annotation!, 'the MMBench TSV the run read (options.file, or the dev/test TSV of the dataset folder)');
    const preds = new Map(mine.filter((r) => !r.error && typeof (r.meta as { index?: unknown } | undefined)?.index === 'number').map((r) => [(r.meta as { index: number }).index, r.output ?? '']));
    await writeFile(out!, mmbenchSubmission(header, rows, preds, isNone));
    print(io.stderr, `MMBench upload (convert_mmbench_for_submission.py): ${preds.size} prediction(s) of ${chosen} over ${rows.length} TSV row(s) → ${out}`);
    return 0;
  }
  const answers = mine.map(answerOf);
  const spec_ = spec!;
  let text: string;
  try {
    text = spec_.write(answers);
  } catch (err) {
    throw new UsageError((err as Error).message, { field: '--submission', hint: 'resume the run so every question has an answer' });
  }
  if (out) await writeFile(out, text);
  else io.stdout.write(text);
  const missing = answers.filter((a) => a.text === undefined).length;
  print(io.stderr, `${spec_.what}: ${answers.length} answer(s) of ${chosen}${missing ? `, ${missing} without an answer (written empty)` : ''}${out ? ` → ${out}` : ''}`);
  return 0;
}
