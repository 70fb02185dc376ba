import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import type { RadarSeries } from './radar/data.ts';

/** The bundled LLaVA-family reference scores (configs/published/llava-family.yaml). */
export const DEFAULT_PUBLISHED_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'configs', 'published', 'llava-family.yaml');

const PublishedValue = z.strictObject({
  value: z.number(),
  source: z.string(),
  unverified: z.boolean().optional(),
  trainSeen: z.boolean().optional(),
  note: z.string().optional(),
});

const PublishedFile = z.strictObject({
  axes: z.array(z.string()).min(1),
  sources: z.record(z.string(), z.strictObject({ title: z.string(), url: z.string().optional(), snapshot: z.string().optional() })),
  figures: z.record(z.string(), z.strictObject({ title: z.string(), models: z.array(z.string()).min(1) })).default({}),
  models: z.array(z.strictObject({
    id: z.string(),
    name: z.string(),
    family: z.string(),
    scores: z.record(z.string(), PublishedValue),
  })),
  tables: z.record(z.string(), z.strictObject({
    source: z.string(),
    columns: z.array(z.string()),
    rows: z.array(z.strictObject({ model: z.string(), values: z.array(z.number()) })),
  })).default({}),
});

export type PublishedValue = z.infer<typeof PublishedValue>;
export type PublishedScores = z.infer<typeof PublishedFile> & { file: string };

/**
 * A published-scores reference: a path (relative to `cwd`), or the bare name of a bundled file in
 * configs/published/ (e.g. 'llava-family').
 */
export function resolvePublished(ref: string, cwd = process.cwd()): string {
  if (/^[A-Za-z0-9._-]+$/.test(ref) && !/\.ya?ml$/.test(ref)) {
    // A bare name is a bundled file only when one exists: `scores.json` or `my-scores` in cwd is a path.
    const bundled = path.join(path.dirname(DEFAULT_PUBLISHED_FILE), `${ref}.yaml`);
    if (existsSync(bundled)) return bundled;
  }
  return path.resolve(cwd, ref);
}

/** Read and validate a published-scores file; every value's source must be declared in `sources`. */
export async function loadPublished(file: string): Promise<PublishedScores> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError('published scores file not found', { file, cause: err, hint: 'check report.published in the config (a path, or a bundled name such as llava-family)' });
  }
  const { parse } = await import('yaml');
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new ConfigError(`published scores file is not valid YAML: ${(err as Error).message}`, { file, cause: err });
  }
  const parsed = PublishedFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // An unknown key is named by its own path, not its parent's.
    const unknown = issue.code === 'unrecognized_keys' ? issue.keys : [];
    throw new ConfigError(unknown.length ? `unknown field ${unknown.map((k) => `'${k}'`).join(', ')}` : issue.message, {
      file, field: [...issue.path, ...unknown.slice(0, 1)].join('.') || '(top level)', hint: 'fields: axes, sources, figures, models, tables (see configs/published/llava-family.yaml)',
    });
  }
  const data = parsed.data;
  data.models.forEach((m, i) => {
    for (const [axis, v] of Object.entries(m.scores)) {
      if (!data.sources[v.source]) {
        throw new ConfigError(`unknown source '${v.source}'`, { file, field: `models[${i}].scores.${axis}.source`, hint: 'declare it under sources' });
      }
    }
  });
  for (const [name, fig] of Object.entries(data.figures)) {
    for (const id of fig.models) {
      if (!data.models.some((m) => m.id === id)) {
        throw new ConfigError(`figure '${name}' names unknown model '${id}'`, { file, field: `figures.${name}.models` });
      }
    }
  }
  return { ...data, file };
}

/** Radar series for a figure of a published file (default: its `default` figure, else every model). */
export function publishedSeries(pub: PublishedScores, figure = 'default'): { title: string; series: RadarSeries[] } {
  const fig = pub.figures[figure];
  const ids = fig ? fig.models : pub.models.map((m) => m.id);
  const series = ids.map((id) => {
    const m = pub.models.find((x) => x.id === id)!;
    const values: Record<string, number> = {};
    for (const [axis, v] of Object.entries(m.scores)) values[axis] = v.value;
    return { name: `${m.name} (published)`, kind: 'published' as const, values };
  });
  return { title: fig?.title ?? path.basename(pub.file), series };
}

/** One row per published value, for the report's source table. */
export function publishedRows(pub: PublishedScores): Array<{ model: string; axis: string } & PublishedValue & { sourceTitle: string; url?: string }> {
  return pub.models.flatMap((m) => Object.entries(m.scores).map(([axis, v]) => ({
    model: m.name, axis, ...v, sourceTitle: pub.sources[v.source]!.title, url: pub.sources[v.source]!.url,
  })));
}
