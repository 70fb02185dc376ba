/**
 * Planted-outcome runs for the compare/gate end-to-end tests: the quickstart config's suites (same
 * options and limits, read from configs/quickstart.yaml) run through the real CLI with `table-backend`
 * models whose answers a test chooses per sample, and the LLaVA-Bench judge served by the OpenAI-protocol
 * stand-in. Reference answers come from the suites' own loaders on their built-in sample sets.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { LoadedSample, Suite, SuiteContext } from '../../src/core/suite.ts';
import { defaultFixturesDir } from '../../src/fixtures/paths.ts';
import { loadSuite } from '../../src/runner/suites.ts';
import { HELPERS, REPO } from '../helpers/run-config.ts';

export interface SuiteEntry { name: string; id?: string; limit?: number; maxTokens?: number; options?: Record<string, unknown> }

/** The suites of configs/quickstart.yaml, exactly as shipped. */
export function quickstartSuites(): SuiteEntry[] {
  return (parse(readFileSync(path.join(REPO, 'configs', 'quickstart.yaml'), 'utf8')) as { suites: SuiteEntry[] }).suites;
}

/** The items a suite entry asks, loaded by the suite itself from its built-in sample set. */
export async function loadItems<Doc>(entry: SuiteEntry): Promise<Array<{ id: string; doc: Doc }>> {
  const suite = (await loadSuite(entry.name, 'test')) as Suite<Doc, unknown>;
  if (suite.kind !== 'quality') return [];
  const fixturesDir = defaultFixturesDir();
  const ctx = {
    datasetDir: await suite.builtinDataset!(fixturesDir), limit: entry.limit, options: suite.optionsSchema.parse(entry.options ?? {}),
    fixturesDir, seed: 0, services: {}, log: () => undefined,
  } as SuiteContext<unknown>;
  const loaded: Array<LoadedSample<Doc>> = await suite.load(ctx);
  return loaded.flatMap((s) => ('doc' in s ? [{ id: s.id, doc: s.doc }] : []));
}

/**
 * A right answer from a suite's own document, whatever the benchmark: ScienceQA's choice index → letter,
 * VQA-style reference lists → the first, a single reference answer (GQA word, MME Yes/No, MMBench and
 * SEED-Bench letter, MM-Vet text), POPE's yes/no label; else an answer the judge stand-in scores 10/10.
 */
export function oracle(doc: unknown): string {
  const d = doc as { answer?: unknown; choices?: unknown; answers?: unknown[]; label?: unknown };
  if (typeof d.answer === 'number' && Array.isArray(d.choices)) return 'ABCDEFGH'[d.answer]!;
  if (Array.isArray(d.answers) && typeof d.answers[0] === 'string') return d.answers[0];
  if (typeof d.answer === 'string' && d.answer !== '') return d.answer;
  if (d.label === 'yes' || d.label === 'no') return d.label;
  return 'GOOD answer';
}

/**
 * A wrong answer for the same document: "BAD zzz" fails exact-match, choice and VQA scoring and makes the
 * judge stand-in score 2/10, but POPE reads anything without "no"/"not" as "yes" (eval_pope.py), which is
 * right on yes-labelled items, so a yes/no label gets the opposite word.
 */
export function wrongAnswer(doc: unknown): string {
  const label = (doc as { label?: unknown }).label;
  if (label === 'yes') return 'no';
  if (label === 'no') return 'yes';
  return 'BAD zzz';
}

/** Judge verdicts the stand-in gives by answer text: reference always 10, the answer as planted. */
export function plantedJudge(answer: string): [number, number] {
  if (answer.includes('BAD')) return [10, 2];
  if (answer.includes('MEH')) return [10, 9];
  return [10, 10];
}

export interface PlantedModel { id: string; table: Record<string, string>; build: string }

/** Write answer tables and a run config; returns the config path. */
export function writePlantedConfig(dir: string, name: string, opts: { models: PlantedModel[]; suites: SuiteEntry[]; judgeUrl: string }): string {
  const models = opts.models.map((m) => {
    const table = path.join(dir, `${name}-${m.id}.json`);
    writeFileSync(table, JSON.stringify(m.table));
    return { id: m.id, family: 'llava-1.5', backend: { type: 'custom', module: path.join(HELPERS, 'table-backend.ts'), isolate: false, options: { table, build: m.build } } };
  });
  const config = {
    name: 'planted',
    run: { out: path.join(dir, 'results'), concurrency: 4, timeoutMs: 60_000, seed: 0 },
    models,
    suites: opts.suites,
    judge: { provider: 'openai', endpoint: opts.judgeUrl, model: 'gpt-4-0314', temperature: 0.2, maxTokens: 64, cacheDir: path.join(dir, 'judge-cache') },
    report: { enabled: false },
  };
  const file = path.join(dir, `${name}.yaml`); // JSON is YAML
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}
