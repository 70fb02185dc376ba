import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KNOWN_SUITES } from '../../src/runner/suites.ts';
import { runCli } from '../helpers/cli.ts';
import { startJudgeStandin, type JudgeStandin } from '../helpers/judge-standin.ts';
import { tempDir } from '../helpers/run-config.ts';
import { loadItems, oracle, plantedJudge, quickstartSuites, wrongAnswer, writePlantedConfig, type SuiteEntry } from './planted.ts';

/**
 * Every suite in the registry, run twice through the real CLI with answers that change its per-sample
 * scores (wrong everywhere, then the reference answer), must give `compare` paired items (n > 0) on its
 * headline. A suite added without a pairing declaration fails at load (defineSuite), and one whose
 * declaration names keys its records do not carry shows n 0 here: either way this test fails.
 */
let dir: string;
let judge: JudgeStandin;
let rows: Array<Record<string, string>>;

beforeAll(async () => {
  dir = tempDir('vlmbench-pairing-registry-');
  judge = await startJudgeStandin(plantedJudge);
  const shipped = new Map(quickstartSuites().map((s) => [s.name, s]));
  const suites: SuiteEntry[] = KNOWN_SUITES.map((name) => shipped.get(name) ?? { name, limit: 4, maxTokens: 16 });
  const right: Record<string, string> = {};
  const wrongTable: Record<string, string> = {};
  for (const s of suites) for (const item of await loadItems(s)) { right[item.id] = oracle(item.doc); wrongTable[item.id] = wrongAnswer(item.doc); }
  const run = async (name: string, table: Record<string, string>) => {
    const config = writePlantedConfig(dir, name, { models: [{ id: 'm', table, build: name }], suites, judgeUrl: judge.url });
    const r = await runCli(['run', config, '--run-id', name]);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    return path.join(dir, 'results', name);
  };
  // "BAD" also makes the judge stand-in score LLaVA-Bench answers 2/10 and MM-Vet answers 0.2.
  const wrong = await run('wrong', wrongTable);
  const good = await run('right', right);
  const md = await runCli(['compare', wrong, good, '--format', 'md']);
  expect(md.code, md.stderr).toBe(0);
  const lines = md.stdout.split('\n').filter((l) => l.startsWith('| '));
  const split = (l: string) => l.slice(2, -2).split(/(?<!\\) \| /);
  const head = split(lines[0]!);
  rows = lines.slice(1).map(split).filter((c) => c.length === head.length && c[0] !== '---').map((c) => Object.fromEntries(head.map((h, i) => [h, c[i]!])));
}, 240_000);
afterAll(async () => { await judge?.close(); });

describe('every registered suite pairs in compare', () => {
  it.each(KNOWN_SUITES)('%s: n > 0 on its headline, and the changed per-sample scores show', (suite) => {
    const row = rows.find((r) => r.suite === suite);
    expect(row, `no compare row for ${suite}`).toBeDefined();
    expect(Number(row!.n), `${suite}: ${row!.test}`).toBeGreaterThan(0);
    expect(row!.test).not.toMatch(/^none|UNPAIRED/);
    // Quality suites: items moved from wrong to right; perf suites: per-request distributions were compared.
    if (row!.test!.startsWith('distribution')) expect(row!['p (2-sided)']).not.toBe('—');
    else expect(Number((row!['flips −/+'] ?? '').split('/')[1]), `${suite} ${row!.metric}`).toBeGreaterThan(0);
  });
});
