/**
 * The suite registry's declarations for the suites two runs contain: compare and gate pair samples on
 * them (HeadlinePairing) and the gate checks policy metrics against them.
 */
import type { HeadlinePairing } from '../core/suite.ts';
import type { RunManifest } from '../results/manifest.ts';
import { suiteIdOf } from '../runner/context.ts';
import { KNOWN_SUITES, loadSuite } from '../runner/suites.ts';
import type { SuiteConfig } from '../config/schema.ts';

export interface SuiteCatalog {
  /** Suite id (as in records) → its pairing declarations. */
  pairings: Map<string, readonly HeadlinePairing[]>;
  /** Suite id → the metric keys the suite declares. */
  metrics: Map<string, string[]>;
  /** Every metric any registered suite declares (perf gates name metrics, not suites). */
  registryMetrics: Set<string>;
}

/**
 * Suite id → registry name or module path: from each manifest's config, else the id itself. A suite given
 * by module path has its records under the `name` the module declares (as the runner's plan does), so the
 * module is loaded to learn it; one that no longer loads falls back to its file name and finds nothing.
 */
async function suiteNames(manifests: ReadonlyArray<RunManifest | undefined>, ids: Iterable<string>): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const declared = new Map<string, string>();
  for (const m of manifests) {
    const suites = (m?.config as { suites?: SuiteConfig[] } | undefined)?.suites;
    if (!Array.isArray(suites)) continue;
    for (const s of suites) {
      if (!s || typeof s.name !== 'string') continue;
      if (s.name.includes('/') && s.id === undefined && !declared.has(s.name)) {
        const suite = await loadSuite(s.name, `suite '${s.name}'`).catch(() => undefined);
        if (suite) declared.set(s.name, suite.name);
      }
      names.set(suiteIdOf(s, declared), s.name);
    }
  }
  for (const id of ids) if (!names.has(id) && KNOWN_SUITES.includes(id)) names.set(id, id);
  return names;
}

/** Load the declarations of the given suite ids; a suite that cannot be loaded is left out (its rows say so). */
export async function loadSuiteCatalog(manifests: ReadonlyArray<RunManifest | undefined>, ids: Iterable<string>): Promise<SuiteCatalog> {
  const catalog: SuiteCatalog = { pairings: new Map(), metrics: new Map(), registryMetrics: new Set() };
  for (const name of KNOWN_SUITES) {
    const suite = await loadSuite(name, `suite '${name}'`).catch(() => undefined);
    for (const m of Object.keys(suite?.metrics ?? {})) catalog.registryMetrics.add(m);
  }
  for (const [id, name] of await suiteNames(manifests, ids)) {
    try {
      const suite = await loadSuite(name, `suite '${id}'`);
      catalog.pairings.set(id, suite.pairing);
      catalog.metrics.set(id, Object.keys(suite.metrics));
    } catch {
      // An unknown or moved custom suite module: compare/gate report "no pairing declaration" for it.
    }
  }
  return catalog;
}
