import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { describeProblems, MAX_LISTED_PROBLEMS, type PathKey, type Problem } from './problems.ts';
import { Config } from './schema.ts';
import { checkServable } from './servable.ts';

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the config file. */
  file: string;
  /** Field paths whose values came from ${VAR}: redacted wherever the config is written. */
  secretPaths: string[];
  /** Line and column of a field path in the file (of its nearest existing parent when it is missing). */
  locate: (p: readonly PathKey[]) => { line?: number; column?: number };
  /** Combinations that will likely fail at run time (a family the server kind does not serve). */
  warnings?: string[];
  /** Unset ${VAR}s (only with `deferMissingEnv`; otherwise loading throws for them). */
  missingEnv: MissingEnv[];
}

export interface LoadOptions {
  /**
   * Keep going when a ${VAR} is unset (a placeholder stands in) and report it in `missingEnv`: the
   * caller decides which parts it uses (`vlmbench run --suites scienceqa` needs no judge key).
   */
  deferMissingEnv?: boolean;
}

export const formatPath = (p: readonly PathKey[]): string =>
  p.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${k}` : k), '');

function position(doc: Document, lc: LineCounter, p: readonly PathKey[]): { line?: number; column?: number } {
  // A key that is present: point at the key itself (its value may start lines later).
  const parent = doc.getIn(p.slice(0, -1), true) as Node | undefined;
  if (p.length > 0 && isMap(parent)) {
    const pair = parent.items.find((it) => String((it.key as { value?: unknown })?.value ?? it.key) === String(p[p.length - 1]));
    const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
    if (range) {
      const { line, col } = lc.linePos(range[0]);
      return { line, column: col };
    }
  }
  // Otherwise walk up until a node exists (a missing key has no node of its own).
  for (let i = p.length; i >= 0; i--) {
    const node = doc.getIn(p.slice(0, i), true) as Node | undefined;
    const range = node && (node as { range?: [number, number, number] }).range;
    if (range) {
      const { line, col } = lc.linePos(range[0]);
      return { line, column: col };
    }
  }
  return {};
}

/** A `${VAR}` whose variable is not set, with where it is written. */
export interface MissingEnv {
  name: string;
  field: string;
  line?: number;
  column?: number;
}

/**
 * Stands in for an unset variable while the config is validated, so a run that never touches that
 * part (another model, an unused judge) is not refused for it. It is a valid URL and a valid string;
 * planRun refuses to start when a part it uses still holds one.
 */
const unsetPlaceholder = (name: string) => `http://unset-env.invalid/${name}`;

/** Replace ${VAR} in every string scalar; unset variables are collected, not thrown one at a time. */
function interpolateEnv(doc: Document, lc: LineCounter, env: NodeJS.ProcessEnv): { secretPaths: string[]; missing: MissingEnv[] } {
  const secretPaths: string[] = [];
  const missing: MissingEnv[] = [];
  const visit = (node: unknown, p: PathKey[]): void => {
    if (isMap(node)) for (const pair of node.items) visit(pair.value, [...p, String((pair.key as { value?: unknown })?.value ?? pair.key)]);
    else if (isSeq(node)) node.items.forEach((item, i) => visit(item, [...p, i]));
    else if (isScalar(node) && typeof node.value === 'string' && node.value.includes('${')) {
      node.value = node.value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
        const value = env[name];
        if (value !== undefined) return value;
        missing.push({ name, field: formatPath(p), ...position(doc, lc, p) });
        return unsetPlaceholder(name);
      });
      secretPaths.push(formatPath(p));
    }
  };
  visit(doc.contents, []);
  return { secretPaths, missing };
}

/** One error naming every unset variable (and where it is used), so a user fixes them all at once. */
export function missingEnvError(missing: readonly MissingEnv[], file: string): ConfigError {
  const names = [...new Set(missing.map((m) => m.name))];
  const lines = missing.map((m) => `  \${${m.name}}  ${m.field}${m.line ? ` (line ${m.line})` : ''}`);
  const first = missing[0]!;
  return new ConfigError(
    `${names.length === 1 ? 'environment variable' : `${names.length} environment variables`} not set:\n${lines.join('\n')}`,
    { file, line: first.line, column: first.column, hint: `export ${names.map((n) => `${n}=…`).join(' ')} before running, or remove them from the config` },
  );
}

function parseYamlDocument(text: string, file: string): { doc: Document; lc: LineCounter } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = lc.linePos(e.pos[0]);
    throw new ConfigError(`YAML syntax error: ${e.message.split('\n')[0]}`, { file, line: pos.line, column: pos.col, cause: e });
  }
  return { doc, lc };
}

export interface LocatedProblem extends Problem {
  line?: number;
  column?: number;
}

/**
 * One ConfigError for all problems found: a single one names its field, line and column; several are
 * listed one per line as `file:line:col  field: problem` (up to MAX_LISTED_PROBLEMS), in file order.
 */
