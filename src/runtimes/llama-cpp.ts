import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/**
 * Managed llama.cpp builds: where they live, how they are keyed, and which one a model uses.
 * The source is the git bundle node-llama-cpp ships (`node-llama-cpp/llama/gitRelease.bundle`), so the
 * harness, node-llama-cpp and the native tools all run one llama.cpp commit and nothing is downloaded.
 */

export type LlamaCppVariant = 'cpu' | 'cuda';
export const LLAMA_CPP_TARGETS = ['llama-server', 'llama-mtmd-cli', 'llama-bench'] as const;
export type LlamaCppTarget = (typeof LLAMA_CPP_TARGETS)[number];
/** Written last by a finished build: its presence is what "built" means. */
export const RUNTIME_FILE = 'runtime.json';

/** What a finished build records about itself (`<build dir>/runtime.json`). */
export interface LlamaCppRuntime {
  kind: 'llama.cpp';
  /** Full llama.cpp commit of the bundled source. */
  commit: string;
  /** node-llama-cpp's release tag of that source (llama.cpp.info.json). */
  tag?: string;
  variant: LlamaCppVariant;
  /** cmake -D flags the build used (part of the folder key). */
  flags: string[];
  /** Absolute paths of the built binaries. */
  binaries: Record<LlamaCppTarget, string>;
  /** CPU SIMD features the GGML_NATIVE build was compiled for (this machine's, from /proc/cpuinfo). */
  simd: string[];
  compiler?: string;
  builtAt: string;
  /** Folder holding src/, build/ and this file. */
  dir: string;
}

/**
 * The cmake flags of a variant. GGML_NATIVE compiles for this CPU (AVX2/AVX-512 when present): the
 * reason the managed build is ~10× faster than @fugood's prebuilt no-AVX binary. Static libraries keep
 * the binaries self-contained; OpenSSL and the prebuilt web UI are off so the build needs no network.
 */
export function buildFlags(variant: LlamaCppVariant): string[] {
  const flags = ['-DCMAKE_BUILD_TYPE=Release', '-DBUILD_SHARED_LIBS=OFF', '-DGGML_NATIVE=ON', '-DLLAMA_OPENSSL=OFF',
    '-DLLAMA_USE_PREBUILT_UI=OFF', '-DLLAMA_BUILD_TESTS=OFF', '-DLLAMA_BUILD_EXAMPLES=OFF'];
  return variant === 'cuda' ? [...flags, '-DGGML_CUDA=ON'] : flags;
}

/** `<commit12>-<variant>-<sha256(flags)[0,8]>`: a new commit or flag set gets its own folder. */
export function buildKey(commit: string, variant: LlamaCppVariant, flags = buildFlags(variant)): string {
  return `${commit.slice(0, 12)}-${variant}-${createHash('sha256').update(flags.join(' ')).digest('hex').slice(0, 8)}`;
}

/** Per-user cache: $VLMBENCH_RUNTIMES_DIR, else $XDG_CACHE_HOME/vlmbench/runtimes, else ~/.cache/vlmbench/runtimes. */
export function runtimesDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VLMBENCH_RUNTIMES_DIR) return path.resolve(env.VLMBENCH_RUNTIMES_DIR);
  const cache = env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(os.homedir(), '.cache');
  return path.join(cache, 'vlmbench', 'runtimes');
}

export const llamaCppDir = (env: NodeJS.ProcessEnv = process.env): string => path.join(runtimesDir(env), 'llama.cpp');

export interface BundledSource { bundle: string; commit: string; tag?: string }

let bundled: BundledSource | undefined;

/** A package's folder (its exports map hides package.json, so walk up from its entry point). */
function packageDir(name: string): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve(name));
  while (path.basename(dir) !== name || !existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the folder of ${name}: reinstall it (npm ci)`);
    dir = up;
  }
  return dir;
}

/** The bundled llama.cpp source: bundle path and commit (`git bundle list-heads`), cached per process. */
export function bundledLlamaCpp(): BundledSource {
  if (bundled) return bundled;
  const pkgDir = packageDir('node-llama-cpp');
  const bundle = path.join(pkgDir, 'llama', 'gitRelease.bundle');
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: reinstall node-llama-cpp (npm ci)`);
  const heads = execFileSync('git', ['bundle', 'list-heads', bundle], { encoding: 'utf8' });
  const commit = /^([0-9a-f]{40})\s+HEAD$/m.exec(heads)?.[1] ?? /^([0-9a-f]{40})/m.exec(heads)?.[1];
  if (!commit) throw new Error(`no commit in ${bundle} (git bundle list-heads printed nothing usable)`);
  let tag: string | undefined;
  try {
    tag = (JSON.parse(readFileSync(path.join(pkgDir, 'llama', 'llama.cpp.info.json'), 'utf8')) as { tag?: string }).tag;
  } catch { /* optional */ }
  bundled = { bundle, commit, tag };
  return bundled;
}

function readRuntime(dir: string): LlamaCppRuntime | undefined {
  try {
    const rt = JSON.parse(readFileSync(path.join(dir, RUNTIME_FILE), 'utf8')) as LlamaCppRuntime;
    return Object.values(rt.binaries).every((b) => existsSync(b)) ? { ...rt, dir } : undefined;
  } catch {
    return undefined;
  }
}

/** Every finished build in the cache (any commit), newest first. */
export function listLlamaCppRuntimes(env: NodeJS.ProcessEnv = process.env): LlamaCppRuntime[] {
  const root = llamaCppDir(env);
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((d) => readRuntime(path.join(root, d)))
    .filter((r): r is LlamaCppRuntime => r !== undefined)
    .sort((a, b) => b.builtAt.localeCompare(a.builtAt));
}

/**
 * The build a model should use: same commit as the bundled source (so server, mtmd-cli and in-process
 * tokenisation agree), CUDA when GPU layers are asked for and a CUDA build exists, else the CPU build.
 */
export function findLlamaCppRuntime(opts: { gpu?: boolean; env?: NodeJS.ProcessEnv } = {}): LlamaCppRuntime | undefined {
  const env = opts.env ?? process.env;
  let commit: string;
  try {
    commit = bundledLlamaCpp().commit;
  } catch {
    return undefined;
  }
  const root = llamaCppDir(env);
  const pick = (variant: LlamaCppVariant) => readRuntime(path.join(root, buildKey(commit, variant)));
  return (opts.gpu ? pick('cuda') : undefined) ?? pick('cpu') ?? (opts.gpu ? undefined : pick('cuda'));
}

/** One line for doctor, the manifest and the fallback note. */
export function describeRuntime(rt: LlamaCppRuntime): string {
  return `llama.cpp ${rt.commit.slice(0, 7)}${rt.tag ? ` (${rt.tag})` : ''} ${rt.variant}${rt.simd.length ? ` GGML_NATIVE [${rt.simd.join(' ')}]` : ''}`;
}

export const BUILD_COMMAND = 'vlmbench runtimes build llama.cpp';
