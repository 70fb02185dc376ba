/**
 * Model downloads a user can watch: `hf:` and http(s) model URIs are fetched into a cache folder with
 * progress lines, resumed from the `.part` file an interrupted download leaves (HTTP Range), after a
 * fast reachability probe so an offline machine fails in seconds instead of hanging, and checked
 * against the size and sha256 the server states (Hugging Face sends the LFS sha256 as `x-linked-etag`,
 * as `huggingface_hub` `file_download.py` reads it).
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import path from 'node:path';
import { ModelFileError } from '../core/errors.ts';
import { REPO_ROOT } from '../fixtures/paths.ts';

export const isRemoteModelUri = (p: string): boolean => /^(hf:|https?:\/\/)/.test(p);

/** Where remote model files are cached (VLMBENCH_MODELS_DIR overrides). */
export function modelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.VLMBENCH_MODELS_DIR ? path.resolve(env.VLMBENCH_MODELS_DIR) : path.join(REPO_ROOT, '.cache', 'models');
}

/** The Hugging Face endpoint, honouring the same variables as llama.cpp and node-llama-cpp. */
export function hfEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  const e = env.MODEL_ENDPOINT ?? env.HF_ENDPOINT ?? 'https://huggingface.co';
  return e.endsWith('/') ? e : `${e}/`;
}

/** The URL a model URI downloads from: `hf:<user>/<repo>/<file>[#branch]` → `<endpoint><user>/<repo>/resolve/<branch>/<file>`. */
export function downloadUrl(uri: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!uri.startsWith('hf:')) return uri;
  const [spec, branch = 'main'] = uri.slice(3).split('#');
  const [user, repo, ...file] = spec!.split('/');
  if (!user || !repo || !file.length) {
    throw new ModelFileError(`cannot parse ${uri}`, { file: uri, hint: 'write hf:<user>/<repo>/<file>.gguf (optionally #<branch>)' });
  }
  return `${hfEndpoint(env)}${user}/${repo}/resolve/${branch}/${file.join('/')}`;
}

export interface PullProgress {
  uri: string;
  downloaded: number;
  total: number;
  bytesPerSecond: number;
  etaSeconds: number;
}

export interface PullOptions {
  dir?: string;
  env?: NodeJS.ProcessEnv;
  onProgress?: (p: PullProgress) => void;
  signal?: AbortSignal;
  /** How long the reachability probe waits before calling the host unreachable. */
  probeTimeoutMs?: number;
}

/** Where a model URI is cached: `<dir>/hf/<user>/<repo>/<file>` or `<dir>/url/<host>/<path>`. */
export function cachePath(uri: string, dir: string): string {
  if (uri.startsWith('hf:')) return path.join(dir, 'hf', ...uri.slice(3).split('#')[0]!.split('/'));
  const u = new URL(uri);
  return path.join(dir, 'url', u.host.replace(/[^\w.-]/g, '_'), ...u.pathname.split('/').filter(Boolean));
}

/** The cached copy of a remote model file, or undefined when it has not been downloaded (nothing is fetched). */
export async function cachedModelFile(uri: string, dir: string): Promise<string | undefined> {
  const file = cachePath(uri, dir);
  return (await stat(file).then((s) => s.isFile(), () => false)) ? file : undefined;
}