export function configProblemsError(problems: readonly LocatedProblem[], file: string, hint: string): ConfigError {
  // File order; at one position (a missing key is located at its parent) the fields that are there come first.
  const missing = (p: LocatedProblem) => (p.message.startsWith('required field is missing') ? 1 : 0);
  const sorted = [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || missing(a) - missing(b));
  if (sorted.length === 1) {
    const p = sorted[0]!;
    return new ConfigError(p.message, { file, field: formatPath(p.path) || '(top level)', line: p.line, column: p.column, hint });
  }
  const lines = sorted.slice(0, MAX_LISTED_PROBLEMS).map((p) =>
    `  ${file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''}  ${formatPath(p.path) || '(top level)'}: ${p.message}`);
  const more = sorted.length > MAX_LISTED_PROBLEMS ? `\n  … and ${sorted.length - MAX_LISTED_PROBLEMS} more` : '';
  return new ConfigError(`${sorted.length} problems:\n${lines.join('\n')}${more}`, { file, hint });
}

function schemaError(error: z.ZodError, schema: unknown, data: unknown, locate: (p: readonly PathKey[]) => { line?: number; column?: number }, file: string, hint: string): ConfigError {
  return configProblemsError(describeProblems(error, schema, data).map((p) => ({ ...p, ...locate(p.path) })), file, hint);
}

/** Parse a YAML text and validate it with `schema`; errors read like config errors (file:line, field). */
export function parseYamlWith<S extends z.ZodType>(schema: S, text: string, file: string, hint: string): z.output<S> {
  const { doc, lc } = parseYamlDocument(text, file);
  const raw = doc.toJS() ?? {};
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw schemaError(parsed.error, schema, raw, (p) => position(doc, lc, p), file, hint);
  return parsed.data;
}

/** Parse and validate a config text. Paths inside it are resolved against `baseDir`. */
export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env, opts: LoadOptions = {}): LoadedConfig {
  const { doc, lc } = parseYamlDocument(text, file);
  const { secretPaths, missing } = interpolateEnv(doc, lc, env);
  if (missing.length && !opts.deferMissingEnv) throw missingEnvError(missing, file);
  const raw = doc.toJS() ?? {};
  const locate = (p: readonly PathKey[]) => position(doc, lc, p);
  const parsed = Config.safeParse(raw);
  if (!parsed.success) throw schemaError(parsed.error, Config, raw, locate, file, 'see configs/schema.json for every field');
  const config = resolvePaths(parsed.data, path.dirname(file));
  const warnings = checkServable(config.models, file);
  return { config, file, secretPaths, locate, missingEnv: missing, ...(warnings.length > 0 && { warnings }) };
}

const isUri = (s: string) => /^[a-z][a-z0-9+.-]*:/i.test(s) && !/^[a-z]:[\\/]/i.test(s);
const resolveFrom = (base: string, p: string | undefined) => (p === undefined || isUri(p) || p === 'builtin' ? p : path.resolve(base, p));

/** File paths in a config are relative to the config file, as users expect. */
function resolvePaths(config: Config, base: string): Config {
  return {
    ...config,
    run: { ...config.run, out: resolveFrom(base, config.run.out)!, fixturesDir: resolveFrom(base, config.run.fixturesDir) },
    models: config.models.map((m) => {
      const b = m.backend;
      switch (b.type) {
        case 'llama-cpp': return { ...m, backend: { ...b, model: resolveFrom(base, b.model)!, mmproj: resolveFrom(base, b.mmproj) } };
        case 'onnx': return { ...m, backend: { ...b, dir: resolveFrom(base, b.dir)! } };
        case 'http': return { ...m, backend: { ...b, tokenizer: resolveFrom(base, b.tokenizer) } };
        case 'custom': return { ...m, backend: { ...b, module: resolveFrom(base, b.module)! } };
      }
    }),
    suites: config.suites.map((s) => ({
      ...s,
      dataset: resolveFrom(base, s.dataset)!,
      // A suite named by a module path is a user's own suite file.
      name: /^\.{0,2}\/|\.[cm]?[jt]s$/.test(s.name) ? resolveFrom(base, s.name)! : s.name,
    })),
    judge: config.judge && {
      ...config.judge,
      model: config.judge.provider === 'llama-cpp' && !isUri(config.judge.model) ? resolveFrom(base, config.judge.model)! : config.judge.model,
      rules: resolveFrom(base, config.judge.rules),
      cacheDir: resolveFrom(base, config.judge.cacheDir),
    },
    report: { ...config.report, out: resolveFrom(base, config.report.out), published: config.report.published.map((p) => (/^[\w.-]+$/.test(p) && !/\.ya?ml$/.test(p) ? p : resolveFrom(base, p)!)) },
  };
}

export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env, opts: LoadOptions = {}): Promise<LoadedConfig> {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (err) {
    throw new ConfigError('config file not found or unreadable', { file: abs, cause: err, hint: 'check the path; the default is configs/quickstart.yaml' });
  }
  return parseConfig(text, abs, env, opts);
}

/** The config as written to manifest.json: every value that came from ${VAR} replaced. */
export function redactConfig(config: Config, secretPaths: string[]): unknown {
  const copy = structuredClone(config) as Record<string, unknown>;
  for (const p of secretPaths) {
    const keys = p.match(/[^.[\]]+/g) ?? [];
    let obj: any = copy;
    for (const k of keys.slice(0, -1)) obj = obj?.[k];
    const last = keys.at(-1);
    if (obj && last !== undefined && last in obj) obj[last] = '[redacted]';
  }
  return copy;
}
