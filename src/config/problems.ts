import type { z } from 'zod';
import { didYouMean } from '../core/suggest.ts';

/**
 * Schema problems in words a user can act on: every issue zod reports, an unknown key with the
 * closest allowed key, a bad enum / discriminator value with the allowed ones.
 */

export type PathKey = string | number;

export interface Problem {
  path: PathKey[];
  message: string;
}

// zod 4 keeps a schema's structure in `_zod.def`; only the parts needed to find allowed keys are read.
interface Def {
  type: string;
  shape?: Record<string, { _zod: { def: Def } }>;
  element?: { _zod: { def: Def } };
  innerType?: { _zod: { def: Def } };
  in?: { _zod: { def: Def } };
  options?: { _zod: { def: Def } }[];
  discriminator?: string;
  valueType?: { _zod: { def: Def } };
  values?: unknown[];
}
const defOf = (s: unknown): Def | undefined => (s as { _zod?: { def?: Def } })?._zod?.def;

function valueAt(data: unknown, path: readonly PathKey[]): unknown {
  let v = data;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PathKey, unknown>)[k] : undefined;
  return v;
}

/** The object schema at `path` (through arrays, optionals, defaults and unions chosen by the data). */
function objectDefAt(schema: unknown, path: readonly PathKey[], data: unknown): Def | undefined {
  let def = defOf(schema);
  let i = 0;
  while (def) {
    if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(def.type)) { def = defOf(def.innerType); continue; }
    if (def.type === 'pipe') { def = defOf(def.in); continue; }
    if (def.type === 'union') {
      const here = valueAt(data, path.slice(0, i));
      const objects = (def.options ?? []).map(defOf).filter((d): d is Def => d?.type === 'object');
      const disc = def.discriminator;
      const chosen = disc && here && typeof here === 'object'
        ? objects.find((o) => defOf(o.shape?.[disc])?.values?.includes((here as Record<string, unknown>)[disc]))
        : undefined;
      def = chosen ?? objects[0];
      continue;
    }
    if (i === path.length) return def.type === 'object' ? def : undefined;
    const key = path[i++]!;
    if (def.type === 'object') def = defOf(def.shape?.[key as string]);
    else if (def.type === 'array') def = defOf(def.element);
    else if (def.type === 'record') def = defOf(def.valueType);
    else return undefined;
  }
  return undefined;
}

const show = (v: unknown) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v));
const kindOf = (v: unknown) => (v === undefined ? 'nothing' : v === null ? 'null (an empty value)' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `${typeof v} ${show(v)}`);

function describe(issue: z.core.$ZodIssue, schema: unknown, data: unknown): Problem[] {
  const path = issue.path as PathKey[];
  const value = valueAt(data, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const def = objectDefAt(schema, path, data);
      const here = valueAt(data, path) as Record<string, unknown> | undefined;
      const allowed = Object.keys(def?.shape ?? {}).filter((k) => !(here && k in here));
      return issue.keys.map((k) => ({ path: [...path, k], message: `unknown field '${k}'${didYouMean(k, allowed)}` }));
    }
    case 'invalid_union': {
      const u = issue as { note?: string; discriminator?: string; options?: unknown[]; errors?: z.core.$ZodIssue[][] };
      if (u.discriminator !== undefined || u.options) {
        const allowed = (u.options ?? []).map(String);
        if (value === undefined) return [{ path, message: `required field is missing: one of ${allowed.join(', ')}` }];
        return [{ path, message: `${show(value)} is not a known ${u.discriminator ?? 'value'} (allowed: ${allowed.join(', ')})${typeof value === 'string' ? didYouMean(value, allowed) : ''}` }];
      }
      const forms = (u.errors ?? []).map((branch) => branch[0]?.message.replace(/^Invalid input: /, '')).filter(Boolean);
      return [{ path, message: `${kindOf(value)} matches none of the allowed forms${forms.length ? ` (${forms.join('; or ')})` : ''}` }];
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => String(v));
      return [{ path, message: `${value === undefined ? 'a missing value' : show(value)} is not allowed (allowed: ${allowed.join(', ')})${typeof value === 'string' ? didYouMean(value, allowed) : ''}` }];
    }
    case 'invalid_type':
      return [{ path, message: value === undefined ? `required field is missing (expected ${issue.expected})` : `expected ${issue.expected}, got ${kindOf(value)}` }];
    default:
      return [{ path, message: value === undefined ? issue.message : `${issue.message} (got ${kindOf(value)})` }];
  }
}

/** Every problem of a failed parse, in zod's order. */
export function describeProblems(error: z.ZodError, schema: unknown, data: unknown): Problem[] {
  return error.issues.flatMap((issue) => describe(issue, schema, data));
}

/** How many problems one error lists before "… and N more". */
export const MAX_LISTED_PROBLEMS = 10;
