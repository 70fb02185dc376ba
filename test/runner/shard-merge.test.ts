import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { tempDir, writeEchoConfig } from '../helpers/run-config.ts';

const journal = (dir: string) => readFileSync(path.join(dir, 'samples.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const strip = ({ finishedAt: _f, timings: _t, shard: _s, ...rest }: Record<string, unknown>) => rest;
const summaryResults = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')).results;

describe('sharded runs and merge', () => {
  it('3 shards merged equal the unsharded run, sample for sample and in the summary', async () => {
    const dir = tempDir();
    const config = writeEchoConfig(dir, { count: 30, isolate: false });
    const full = await runCli(['run', config, '--run-id', 'full']);
    expect(full.code, full.stderr).toBe(0);
    const shardDirs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await runCli(['run', config, '--run-id', 'part', '--shard', `${i}/3`]);
      expect(r.code, r.stderr).toBe(0);
      shardDirs.push(path.join(dir, 'results', `part-shard${i}of3`));
    }
    const sizes = shardDirs.map((d) => journal(d).length);
    expect(sizes.reduce((a, b) => a + b)).toBe(30);
    expect(Math.min(...sizes)).toBeGreaterThan(0);

    const merged = path.join(dir, 'results', 'merged');
    const m = await runCli(['merge', ...shardDirs, '--out', merged]);
    expect(m.code, m.stderr).toBe(0);
    const bySample = (rows: Record<string, unknown>[]) => rows.map(strip).sort((a, b) => String(a.sampleId).localeCompare(String(b.sampleId)));
    expect(bySample(journal(merged))).toEqual(bySample(journal(path.join(dir, 'results', 'full'))));
    expect(summaryResults(merged)).toEqual(summaryResults(path.join(dir, 'results', 'full')));
  }, 60_000);

  it('shard index and count come from a Kubernetes Indexed Job environment', async () => {
    const dir = tempDir();
    const config = writeEchoConfig(dir, { count: 9, isolate: false });
    const r = await runCli(['run', config, '--run-id', 'k8s'], { JOB_COMPLETION_INDEX: '1', VLMBENCH_SHARD_COUNT: '3' });
    expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'results', 'k8s-shard1of3', 'manifest.json'), 'utf8'));
    expect(manifest.shard).toEqual({ index: 1, count: 3 });
  }, 30_000);

  it('refuses to merge shards of different configs', async () => {
    const a = tempDir();
    const b = tempDir();
    await runCli(['run', writeEchoConfig(a, { count: 4, isolate: false }), '--run-id', 'x', '--shard', '0/2']);
    await runCli(['run', writeEchoConfig(b, { count: 5, isolate: false }), '--run-id', 'x', '--shard', '1/2']);
    const r = await runCli(['merge', path.join(a, 'results', 'x-shard0of2'), path.join(b, 'results', 'x-shard1of2'), '--out', path.join(a, 'm')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/different config/);
  }, 30_000);

  it('performance suites run once per sharded run (shard 0), and merge writes the report', async () => {
    const dir = tempDir();
    const config = writeEchoConfig(dir, { count: 6, isolate: false });
    // A latency suite beside the echo suite, and reports on.
    const text = readFileSync(config, 'utf8')
      .replace('suites:\n', 'suites:\n  - { name: latency, maxTokens: 4, options: { requests: 2, repeats: 1, warmup: 0, images: none } }\n')
      .replace('report:\n  enabled: false', 'report:\n  enabled: true');
    writeFileSync(config, text);
    const shardDirs = [0, 1].map((i) => path.join(dir, 'results', `perf-shard${i}of2`));
    for (const i of [0, 1]) {
      const r = await runCli(['run', config, '--run-id', 'perf', '--shard', `${i}/2`, '--no-report']);
      expect(r.code, r.stderr).toBe(0);
    }
    const latencyLines = (d: string) => journal(d).filter((l) => l.suite === 'latency').length;
    expect(latencyLines(shardDirs[0]!)).toBeGreaterThan(0);
    expect(latencyLines(shardDirs[1]!)).toBe(0);
    const shard1 = JSON.parse(readFileSync(path.join(shardDirs[1]!, 'summary.json'), 'utf8')) as { results: Array<{ suite: string; notes?: string[] }> };
    expect(shard1.results.find((r) => r.suite === 'latency')!.notes).toContain('performance suites run on shard 0 of 2 only');

    const merged = path.join(dir, 'results', 'merged');
    const m = await runCli(['merge', ...shardDirs, '--out', merged]);
    expect(m.code, m.stderr).toBe(0);
    expect(latencyLines(merged)).toBe(latencyLines(shardDirs[0]!));
    expect(m.stdout).toMatch(/report: {2}.*report\.html/);
    expect(existsSync(path.join(merged, 'report.html'))).toBe(true);
  }, 90_000);
});
