/**
 * `vlmbench datasets check`: load a dataset folder through the suite's own loader (the same code a
 * run uses), build every request through a family, and check what a run would trip over: per-sample
 * load errors, duplicate ids, images missing or unreadable. No model is involved.
 */
import type { ModelInfo } from '../core/backend.ts';
import { DatasetError, formatError } from '../core/errors.ts';
import type { Suite, SuiteContext } from '../core/suite.ts';
import { defaultFixturesDir } from '../fixtures/paths.ts';
import { loadSuite } from './suites.ts';

export interface DatasetProblem {
  sampleId?: string;
  kind: 'load' | 'duplicate-id' | 'image';
  message: string;
}

export interface DatasetReport {
  suite: string;
  dir: string;
  samples: number;
  images: number;
  problems: DatasetProblem[];
}

const checkFamily = 'llava-1.5';
const info: ModelInfo = { id: 'datasets-check', backend: 'none', family: checkFamily } as ModelInfo;

export async function checkDataset(suiteName: string, dir: string, opts: { split?: string; options?: Record<string, unknown>; env?: NodeJS.ProcessEnv } = {}): Promise<DatasetReport> {
  const suite: Suite = await loadSuite(suiteName, 'suite');
  if (suite.kind !== 'quality') throw new DatasetError(`suite '${suiteName}' has no dataset to check`, { hint: 'performance suites generate their own prompts' });
  const parsed = suite.optionsSchema.safeParse(opts.options ?? {});
  if (!parsed.success) throw new DatasetError(`options for suite '${suiteName}': ${parsed.error.issues[0]!.message}`, {});
  const ctx: SuiteContext<unknown> = {
    datasetDir: dir, split: opts.split, options: parsed.data, fixturesDir: defaultFixturesDir(opts.env), seed: 0,
    services: {}, log: () => undefined,
  };
  // A folder that is not this dataset at all makes the loader throw (exit 2 in the CLI).
  const loaded = await suite.load(ctx);
  const problems: DatasetProblem[] = [];
  const seen = new Map<string, number>();
  const images = new Set<string>();
  for (const s of loaded) {
    seen.set(s.id, (seen.get(s.id) ?? 0) + 1);
    if ('error' in s) { problems.push({ sampleId: s.id, kind: 'load', message: s.error.message }); continue; }
    try {
      const req = suite.toRequest(s.doc, { info, family: checkFamily }, ctx);
      for (const m of req.messages) for (const p of m.content) if (p.type === 'image' && p.image.kind === 'path') images.add(p.image.path);
    } catch (err) {
      problems.push({ sampleId: s.id, kind: 'load', message: formatError(err) });
    }
  }
  for (const [id, n] of seen) if (n > 1) problems.push({ sampleId: id, kind: 'duplicate-id', message: `sample id '${id}' appears ${n} times: a run would keep one` });
  const sharp = (await import('sharp')).default;
  for (const file of images) {
    try {
      const meta = await sharp(file).metadata();
      if (!meta.width || !meta.height) throw new Error('no image size');
    } catch (err) {
      problems.push({ kind: 'image', message: `${file}: ${(err as Error).message.split('\n')[0]}` });
    }
  }
  return { suite: suite.name, dir, samples: loaded.length, images: images.size, problems };
}

/** Terminal text: a verdict line, then the problems grouped by kind (first few of each). */
export function formatDatasetReport(r: DatasetReport, max = 5): string {
  const verdict = r.problems.length === 0 ? 'OK' : `${r.problems.length} problem${r.problems.length > 1 ? 's' : ''}`;
  const lines = [`${r.suite} ${r.dir}: ${r.samples} samples, ${r.images} images: ${verdict}`];
  const kinds: Array<[DatasetProblem['kind'], string]> = [['load', 'samples that cannot be loaded'], ['duplicate-id', 'duplicate sample ids'], ['image', 'images missing or unreadable']];
  for (const [kind, title] of kinds) {
    const list = r.problems.filter((p) => p.kind === kind);
    if (!list.length) continue;
    lines.push(`  ${list.length} ${title}:`);
    for (const p of list.slice(0, max)) lines.push(`    ${p.sampleId ? `${p.sampleId}: ` : ''}${p.message}`);
    if (list.length > max) lines.push(`    … and ${list.length - max} more`);
  }
  return lines.join('\n');
}
