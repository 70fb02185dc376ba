import path from 'node:path';
import { configProblemsError, loadConfig, type LoadedConfig, type LocatedProblem } from '../config/load.ts';
import { describeProblems, type PathKey } from '../config/problems.ts';
import type { Config, ModelConfig, SuiteConfig } from '../config/schema.ts';
import { ConfigError, UsageError, VlmbenchError } from '../core/errors.ts';
import type { Suite } from '../core/suite.ts';
import { defaultFixturesDir } from '../fixtures/paths.ts';
import { isFixtureRef, resolveFixtureRef, resolveFixtureRefs } from '../fixtures/resolve.ts';
import type { Shard } from './context.ts';
import { suiteIdOf } from './context.ts';
import { datasetProblems, modelInputProblems } from './check-inputs.ts';
import { remoteModelProblems } from './inputs.ts';
import { checkEnvUsed, keptIndices, remapSecretPaths } from './plan-env.ts';
import { loadSuite } from './suites.ts';
import { isLlamaCppFamily, LLAMA_CPP_FAMILIES } from '../../backends/llama-cpp/families.ts';

export interface RunOverrides {
  limit?: number;
  models?: string[];
  suites?: string[];
  out?: string;
  runId?: string;
  shard?: Shard;
}

export interface PlannedSuite {
  id: string;
  config: SuiteConfig;
  suite: Suite;
  options: unknown;
  datasetDir: string;
}

export interface RunPlan {
  config: Config;
  configFile: string;
  secretPaths: string[];
  overrides: RunOverrides;
  runDir: string;
  fixturesDir: string;
  models: ModelConfig[];
  suites: PlannedSuite[];
  /** Remote model files to download before the run starts (checked reachable). */
  toPull: string[];
}

export interface PlanOptions {
  /**
   * Check what the run needs (environment variables, model files, dataset folders); default true.
   * `merge` plans a finished run's config only to aggregate it, on a machine that may have neither.
   */
  checkInputs?: boolean;
}

const timestamp = (d = new Date()) => d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

function applyOverrides(config: Config, o: RunOverrides, file: string, declared: ReadonlyMap<string, string>): Config {
  const pick = <T extends { id?: string; name?: string }>(items: T[], wanted: string[] | undefined, what: string, idOf: (t: T) => string) => {
    if (!wanted) return items;
    for (const w of wanted) {
      if (!items.some((i) => idOf(i) === w)) {
        throw new UsageError(`no ${what} '${w}' in ${path.basename(file)}`, { hint: `available: ${items.map(idOf).join(', ')}` });
      }
    }
    return items.filter((i) => wanted.includes(idOf(i)));
  };
  return {
    ...config,
    models: pick(config.models, o.models, 'model', (m) => m.id),
    suites: pick(config.suites, o.suites, 'suite', (s) => suiteIdOf(s, declared)).map((s) =>
      o.limit ? { ...s, limit: Math.min(o.limit, s.limit ?? Infinity) } : s),
  };
}

/** Config problems found after the schema passed, each with its field path (located in the file later). */
type PlanProblem = { path: PathKey[]; message: string };

function checkUniqueIds(config: Config, declared: ReadonlyMap<string, string>): PlanProblem[] {
  const out: PlanProblem[] = [];
  const seen = new Set<string>();
  config.suites.forEach((s, i) => {
    const id = suiteIdOf(s, declared);
    if (seen.has(id)) out.push({ path: ['suites', i], message: `suite id '${id}' is used twice: give one of them an \`id\`` });
    seen.add(id);
  });
  const models = new Set<string>();
  config.models.forEach((m, i) => {
    if (models.has(m.id)) out.push({ path: ['models', i, 'id'], message: `model id '${m.id}' is used twice` });
    models.add(m.id);
  });
  return out;
}

