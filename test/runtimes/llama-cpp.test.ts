import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { selectRuntime } from '../../backends/llama-cpp/select.ts';
import { LlamaCppOptions } from '../../src/config/backends.ts';
import {
  buildFlags, buildKey, bundledLlamaCpp, findLlamaCppRuntime, LLAMA_CPP_TARGETS, listLlamaCppRuntimes, runtimesDir, type LlamaCppRuntime,
} from '../../src/runtimes/llama-cpp.ts';
import { runCli } from '../helpers/cli.ts';

let dir: string;
const saved = { ...process.env };

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vlmbench-runtimes-'));
  process.env.VLMBENCH_RUNTIMES_DIR = dir;
  // No llama-server on PATH: only the binaries this test writes.
  process.env.PATH = `${path.join(dir, 'bin')}:/usr/bin:/bin`;
});
afterEach(async () => {
  process.env = { ...saved };
  await rm(dir, { recursive: true, force: true });
});

/** A finished-build record whose "binaries" are an existing file (the record format, not a build). */
async function fakeBuild(commit: string, variant: 'cpu' | 'cuda', binary = process.execPath): Promise<string> {
  const d = path.join(dir, 'llama.cpp', buildKey(commit, variant));
  await mkdir(d, { recursive: true });
  const rt: LlamaCppRuntime = {
    kind: 'llama.cpp', commit, variant, flags: buildFlags(variant), simd: ['AVX2'], builtAt: new Date().toISOString(), dir: d,
    binaries: Object.fromEntries(LLAMA_CPP_TARGETS.map((t) => [t, binary])) as LlamaCppRuntime['binaries'],
  };
  await writeFile(path.join(d, 'runtime.json'), JSON.stringify(rt));
  return d;
}

const options = (extra: Record<string, unknown> = {}) => LlamaCppOptions.parse({ type: 'llama-cpp', model: 'm.gguf', threads: 1, ...extra });

describe('managed llama.cpp runtimes', () => {
  it('reads the bundled source commit and keys builds by commit, variant and flags', () => {
    const src = bundledLlamaCpp();
    expect(existsSync(src.bundle)).toBe(true);
    expect(src.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(buildKey(src.commit, 'cpu')).toMatch(new RegExp(`^${src.commit.slice(0, 12)}-cpu-[0-9a-f]{8}$`));
    expect(buildKey(src.commit, 'cpu')).not.toBe(buildKey(src.commit, 'cuda'));
    expect(buildKey(src.commit, 'cpu', [...buildFlags('cpu'), '-DX=1'])).not.toBe(buildKey(src.commit, 'cpu'));
    expect(buildFlags('cpu')).toContain('-DGGML_NATIVE=ON');
    expect(runtimesDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/vlmbench/runtimes');
  });

  it('finds only a finished build of the bundled commit', async () => {
    expect(findLlamaCppRuntime()).toBeUndefined();
    await fakeBuild('0'.repeat(40), 'cpu');
    expect(findLlamaCppRuntime()).toBeUndefined();
    expect(listLlamaCppRuntimes()).toHaveLength(1);
    const d = await fakeBuild(bundledLlamaCpp().commit, 'cpu');
    expect(findLlamaCppRuntime()?.dir).toBe(d);
    // A record whose binaries are gone is no build.
    await fakeBuild(bundledLlamaCpp().commit, 'cpu', path.join(dir, 'missing'));
    expect(findLlamaCppRuntime()).toBeUndefined();
  });

  it('auto falls back in process with the cost and the build command; server without a build is a config error', async () => {
    const auto = selectRuntime(options());
    expect(auto.kind).toBe('in-process');
    expect(auto.kind === 'in-process' && auto.note).toMatch(/0\.1× native.*vlmbench runtimes build llama\.cpp/);
    expect(selectRuntime(options({ runtime: 'in-process' }))).toEqual({ kind: 'in-process' });
    expect(() => selectRuntime(options({ runtime: 'server' }))).toThrow(/no llama-server is built or on PATH/);
    await fakeBuild(bundledLlamaCpp().commit, 'cpu');
    const built = selectRuntime(options());
    expect(built.kind === 'server' && built.runtimeId).toMatch(new RegExp(`llama-server llama\\.cpp ${bundledLlamaCpp().commit.slice(0, 7)}`));
  });

  it('version-checks a llama-server named by serverBinary or found on PATH', async () => {
    await mkdir(path.join(dir, 'bin'));
    const write = async (name: string, commit: string) => {
      const f = path.join(dir, 'bin', name);
      // Stands in for `llama-server --version` only (prints what llama.cpp's build-info prints).
      await writeFile(f, `#!/bin/sh\necho "version: 1 (${commit})" >&2\necho "built with cc" >&2\n`);
      await chmod(f, 0o755);
      return f;
    };
    const other = await write('other-server', 'deadbee');
    const named = selectRuntime(options({ serverBinary: other }));
    expect(named.kind === 'server' && named.warnings.join()).toMatch(/llama\.cpp deadbee, not the bundled/);
    // auto takes a PATH llama-server only when it is the bundled commit.
    await write('llama-server', 'deadbee');
    expect(selectRuntime(options()).kind).toBe('in-process');
    expect(selectRuntime(options({ runtime: 'server' })).kind).toBe('server');
    await write('llama-server', bundledLlamaCpp().commit.slice(0, 7));
    const same = selectRuntime(options());
    expect(same.kind === 'server' && same.warnings).toEqual([]);
  });

  it('CLI: runtimes list, a bad runtime name, and the doctor line', async () => {
    const list = await runCli(['runtimes', 'list'], { VLMBENCH_RUNTIMES_DIR: dir });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/no builds: vlmbench runtimes build llama\.cpp/);
    const bad = await runCli(['runtimes', 'build', 'onnx'], { VLMBENCH_RUNTIMES_DIR: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/vlmbench runtimes build llama\.cpp/);
    await fakeBuild(bundledLlamaCpp().commit, 'cpu');
    const doctor = await runCli(['doctor', '--json'], { VLMBENCH_RUNTIMES_DIR: dir });
    const line = (JSON.parse(doctor.stdout) as Array<{ name: string; ok: boolean; detail: string }>).find((c) => c.name === 'llama.cpp runtime');
    expect(line).toMatchObject({ ok: true });
    expect(line!.detail).toMatch(/GGML_NATIVE \[AVX2\]/);
  });
});
