import { pathToFileURL } from 'node:url';
import type { Suite } from '../core/suite.ts';
import { ConfigError } from '../core/errors.ts';
import { didYouMean } from '../core/suggest.ts';

/** The one suite registry: suite name → the module that defines it (imported lazily). */
const SUITE_MODULES: Record<string, string> = {
  conversation: '../../suites/llava-bench/index.ts',
  detail: '../../suites/llava-bench/index.ts',
  reasoning: '../../suites/llava-bench/index.ts',
  'llava-bench': '../../suites/llava-bench/index.ts',
  scienceqa: '../../suites/scienceqa/index.ts',
  ocr: '../../suites/ocr/index.ts',
  textvqa: '../../suites/ocr/index.ts',
  ocrbench: '../../suites/ocr/index.ts',
  docvqa: '../../suites/ocr/index.ts',
  vqav2: '../../suites/vqav2/index.ts',
  gqa: '../../suites/gqa/index.ts',
  vizwiz: '../../suites/vizwiz/index.ts',
  pope: '../../suites/pope/index.ts',
  mme: '../../suites/mme/index.ts',
  mmbench: '../../suites/mmbench/index.ts',
  'mmbench-cn': '../../suites/mmbench/index.ts',
  'seed-bench': '../../suites/seed-bench/index.ts',
  'mm-vet': '../../suites/mm-vet/index.ts',
  latency: '../../suites/latency/index.ts',
  throughput: '../../suites/throughput/index.ts',
};

export const KNOWN_SUITES = Object.keys(SUITE_MODULES);

const isModulePath = (name: string) => name.startsWith('/') || /\.[cm]?[jt]s$/.test(name);

/**
 * Load a suite by name, or from a user module path (which must export `suites: Suite[]`; the first
 * one is used unless its name matches).
 */
export async function loadSuite(name: string, field: string): Promise<Suite> {
  const url = isModulePath(name) ? pathToFileURL(name).href : SUITE_MODULES[name] && new URL(SUITE_MODULES[name]!, import.meta.url).href;
  if (!url) throw new ConfigError(`unknown suite '${name}'${didYouMean(name, KNOWN_SUITES)}`, { field, hint: `known suites: ${KNOWN_SUITES.join(', ')}, or a path to your own suite module` });
  let mod: { suites?: Suite[] };
  try {
    mod = (await import(url)) as { suites?: Suite[] };
  } catch (err) {
    throw new ConfigError(`cannot load suite '${name}': ${(err as Error).message}`, { field, cause: err });
  }
  const list = mod.suites ?? [];
  const suite = isModulePath(name) ? list[0] : list.find((s) => s.name === name);
  if (!suite) throw new ConfigError(`module for suite '${name}' does not define it`, { field });
  return suite;
}