async function checkFamilies(config: Config): Promise<PlanProblem[]> {
  const { getFamily } = await import('../families/index.ts');
  const out: PlanProblem[] = [];
  config.models.forEach((m, i) => {
    let fam: ReturnType<typeof getFamily>;
    try {
      fam = getFamily(m.family);
    } catch (err) {
      const e = err as ConfigError;
      out.push({ path: ['models', i, 'family'], message: `${e.message}${e.hint ? ` (${e.hint})` : ''}` });
      return;
    }
    if (m.backend.type === 'llama-cpp' && !isLlamaCppFamily(m.family)) {
      out.push({ path: ['models', i, 'backend', 'type'], message: `the llama-cpp backend cannot serve family ${m.family}: libmtmd has no projector for it; use the onnx or http backend for ${m.family} (llama-cpp serves ${LLAMA_CPP_FAMILIES.join(', ')})` });
    }
    // OpenAI-compatible servers apply their own chat template (vlmbench serve: the served model's), so a
    // client-side `template:` would be silently ignored: refuse it.
    if (m.template && m.backend.type === 'http' && m.backend.api === 'openai') {
      const hint = m.backend.server === 'vlmbench'
        ? 'set template on the model that vlmbench serve serves, and remove it here'
        : `remove it and choose the template on the server (e.g. vLLM --chat-template, trtllm-serve's checkpoint template)`;
      out.push({ path: ['models', i, 'template'], message: `template '${m.template}' has no effect on an OpenAI-compatible server: the server renders the chat template (${hint})` });
      return;
    }
    // `chat_template` defers to the model folder's own Jinja template (ONNX exports).
    const folderTemplate = m.template === 'chat_template' && m.backend.type === 'onnx';
    if (m.template && !folderTemplate && !fam.templates.includes(m.template)) {
      out.push({ path: ['models', i, 'template'], message: `template '${m.template}' is not one family ${m.family} uses (use one of: ${fam.templates.join(', ')})` });
    }
  });
  return out;
}

/** Declared names of suites given by module path (their ids), loaded once up front; a module that fails to load is reported by checkSuite. */
async function declaredSuiteNames(config: Config): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [i, s] of config.suites.entries()) {
    if (!s.name.includes('/') || out.has(s.name)) continue;
    const suite = await loadSuite(s.name, `suites[${i}].name`).catch(() => undefined);
    if (suite) out.set(s.name, suite.name);
  }
  return out;
}

/** The suite module and its options, or the config problems that stop it. */
async function checkSuite(s: SuiteConfig, i: number): Promise<{ suite: Suite; options: unknown } | PlanProblem[]> {
  let suite: Suite;
  try {
    suite = await loadSuite(s.name, `suites[${i}].name`);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return [{ path: ['suites', i, 'name'], message: `${err.message}${err.hint ? ` (${err.hint})` : ''}` }];
  }
  const parsed = suite.optionsSchema.safeParse(s.options);
  if (!parsed.success) return describeProblems(parsed.error, suite.optionsSchema, s.options).map((p) => ({ ...p, path: ['suites', i, 'options', ...p.path] }));
  return { suite, options: parsed.data };
}

async function planSuite(s: SuiteConfig, i: number, checked: { suite: Suite; options: unknown }, file: string, fixturesDir: string, declared: ReadonlyMap<string, string>): Promise<PlannedSuite> {
  const field = `suites[${i}]`;
  const { suite } = checked;
  let datasetDir = s.dataset;
  if (s.dataset === 'builtin') {
    if (!suite.builtinDataset) throw new ConfigError(`suite '${s.name}' has no built-in sample set`, { file, field: `${field}.dataset`, hint: 'set dataset to the folder of the official download' });
    datasetDir = await suite.builtinDataset(fixturesDir);
  }
  return { id: suiteIdOf(s, declared), config: s, suite, options: checked.options, datasetDir };
}

/** Every config problem past the schema (ids, families, suite names and options), reported at once. */
async function checkConfig(config: Config, loaded: LoadedConfig, declared: ReadonlyMap<string, string>): Promise<{ suite: Suite; options: unknown }[]> {
  const problems: PlanProblem[] = [...checkUniqueIds(config, declared), ...(await checkFamilies(config))];
  const suites: { suite: Suite; options: unknown }[] = [];
  for (const [i, s] of config.suites.entries()) {
    const r = await checkSuite(s, i);
    if (Array.isArray(r)) problems.push(...r);
    else suites.push(r);
  }
  // Indices refer to the config as written: --suites/--models filter entries, so locate by the original entry.
  for (const p of problems) p.path = relocate(p.path, config, loaded, declared);
  if (problems.length > 0) {
    const located: LocatedProblem[] = problems.map((p) => ({ ...p, ...loaded.locate(p.path) }));
    throw configProblemsError(located, loaded.file, 'see configs/schema.json for every field');
  }
  return suites;
}

