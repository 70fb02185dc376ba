import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { HardwareFingerprint, ModelFileEntry } from '../results/manifest.ts';

export const sha256 = (text: string | Uint8Array): string => createHash('sha256').update(text).digest('hex');

/** Stable JSON (sorted keys) so hashes do not depend on key order. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function hardwareFingerprint(): HardwareFingerprint {
  const cpus = os.cpus();
  const gpus = queryGpus();
  const base = {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    gpus,
    platform: `${process.platform}-${process.arch}`,
  };
  return { ...base, id: sha256(stableStringify(base)).slice(0, 12) };
}

function queryGpus(): string[] {
  const r = spawnSync('nvidia-smi', ['--query-gpu=name,memory.total', '--format=csv,noheader'], { encoding: 'utf8', timeout: 5000 });
  if (r.status !== 0 || !r.stdout) return [];
  return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

export function gitCommit(cwd: string): string | undefined {
  const r = spawnSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', timeout: 5000 });
  if (r.status !== 0) return undefined;
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8', timeout: 5000 });
  return `${r.stdout.trim()}${dirty.stdout?.trim() ? '-dirty' : ''}`;
}

async function hashFile(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * sha256 of model files, cached by (path, size, mtime) so multi-GB weights are hashed once.
 * Directories are expanded to the files inside them.
 */
export async function hashModelFiles(paths: string[], cacheFile: string): Promise<ModelFileEntry[]> {
  let cache: Record<string, string> = {};
  try { cache = JSON.parse(await readFile(cacheFile, 'utf8')) as Record<string, string>; } catch { /* first use */ }
  const out: ModelFileEntry[] = [];
  let changed = false;
  for (const file of await expandFiles(paths)) {
    const st = await stat(file);
    const key = `${file}\0${st.size}\0${st.mtimeMs}`;
    let digest = cache[key];
    if (!digest) { digest = await hashFile(file); cache[key] = digest; changed = true; }
    out.push({ path: file, size: st.size, sha256: digest });
  }
  if (changed) {
    await mkdir(path.dirname(cacheFile), { recursive: true });
    await writeFile(cacheFile, JSON.stringify(cache));
  }
  return out;
}

async function expandFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const st = await stat(p).catch(() => undefined);
    if (!st) continue;
    if (st.isDirectory()) {
      const entries = await readdir(p, { recursive: true, withFileTypes: true });
      for (const e of entries) if (e.isFile()) out.push(path.join(e.parentPath, e.name));
    } else out.push(p);
  }
  return out.sort();
}

/**
 * Hash of a dataset folder's index files (JSON/JSONL) plus the names and sizes of everything else:
 * enough to notice a changed or swapped dataset without reading every image.
 */
export async function hashDataset(dir: string): Promise<string> {
  const h = createHash('sha256');
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)).sort();
  for (const f of files) {
    const rel = path.relative(dir, f);
    if (/\.jsonl?$/.test(f)) h.update(`${rel}\0`).update(await readFile(f));
    else h.update(`${rel}\0${(await stat(f)).size}\0`);
  }
  return h.digest('hex');
}
