import { missingEnvError, type MissingEnv } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { suiteIdOf } from './context.ts';

/** Which entries of the config's `models` and `suites` a run keeps (original index → new index). */
export interface KeptIndices {
  models: Map<number, number>;
  suites: Map<number, number>;
}

export function keptIndices(full: Config, selected: Config, declared: ReadonlyMap<string, string>): KeptIndices {
  const map = <T>(all: T[], kept: T[], idOf: (t: T) => string) =>
    new Map(all.flatMap((t, i) => { const j = kept.findIndex((k) => idOf(k) === idOf(t)); return j >= 0 ? [[i, j] as [number, number]] : []; }));
  return { models: map(full.models, selected.models, (m) => m.id), suites: map(full.suites, selected.suites, (s) => suiteIdOf(s, declared)) };
}

const INDEXED = /^(models|suites)\[(\d+)\](.*)$/;

/** A config path after filtering: `models[3].x` becomes `models[0].x`, or null when that entry is not run. */
function remapPath(p: string, kept: KeptIndices): string | null {
  const m = INDEXED.exec(p);
  if (!m) return p;
  const j = kept[m[1] as 'models' | 'suites'].get(Number(m[2]));
  return j === undefined ? null : `${m[1]}[${j}]${m[3]}`;
}

/** Secret paths follow the entries they name, so redaction hits the same values after --models/--suites. */
export function remapSecretPaths(paths: readonly string[], kept: KeptIndices): string[] {
  return paths.map((p) => remapPath(p, kept)).filter((p): p is string => p !== null);
}

/**
 * Refuse to start when a part the run uses still needs an unset variable: every one at once, with
 * where it is written. `${VAR}`s in models or suites that are not selected, and the judge's when no
 * judged suite runs, are not needed.
 */
export function checkEnvUsed(a: { missing: readonly MissingEnv[]; kept: KeptIndices; config: Config; judgeUsed: boolean; env: NodeJS.ProcessEnv; file: string }): void {
  const needed = a.missing.filter((m) => remapPath(m.field, a.kept) !== null && (a.judgeUsed || !m.field.startsWith('judge')));
  // Keys read by name at run time (apiKeyEnv) count too.
  const keyEnv = (name: string | undefined, field: string) => {
    if (name && a.env[name] === undefined && !needed.some((m) => m.name === name)) needed.push({ name, field });
  };
  if (a.judgeUsed && a.config.judge?.provider === 'openai') keyEnv(a.config.judge.apiKeyEnv, 'judge.apiKeyEnv');
  a.config.models.forEach((m) => { if (m.backend.type === 'http') keyEnv(m.backend.apiKeyEnv, `model ${m.id}: backend.apiKeyEnv`); });
  if (needed.length) throw missingEnvError(needed, a.file);
}
