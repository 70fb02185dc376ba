import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SampleRecord } from '../../src/core/record.ts';
import { readSamples } from '../../src/results/files.ts';
import { Journal, sampleKey } from '../../src/runner/journal.ts';
import { inShard } from '../../src/runner/shard.ts';
import { tempDir } from '../helpers/run-config.ts';

const rec = (id: string): SampleRecord => ({
  key: sampleKey('m', 's', id), model: 'm', suite: 's', sampleId: id, repeat: 0, scores: { acc: 1 }, finishedAt: '2026-01-01T00:00:00Z',
});

describe('Journal', () => {
  it('appends each record once and reloads them', async () => {
    const dir = tempDir();
    const { journal } = await Journal.open(dir);
    expect(journal.append(rec('a'))).toBe(true);
    expect(journal.append(rec('a'))).toBe(false);
    expect(journal.append(rec('b'))).toBe(true);
    journal.close();
    const again = await Journal.open(dir);
    expect(again.existing.map((r) => r.sampleId).sort()).toEqual(['a', 'b']);
    expect(again.journal.has(rec('a').key)).toBe(true);
    again.journal.close();
  });

  it('drops a line torn by a kill so the next append starts on a fresh line', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'samples.jsonl');
    writeFileSync(file, `${JSON.stringify(rec('a'))}\n`);
    appendFileSync(file, JSON.stringify(rec('b')).slice(0, 30));
    const { journal, existing } = await Journal.open(dir);
    expect(existing.map((r) => r.sampleId)).toEqual(['a']);
    journal.append(rec('c'));
    journal.close();
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n').filter(Boolean).map((l) => JSON.parse(l).sampleId)).toEqual(['a', 'c']);
  });

  it('a corrupt line in the middle is an error naming file and line', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'samples.jsonl'), `${JSON.stringify(rec('a'))}\n{oops\n${JSON.stringify(rec('b'))}\n`);
    await expect(readSamples(dir)).rejects.toMatchObject({ code: 'E_DATASET', line: 2 });
  });

  it('sample keys are stable and distinguish every field', () => {
    expect(sampleKey('m', 's', 'x')).toBe(sampleKey('m', 's', 'x', 0));
    const keys = new Set([sampleKey('m', 's', 'x'), sampleKey('m2', 's', 'x'), sampleKey('m', 's2', 'x'), sampleKey('m', 's', 'x2'), sampleKey('m', 's', 'x', 1)]);
    expect(keys.size).toBe(5);
  });
});

describe('inShard', () => {
  it('partitions samples: each in exactly one shard, roughly balanced', () => {
    const ids = Array.from({ length: 3000 }, (_, i) => `q${i}`);
    const counts = [0, 1, 2].map((index) => ids.filter((id) => inShard('suite', id, { index, count: 3 })).length);
    expect(counts.reduce((a, b) => a + b)).toBe(3000);
    for (const c of counts) expect(c).toBeGreaterThan(900);
    for (const id of ids.slice(0, 50)) expect([0, 1, 2].filter((index) => inShard('suite', id, { index, count: 3 }))).toHaveLength(1);
  });
});
