import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, statSync, truncateSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { SampleRecord } from '../core/record.ts';
import { readSamples, RUN_FILES } from '../results/files.ts';

/** Stable identity of a (model, suite, sample, repeat): resume and merge dedupe on it. */
export function sampleKey(model: string, suite: string, sampleId: string, repeat = 0): string {
  return createHash('sha256').update(`${model}\0${suite}\0${sampleId}\0${repeat}`).digest('hex').slice(0, 24);
}

/**
 * Append-only samples.jsonl. Each record is written with one write(2) on an O_APPEND descriptor before
 * the sample counts as done, so a killed process loses at most the requests in flight; fsync on close
 * (and every `fsyncEvery` records) covers machine crashes.
 */
export class Journal {
  readonly file: string;
  private fd: number;
  private readonly keys = new Set<string>();
  private sinceSync = 0;

  private constructor(file: string, done: SampleRecord[], private readonly fsyncEvery: number) {
    this.file = file;
    for (const r of done) this.keys.add(r.key);
    this.fd = openSync(file, 'a');
  }

  /**
   * `retryErrors`: samples whose last record is an error count as not done, so they run again; the new
   * record is appended and readers keep the last record per key (readSamples).
   */
  static async open(runDir: string, opts: { fsyncEvery?: number; retryErrors?: boolean } = {}): Promise<{ journal: Journal; existing: SampleRecord[] }> {
    mkdirSync(runDir, { recursive: true });
    dropTornTail(path.join(runDir, RUN_FILES.samples));
    const all = await readSamples(runDir);
    const existing = opts.retryErrors ? all.filter((r) => !r.error) : all;
    const file = path.join(runDir, RUN_FILES.samples);
    return { journal: new Journal(file, existing, opts.fsyncEvery ?? 256), existing };
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  get size(): number {
    return this.keys.size;
  }

  /** Returns false (and writes nothing) when the key is already journaled. */
  append(rec: SampleRecord): boolean {
    if (this.keys.has(rec.key)) return false;
    writeSync(this.fd, `${JSON.stringify(rec)}\n`);
    this.keys.add(rec.key);
    if (++this.sinceSync >= this.fsyncEvery) { fsyncSync(this.fd); this.sinceSync = 0; }
    return true;
  }

  close(): void {
    if (this.fd < 0) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
  }
}

/** A write cut off by a kill leaves a line without its newline: drop it so the next append starts clean. */
function dropTornTail(file: string): void {
  if (!existsSync(file)) return;
  const size = statSync(file).size;
  if (size === 0) return;
  const last = Buffer.alloc(1);
  const fd = openSync(file, 'r');
  try { readSync(fd, last, 0, 1, size - 1); } finally { closeSync(fd); }
  if (last[0] === 0x0a) return;
  const buf = readFileSync(file);
  truncateSync(file, buf.lastIndexOf(0x0a) + 1);
}
