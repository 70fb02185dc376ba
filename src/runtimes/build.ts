import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  buildFlags, buildKey, bundledLlamaCpp, LLAMA_CPP_TARGETS, llamaCppDir, RUNTIME_FILE,
  type LlamaCppRuntime, type LlamaCppTarget, type LlamaCppVariant,
} from './llama-cpp.ts';

export interface BuildOptions {
  /** true: insist on CUDA (fails without nvcc); false: CPU only; default: CUDA when nvcc and a GPU are present. */
  cuda?: boolean;
  /** Parallel compile jobs (default: CPU count, at most 2 on this kind of machine is plenty). */
  jobs: number;
  env?: NodeJS.ProcessEnv;
  /** Progress lines (one per step and per compile percentage). */
  log: (line: string) => void;
  signal?: AbortSignal;
}

export class BuildError extends Error {
  constructor(message: string, readonly hint?: string) { super(message); }
}

const hasCommand = (cmd: string): boolean => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;

/** SIMD features of this CPU that a GGML_NATIVE build compiles for (Linux /proc/cpuinfo; [] elsewhere). */
export function nativeSimd(): string[] {
  let flags: Set<string>;
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    flags = new Set((/^flags\s*:\s*(.*)$/m.exec(info)?.[1] ?? '').split(/\s+/));
  } catch {
    return [];
  }
  if (flags.has('pni')) flags.add('sse3'); // /proc/cpuinfo names SSE3 "pni"
  return ['sse3', 'ssse3', 'avx', 'avx2', 'fma', 'f16c', 'avx512f', 'avx512bw', 'avx512_vnni', 'avx512_bf16', 'amx_int8', 'asimd', 'sve']
    .filter((f) => flags.has(f)).map((f) => f.toUpperCase());
}

/** Runs a command, forwarding output lines to `onLine`; rejects with the tail of the output on failure. */
function run(cmd: string, args: string[], opts: { cwd?: string; onLine: (l: string) => void; signal?: AbortSignal }): Promise<void> {
  return new Promise((resolve, reject) => {
    // Its own process group, so an interrupt stops make's compiler children too, not only cmake.
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const stop = (): void => { try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* gone */ } };
    if (opts.signal?.aborted) stop();
    opts.signal?.addEventListener('abort', stop, { once: true });
    child.once('close', () => opts.signal?.removeEventListener('abort', stop));
    const tail: string[] = [];
    let partial = '';
    const onData = (d: Buffer): void => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) { tail.push(l); if (tail.length > 40) tail.shift(); opts.onLine(l); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => reject(new BuildError(`${cmd} failed to start: ${err.message}`, cmd === 'cmake' ? 'install cmake and a C++ compiler (apt-get install cmake g++)' : undefined)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new BuildError(`${cmd} ${args.slice(0, 3).join(' ')}… exited with code ${code}:\n${tail.join('\n')}`))));
  });
}

/**
 * Builds llama-server, llama-mtmd-cli and llama-bench from the bundled source into
 * `<cache>/llama.cpp/<key>/`. Resumable: the clone is reused, cmake builds incrementally, and
 * runtime.json is written only when every binary exists. Returns the finished runtime.
 */
export async function buildLlamaCpp(opts: BuildOptions): Promise<LlamaCppRuntime> {
  const nvcc = hasCommand('nvcc');
  if (opts.cuda && !nvcc) throw new BuildError('--cuda given but nvcc is not on PATH', 'install the CUDA toolkit or drop --cuda for a CPU build');
  if (!hasCommand('cmake')) throw new BuildError('cmake is not installed', 'apt-get install cmake g++ (or your platform\'s equivalent)');
  // nvcc alone is not enough: toolkits are installed on GPU-less build hosts too, and a CUDA build there
  // takes far longer for nothing. Without --cuda, CUDA needs nvcc and a GPU nvidia-smi can see.
  const gpu = spawnSync('nvidia-smi', ['-L'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  const variant: LlamaCppVariant = opts.cuda === true || (opts.cuda === undefined && nvcc && gpu) ? 'cuda' : 'cpu';
  const src = bundledLlamaCpp();
  const flags = buildFlags(variant);
  const dir = path.join(llamaCppDir(opts.env), buildKey(src.commit, variant, flags));
  const srcDir = path.join(dir, 'src');
  const buildDir = path.join(dir, 'build');
  await mkdir(dir, { recursive: true });
  opts.log(`llama.cpp ${src.commit.slice(0, 12)}${src.tag ? ` (${src.tag})` : ''}, ${variant}, into ${dir}`);
  if (!existsSync(path.join(srcDir, '.git'))) {
    opts.log(`cloning the bundled source (${src.bundle})`);
    const tmp = `${srcDir}.partial`;
    await rm(tmp, { recursive: true, force: true });
    await run('git', ['clone', '--quiet', src.bundle, tmp], { onLine: () => {}, signal: opts.signal });
    await run('git', ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', src.commit], { cwd: tmp, onLine: () => {}, signal: opts.signal });
    await rename(tmp, srcDir);
  }
  if (!existsSync(path.join(buildDir, 'CMakeCache.txt'))) {
    opts.log(`configuring: cmake ${flags.join(' ')}`);
    await run('cmake', ['-S', srcDir, '-B', buildDir, ...flags], { onLine: () => {}, signal: opts.signal });
  } else {
    opts.log('resuming the previous build');
  }
  opts.log(`compiling ${LLAMA_CPP_TARGETS.join(', ')} with ${opts.jobs} job(s) (about 10 min on 2 cores)`);
  let lastPct = -1;
  await run('cmake', ['--build', buildDir, '--config', 'Release', '--parallel', String(opts.jobs), '--target', ...LLAMA_CPP_TARGETS], {
    signal: opts.signal,
    onLine: (l) => {
      const pct = /^\[\s*(\d+)%\]/.exec(l)?.[1];
      if (pct !== undefined && Number(pct) !== lastPct) { lastPct = Number(pct); opts.log(`  ${pct.padStart(3)}%  ${l.replace(/^\[\s*\d+%\]\s*/, '').slice(0, 100)}`); }
    },
  });
  const binaries = Object.fromEntries(LLAMA_CPP_TARGETS.map((t) => [t, path.join(buildDir, 'bin', t)])) as Record<LlamaCppTarget, string>;
  const missing = Object.values(binaries).filter((b) => !existsSync(b));
  if (missing.length > 0) throw new BuildError(`the build finished without ${missing.join(', ')}`, `see ${buildDir}`);
  const compiler = spawnSync('c++', ['--version'], { encoding: 'utf8' }).stdout?.split('\n')[0];
  const runtime: LlamaCppRuntime = {
    kind: 'llama.cpp', commit: src.commit, tag: src.tag, variant, flags, binaries,
    simd: nativeSimd(), compiler, builtAt: new Date().toISOString(), dir,
  };
  await writeFile(path.join(dir, RUNTIME_FILE), `${JSON.stringify(runtime, null, 2)}\n`);
  return runtime;
}