/** A suites[i] / models[i] path of the filtered config → the same entry's index in the file. */
function relocate(p: PathKey[], config: Config, loaded: LoadedConfig, declared: ReadonlyMap<string, string>): PathKey[] {
  if (typeof p[1] !== 'number') return p;
  const i = p[1];
  // --limit copies suite entries, so those are matched by id.
  const original = p[0] === 'suites' ? loaded.config.suites.findIndex((s) => s === config.suites[i] || suiteIdOf(s, declared) === suiteIdOf(config.suites[i]!, declared))
    : p[0] === 'models' ? loaded.config.models.indexOf(config.models[i]!) : -1;
  return original < 0 ? p : [p[0]!, original, ...p.slice(2)];
}

/** Input errors: one stops the run with its own message; several are listed together, each with its field. */
function throwInputProblems(errors: readonly VlmbenchError[]): void {
  if (errors.length === 0) return;
  const [first, ...rest] = errors;
  if (rest.length === 0) throw first;
  const sameFile = errors.every((e) => e.file === first!.file);
  const where = (e: VlmbenchError) => [sameFile ? undefined : e.file, e.field].filter(Boolean).join(', ');
  const hints = [...new Set(errors.map((e) => e.hint).filter((h): h is string => !!h))];
  throw new (first!.constructor as new (m: string, d: object) => VlmbenchError)(
    `${errors.length} problems with the run's inputs:\n${errors.map((e) => `  ${where(e)}: ${e.message}`).join('\n')}`,
    { file: sameFile ? first!.file : undefined, hint: hints.join('\n  hint: '), cause: first },
  );
}

/** Phase 1: config → validated, resolved plan (nothing written yet). */
export async function planRun(configFile: string, overrides: RunOverrides, env: NodeJS.ProcessEnv, resumeDir?: string, opts: PlanOptions = {}): Promise<RunPlan> {
  const checkInputs = opts.checkInputs ?? true;
  const loaded = await loadConfig(configFile, env, { deferMissingEnv: true });
  const declared = await declaredSuiteNames(loaded.config);
  const config = applyOverrides(loaded.config, overrides, loaded.file, declared);
  const kept = keptIndices(loaded.config, config, declared);
  const checked = await checkConfig(config, loaded, declared);
  // The judge (and its key) only matters when a suite that asks for one runs.
  const usedJudge = checked.some((c) => c.suite.kind === 'quality' && c.suite.usesJudge) ? config.judge : undefined;
  // Every unset variable the selected models and suites use, at once, before files are looked at.
  if (checkInputs) checkEnvUsed({ missing: loaded.missingEnv, kept, config, judgeUsed: !!usedJudge, env, file: loaded.file });
  const fixturesDir = config.run.fixturesDir ?? defaultFixturesDir(env);
  const models = await Promise.all(config.models.map(async (m, i) => ({
    ...m, backend: await resolveFixtureRefs(m.backend, fixturesDir, `models[${i}].backend`),
  })));
  const suites: PlannedSuite[] = [];
  for (const [i, s] of config.suites.entries()) suites.push(await planSuite(s, i, checked[i]!, loaded.file, fixturesDir, declared));
  // Model files (local and remote) and dataset folders: every problem in one message.
  const remote = checkInputs ? await remoteModelProblems(models, loaded.file, env) : { problems: [], toPull: [] };
  if (checkInputs) throwInputProblems([...modelInputProblems(models, loaded.file), ...remote.problems, ...datasetProblems(suites, loaded.file)]);
  const judge = usedJudge && isFixtureRef(usedJudge.model)
    ? { ...usedJudge, model: await resolveFixtureRef(usedJudge.model, fixturesDir, 'judge.model') }
    : usedJudge;
  const out = overrides.out ? path.resolve(overrides.out) : config.run.out;
  const runId = overrides.runId ?? config.run.id ?? `${config.name}-${timestamp()}`;
  const shardSuffix = overrides.shard && overrides.shard.count > 1 ? `-shard${overrides.shard.index}of${overrides.shard.count}` : '';
  const runDir = resumeDir ? path.resolve(resumeDir) : path.join(out, `${runId}${shardSuffix}`);
  return { config: { ...config, judge }, configFile: loaded.file, secretPaths: remapSecretPaths(loaded.secretPaths, kept), overrides, runDir, fixturesDir, models, suites, toPull: remote.toPull };
}