/** HEAD the file: undefined when the host answers, otherwise why it cannot be reached. Also returns the stated sha256. */
export async function probe(url: string, timeoutMs: number): Promise<{ unreachable?: string; sha256?: string; size?: number }> {
  try {
    const res = await fetch(url, { method: 'HEAD', redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
    if (res.status === 404) return { unreachable: `${new URL(url).host} answers 404: no such file` };
    if (res.status === 401 || res.status === 403) return { unreachable: `${new URL(url).host} answers ${res.status}: the file needs an access token (HF_TOKEN)` };
    const etag = res.headers.get('x-linked-etag') ?? res.headers.get('etag') ?? '';
    const sha = /^"?([0-9a-f]{64})"?$/.exec(etag.trim())?.[1];
    const size = Number(res.headers.get('x-linked-size') ?? res.headers.get('content-length') ?? NaN);
    return { sha256: sha, size: Number.isFinite(size) ? size : undefined };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why = e.name === 'TimeoutError' ? `no answer in ${Math.round(timeoutMs / 1000)} s` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { unreachable: `cannot reach ${new URL(url).host} (${why})` };
  }
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Download one model URI into the cache (or return the cached copy) with progress; resumes a partial download. */
export async function pullModelFile(uri: string, opts: PullOptions = {}): Promise<string> {
  const env = opts.env ?? process.env;
  const dir = opts.dir ?? modelsDir(env);
  const cached = await cachedModelFile(uri, dir);
  if (cached) return cached;
  const url = downloadUrl(uri, env);
  if (env.VLMBENCH_OFFLINE) {
    throw new ModelFileError(`${uri} is not downloaded and VLMBENCH_OFFLINE is set`, {
      file: uri, hint: `run \`vlmbench models pull <config>\` with network access, or download it yourself and set backend.model to the local path`,
    });
  }
  const head = await probe(url, opts.probeTimeoutMs ?? 10_000);
  if (head.unreachable) {
    throw new ModelFileError(`${head.unreachable}`, {
      file: uri, hint: `download ${url} yourself and set backend.model to the local path (or set HF_ENDPOINT to a mirror)`,
    });
  }
  const file = cachePath(uri, dir);
  try {
    await fetchResumable(url, file, { env, signal: opts.signal, onProgress: (downloaded, total, bytesPerSecond) =>
      opts.onProgress?.({ uri, downloaded, total, bytesPerSecond, etaSeconds: bytesPerSecond > 0 ? (total - downloaded) / bytesPerSecond : Infinity }) });
  } catch (err) {
    if (err instanceof ModelFileError) throw err;
    throw new ModelFileError(`download of ${uri} ${opts.signal?.aborted ? 'interrupted' : `failed: ${(err as Error).message}`}`, {
      file: uri, cause: err, hint: 'run the same command again: the download resumes where it stopped',
    });
  }
  if (head.size !== undefined && (await stat(file)).size !== head.size) {
    throw new ModelFileError(`${uri}: downloaded ${(await stat(file)).size} bytes, the server states ${head.size}`, { file, hint: 'delete the file and pull again' });
  }
  if (head.sha256) {
    const got = await sha256File(file);
    if (got !== head.sha256) {
      await rm(file, { force: true });
      throw new ModelFileError(`${uri}: sha256 ${got} does not match the server's ${head.sha256}; the file was removed`, { file, hint: 'pull again' });
    }
  }
  return file;
}

/** GET into `<file>.part`, appending from where a previous try stopped when the server honours Range; rename when complete. */
async function fetchResumable(url: string, file: string, o: { env: NodeJS.ProcessEnv; signal?: AbortSignal; onProgress: (done: number, total: number, bps: number) => void }): Promise<void> {
  const part = `${file}.part`;
  await mkdir(path.dirname(file), { recursive: true });
  let have = await stat(part).then((s) => s.size, () => 0);
  const headers: Record<string, string> = {};
  if (have > 0) headers.range = `bytes=${have}-`;
  if (o.env.HF_TOKEN && url.startsWith(hfEndpoint(o.env))) headers.authorization = `Bearer ${o.env.HF_TOKEN}`;
  const res = await fetch(url, { headers, redirect: 'follow', signal: o.signal });
  if (res.status === 416) have = 0; // the part file is already whole or stale: start over below
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
  if (res.status !== 206) have = 0; // Range ignored: the body is the whole file
  const total = have + Number(res.headers.get('content-length') ?? NaN);
  const out = createWriteStream(part, { flags: have > 0 ? 'a' : 'w' });
  const t0 = performance.now();
  let done = have;
  try {
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      done += chunk.length;
      o.onProgress(done, Number.isFinite(total) ? total : 0, ((done - have) * 1000) / Math.max(1, performance.now() - t0));
    }
  } finally {
    out.end();
    await finished(out);
  }
  if (Number.isFinite(total) && done !== total) throw new Error(`connection closed after ${done} of ${total} bytes`);
  await rename(part, file);
}

const mb = (n: number) => `${(n / 1e6).toFixed(n < 1e8 ? 1 : 0)} MB`;

/** One progress line: `hf:… 412 MB / 4,081 MB (10%), 35.2 MB/s, ETA 1m44s`. */
export function formatProgress(p: PullProgress): string {
  const pct = p.total > 0 ? ` (${Math.floor((100 * p.downloaded) / p.total)}%)` : '';
  const eta = Number.isFinite(p.etaSeconds) && p.etaSeconds > 0 ? `, ETA ${Math.floor(p.etaSeconds / 60)}m${String(Math.round(p.etaSeconds % 60)).padStart(2, '0')}s` : '';
  return `${p.uri} ${mb(p.downloaded)} / ${p.total > 0 ? mb(p.total) : '?'}${pct}, ${mb(p.bytesPerSecond)}/s${eta}`;
}

/** Progress printer for a terminal: at most one line a second per file, and the last one. */
export function progressPrinter(write: (line: string) => void, everyMs = 1000): (p: PullProgress) => void {
  const last = new Map<string, number>();
  return (p) => {
    const now = Date.now();
    if (p.downloaded < p.total && now - (last.get(p.uri) ?? 0) < everyMs) return;
    last.set(p.uri, now);
    write(formatProgress(p));
  };
}
