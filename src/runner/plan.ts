import path from 'node:path';
import { loadConfig } from '../config/load.ts';
import { checkEnvUsed, keptIndices, remapSecretPaths } from './plan-env.ts';
import type { Config, ModelConfig, SuiteConfig } from '../config/schema.ts';
import { ConfigError, UsageError } from '../core/errors.ts';
import type { Suite } from '../core/suite.ts';
import { defaultFixturesDir } from '../fixtures/paths.ts';
import { isFixtureRef, resolveFixtureRef, resolveFixtureRefs } from '../fixtures/resolve.ts';
import type { Shard } from './context.ts';
import { suiteIdOf } from './context.ts';
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
}

const timestamp = (d = new Date()) => d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

function applyOverrides(config: Config, o: RunOverrides, file: string): Config {
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
    suites: pick(config.suites, o.suites, 'suite', (s) => suiteIdOf(s)).map((s) =>
      o.limit ? { ...s, limit: Math.min(o.limit, s.limit ?? Infinity) } : s),
  };
}

function checkUniqueIds(config: Config, file: string): void {
  const seen = new Set<string>();
  config.suites.forEach((s, i) => {
    const id = suiteIdOf(s);
    if (seen.has(id)) throw new ConfigError(`suite id '${id}' is used twice`, { file, field: `suites[${i}]`, hint: 'give one of them an `id`' });
    seen.add(id);
  });
  const models = new Set<string>();
  config.models.forEach((m, i) => {
    if (models.has(m.id)) throw new ConfigError(`model id '${m.id}' is used twice`, { file, field: `models[${i}].id` });
    models.add(m.id);
  });
}

async function checkFamilies(config: Config, file: string): Promise<void> {
  const { getFamily } = await import('../families/index.ts');
  config.models.forEach((m, i) => {
    let fam: ReturnType<typeof getFamily>;
    try {
      fam = getFamily(m.family);
    } catch (err) {
      const e = err as ConfigError;
      throw new ConfigError(e.message, { file, field: `models[${i}].family`, hint: e.hint, cause: err });
    }
    if (m.backend.type === 'llama-cpp' && !isLlamaCppFamily(m.family)) {
      throw new ConfigError(`the llama-cpp backend cannot serve family ${m.family}: libmtmd has no projector for it`, {
        file, field: `models[${i}].backend.type`, hint: `use the onnx or http backend for ${m.family}; llama-cpp serves ${LLAMA_CPP_FAMILIES.join(', ')}`,
      });
    }
    // `chat_template` defers to the model folder's own Jinja template (ONNX exports).
    const folderTemplate = m.template === 'chat_template' && m.backend.type === 'onnx';
    if (m.template && !folderTemplate && !fam.templates.includes(m.template)) {
      throw new ConfigError(`template '${m.template}' is not one family ${m.family} uses`, {
        file, field: `models[${i}].template`, hint: `use one of: ${fam.templates.join(', ')}`,
      });
    }
  });
}

async function planSuite(s: SuiteConfig, i: number, file: string, fixturesDir: string): Promise<PlannedSuite> {
  const field = `suites[${i}]`;
  const suite = await loadSuite(s.name, `${field}.name`);
  const parsed = suite.optionsSchema.safeParse(s.options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(issue.message, { file, field: `${field}.options${issue.path.length ? `.${issue.path.join('.')}` : ''}` });
  }
  let datasetDir = s.dataset;
  if (s.dataset === 'builtin') {
    if (!suite.builtinDataset) throw new ConfigError(`suite '${s.name}' has no built-in sample set`, { file, field: `${field}.dataset`, hint: 'set dataset to the folder of the official download' });
    datasetDir = await suite.builtinDataset(fixturesDir);
  }
  return { id: suiteIdOf(s), config: s, suite, options: parsed.data, datasetDir };
}

/** Phase 1: config → validated, resolved plan (nothing written yet). */
export async function planRun(configFile: string, overrides: RunOverrides, env: NodeJS.ProcessEnv, resumeDir?: string): Promise<RunPlan> {
  const loaded = await loadConfig(configFile, env, { deferMissingEnv: true });
  const config = applyOverrides(loaded.config, overrides, loaded.file);
  const kept = keptIndices(loaded.config, config);
  checkUniqueIds(config, loaded.file);
  await checkFamilies(config, loaded.file);
  const fixturesDir = config.run.fixturesDir ?? defaultFixturesDir(env);
  const models = await Promise.all(config.models.map(async (m, i) => ({
    ...m, backend: await resolveFixtureRefs(m.backend, fixturesDir, `models[${i}].backend`),
  })));
  const suites: PlannedSuite[] = [];
  for (const [i, s] of config.suites.entries()) suites.push(await planSuite(s, i, loaded.file, fixturesDir));
  // The judge (and its key) only matters when a suite that asks for one runs.
  const usedJudge = suites.some((s) => s.suite.kind === 'quality' && s.suite.usesJudge) ? config.judge : undefined;
  checkEnvUsed({ missing: loaded.missingEnv, kept, config, judgeUsed: !!usedJudge, env, file: loaded.file });
  const judge = usedJudge && isFixtureRef(usedJudge.model)
    ? { ...usedJudge, model: await resolveFixtureRef(usedJudge.model, fixturesDir, 'judge.model') }
    : usedJudge;
  const out = overrides.out ? path.resolve(overrides.out) : config.run.out;
  const runId = overrides.runId ?? config.run.id ?? `${config.name}-${timestamp()}`;
  const shardSuffix = overrides.shard && overrides.shard.count > 1 ? `-shard${overrides.shard.index}of${overrides.shard.count}` : '';
  const runDir = resumeDir ? path.resolve(resumeDir) : path.join(out, `${runId}${shardSuffix}`);
  return { config: { ...config, judge }, configFile: loaded.file, secretPaths: remapSecretPaths(loaded.secretPaths, kept), overrides, runDir, fixturesDir, models, suites };
}
