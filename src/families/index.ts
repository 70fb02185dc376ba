import { ConfigError } from '../core/errors.ts';
import { didYouMean } from '../core/suggest.ts';
import { makeFamily } from './family.ts';
import { FAMILY_SPECS } from './specs.ts';
import type { Family, FamilyKey } from './types.ts';

export type { Family, FamilyKey, PreprocessedImage, PreprocessOptions, RenderOptions, TaskDefaults, TaskKind, VisionOverrides, VisionSpec } from './types.ts';
export { anyresLayout, DEFAULT_PINPOINTS, selectBestResolution, type AnyResLayout, type Pinpoint } from './anyres.ts';
export { renderTemplate, templateKeys, TEMPLATE_SOURCES, type TemplateSource, type Turn } from './templates/index.ts';
export { TASK_DEFAULTS } from './specs.ts';

/** The registry: one entry per family, in FAMILY_SPECS order. */
const FAMILIES: readonly Family[] = FAMILY_SPECS.map(makeFamily);

export function listFamilies(): Family[] {
  return [...FAMILIES];
}

export function isFamilyKey(key: string): key is FamilyKey {
  return FAMILIES.some((f) => f.key === key);
}

export function getFamily(key: string): Family {
  const family = FAMILIES.find((f) => f.key === key);
  if (!family) {
    throw new ConfigError(`unknown model family '${key}'${didYouMean(key, FAMILIES.map((f) => f.key))}`, {
      field: 'family',
      hint: `known families: ${FAMILIES.map((f) => f.key).join(', ')}`,
    });
  }
  return family;
}
