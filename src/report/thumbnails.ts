import { createRequire } from 'node:module';
import { access, readdir } from 'node:fs/promises';
import path from 'node:path';

export interface ThumbnailOptions {
  /** Longest side in pixels. */
  size?: number;
  /** JPEG quality. */
  quality?: number;
  /** Stop adding thumbnails past this many bytes in total (the report must stay small). */
  maxTotalBytes?: number;
  /** At most this many distinct images get a thumbnail. */
  maxCount?: number;
  /** Make them in a worker thread (default), so the main thread renders charts meanwhile. */
  worker?: boolean;
}

export const DEFAULT_THUMBNAILS: Required<ThumbnailOptions> = { size: 64, quality: 55, maxTotalBytes: 1_000_000, maxCount: 400, worker: true };

export interface Thumbnails {
  /** data:image/jpeg URIs. */
  uris: string[];
  /** Absolute image path → index into uris (missing = no thumbnail). */
  index: Map<string, number>;
  /** Images left without a thumbnail because a cap was reached. */
  skipped: number;
}

type Job = { size: number; quality: number; files: string[] };

/**
 * Runs in a worker (plain CommonJS, so it needs no TypeScript loader): sharp's per-call setup costs
 * ~2 ms of the calling thread, which for 1,000 images would otherwise stall chart rendering.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const sharp = require(workerData.sharpPath);
const job = workerData.job;
(async () => {
  const out = new Array(job.files.length).fill(null);
  let next = 0;
  async function one() {
    while (next < job.files.length) {
      const i = next++;
      try {
        const buf = await sharp(job.files[i], { failOn: 'none' })
          .resize(job.size, job.size, { fit: 'inside', withoutEnlargement: true })
          .flatten({ background: '#ffffff' }).jpeg({ quality: job.quality }).toBuffer();
        out[i] = buf.toString('base64');
      } catch { out[i] = null; }
    }
  }
  await Promise.all([one(), one(), one(), one()]);
  parentPort.postMessage(out);
})();
`;

async function encodeInProcess(job: Job): Promise<Array<string | null>> {
  const { default: sharp } = await import('sharp');
  const out: Array<string | null> = new Array<string | null>(job.files.length).fill(null);
  let next = 0;
  const one = async () => {
    while (next < job.files.length) {
      const i = next++;
      try {
        const buf = await sharp(job.files[i]!, { failOn: 'none' })
          .resize(job.size, job.size, { fit: 'inside', withoutEnlargement: true })
          .flatten({ background: '#ffffff' }).jpeg({ quality: job.quality }).toBuffer();
        out[i] = buf.toString('base64');
      } catch { out[i] = null; }
    }
  };
  await Promise.all([one(), one(), one(), one()]);
  return out;
}

async function encodeInWorker(job: Job): Promise<Array<string | null>> {
  const { Worker } = await import('node:worker_threads');
  const sharpPath = createRequire(import.meta.url).resolve('sharp');
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { sharpPath, job } });
    w.once('message', (m: Array<string | null>) => { resolve(m); void w.terminate(); });
    w.once('error', reject);
    w.once('exit', (code) => { if (code !== 0) reject(new Error(`thumbnail worker exited with ${code}`)); });
  });
}

/**
 * Small data-URI JPEGs, one per distinct image file (the caller deduplicates by resolved path), made
 * with sharp. The page embeds them as data, never as links to local files. Unreadable images, and
 * images past the count or byte cap, get no thumbnail.
 */
export async function makeThumbnails(files: readonly string[], opts: ThumbnailOptions = {}): Promise<Thumbnails> {
  const o = { ...DEFAULT_THUMBNAILS, ...opts };
  const unique = [...new Set(files)];
  const chosen = unique.slice(0, o.maxCount);
  const job: Job = { size: o.size, quality: o.quality, files: chosen };
  let encoded: Array<string | null> = [];
  if (chosen.length > 0) {
    // A worker that cannot start (restricted environments) must not cost the report its thumbnails.
    encoded = o.worker ? await encodeInWorker(job).catch(() => encodeInProcess(job)) : await encodeInProcess(job);
  }
  const result: Thumbnails = { uris: [], index: new Map(), skipped: unique.length - chosen.length };
  let bytes = 0;
  chosen.forEach((file, i) => {
    const b64 = encoded[i];
    if (!b64) return;
    const uri = `data:image/jpeg;base64,${b64}`;
    if (bytes + uri.length > o.maxTotalBytes) { result.skipped++; return; }
    bytes += uri.length;
    result.index.set(file, result.uris.length);
    result.uris.push(uri);
  });
  return result;
}

/**
 * Where an image named in a sample lives: absolute paths as is, otherwise relative to the suite's
 * dataset folder (manifest.datasets), then to the run directory.
 */
export async function resolveImage(name: string, candidatesDirs: readonly string[]): Promise<string | undefined> {
  const candidates = path.isAbsolute(name) ? [name] : candidatesDirs.map((d) => path.resolve(d, name));
  for (const c of candidates) {
    try {
      await access(c);
      return c;
    } catch { /* try the next folder */ }
  }
  return undefined;
}

const IMAGE_EXT = /\.(jpe?g|png|webp|gif|bmp|tiff?)$/i;

/** Image files under `root` (relative paths with '/'), breadth-first, bounded so a huge tree stays cheap. */
async function listImages(root: string, maxFiles = 50_000, maxDepth = 5): Promise<string[]> {
  const out: string[] = [];
  let level = [''];
  for (let depth = 0; depth <= maxDepth && level.length && out.length < maxFiles; depth++) {
    const next: string[] = [];
    for (const rel of level) {
      const entries = await readdir(path.join(root, rel), { withFileTypes: true }).catch(() => []);
      for (const d of entries) {
        const p = rel ? `${rel}/${d.name}` : d.name;
        if (d.isDirectory()) next.push(p);
        else if (IMAGE_EXT.test(d.name)) out.push(p);
      }
    }
    level = next;
  }
  return out;
}

/**
 * For names that are not where the layout says: the file under `root` whose path ends with the name
 * (`3/image.png` finds `images/test/3/image.png`). Key: `${root}\u0000${name}`.
 */
export async function findBySuffix(wanted: ReadonlyArray<{ name: string; root?: string }>): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const byRoot = new Map<string, string[]>();
  for (const w of wanted) if (w.root && !path.isAbsolute(w.name)) byRoot.set(w.root, [...(byRoot.get(w.root) ?? []), w.name]);
  for (const [root, names] of byRoot) {
    const files = await listImages(root);
    const byBase = new Map<string, string[]>();
    for (const f of files) {
      const base = f.slice(f.lastIndexOf('/') + 1);
      byBase.set(base, [...(byBase.get(base) ?? []), f]);
    }
    for (const name of names) {
      const norm = name.replace(/\\/g, '/').replace(/^\.\//, '');
      const hit = (byBase.get(norm.slice(norm.lastIndexOf('/') + 1)) ?? []).find((f) => f === norm || f.endsWith(`/${norm}`));
      if (hit) found.set(`${root}\u0000${name}`, path.join(root, hit));
    }
  }
  return found;
}
