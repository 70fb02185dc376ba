import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../core/errors.ts';
import type { SampleRecord } from '../../core/record.ts';
import { readSamples, RUN_FILES } from '../../results/files.ts';
import { gqaSubmission, mmvetSubmission, seedSubmission, vizwizSubmission, vqav2Submission, type RunAnswer } from '../../scoring/submissions.ts';
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

/** `vlmbench score <run-dir> --submission <suite> [--model ID] [--out FILE]`: the upload file from a run's answers. */
export async function writeSubmission(runDir: string, suite: string, model: string | undefined, out: string | undefined, io: CliIO): Promise<number> {
  const spec = SUBMISSIONS[suite];
  if (!spec) {
    throw new UsageError(`no submission format for '${suite}'`, {
      field: '--submission',
      hint: suite.startsWith('mmbench') ? 'MMBench uploads are .xlsx (convert_mmbench_for_submission.py), which vlmbench does not write yet' : `one of ${Object.keys(SUBMISSIONS).join(', ')}`,
    });
  }
  if (!existsSync(path.join(runDir, RUN_FILES.samples))) throw new UsageError(`no ${RUN_FILES.samples} in ${runDir}`, { file: runDir, hint: 'pass a run folder written by `vlmbench run`' });
  const records = (await readSamples(runDir)).filter((r) => r.suite === suite);
  const models = [...new Set(records.map((r) => r.model))];
  if (models.length === 0) throw new UsageError(`the run has no '${suite}' samples`, { file: runDir, field: '--submission' });
  const chosen = model ?? (models.length === 1 ? models[0] : undefined);
  if (!chosen || !models.includes(chosen)) throw new UsageError(model ? `model '${model}' has no '${suite}' samples in this run` : `the run has several models: pick one with --model`, { field: '--model', hint: `models: ${models.join(', ')}` });
  const answers = records.filter((r) => r.model === chosen).map(answerOf);
  let text: string;
  try {
    text = spec.write(answers);
  } catch (err) {
    throw new UsageError((err as Error).message, { field: '--submission', hint: 'resume the run so every question has an answer' });
  }
  if (out) await writeFile(out, text);
  else io.stdout.write(text);
  const missing = answers.filter((a) => a.text === undefined).length;
  print(io.stderr, `${spec.what}: ${answers.length} answer(s) of ${chosen}${missing ? `, ${missing} without an answer (written empty)` : ''}${out ? ` → ${out}` : ''}`);
  return 0;
}
