import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.ts';
import type { ModelConfig } from '../../../src/config/schema.ts';
import { DEFAULT_GEN_PARAMS, type VlmRequest } from '../../../src/core/request.ts';
import { createIsolatedBackend } from '../../../src/runner/isolation/isolated-backend.ts';
import { CLI, HELPERS, REPO, tempDir, writeEchoConfig } from '../../helpers/run-config.ts';

const readJournal = (runDir: string) => readFileSync(path.join(runDir, 'samples.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

const SLOW = path.join(HELPERS, 'slow-backend.ts');
const slowModel = (options: Record<string, unknown>) =>
  ({ id: 'slow', family: 'llava-1.5', backend: { type: 'custom', module: SLOW, isolate: true, options } }) as ModelConfig;
const request = (id: string): VlmRequest => ({ sampleId: id, messages: [{ role: 'user', content: [{ type: 'text', text: id }] }], params: DEFAULT_GEN_PARAMS });

describe('isolated backend: a child that hangs', () => {
  it('an aborted request the child never answers fails (retryable), its child is replaced and the next request is served', async () => {
    const backend = await createIsolatedBackend(SLOW, slowModel({ hangOn: 'stuck', delayMs: 100 }), { abortGraceMs: 300 });
    try {
      const other = backend.generate(request('other'), { signal: new AbortController().signal });
      const ctrl = new AbortController();
      const stuck = backend.generate(request('stuck'), { signal: ctrl.signal });
      setTimeout(() => ctrl.abort(), 200);
      await expect(stuck).rejects.toMatchObject({ code: 'E_CRASH', retryable: true, message: expect.stringMatching(/did not stop an aborted request/) });
      // The request that shared the blocked child is retryable too: it did nothing wrong.
      await expect(other).rejects.toMatchObject({ retryable: true });
      await expect(backend.generate(request('next'), { signal: new AbortController().signal })).resolves.toMatchObject({ text: 'echo:next' });
    } finally {
      await backend.close?.();
    }
  }, 30_000);
});

describe('isolated backend: token listeners', () => {
  it('the child backend gets a token listener only when the caller passed one (no per-token IPC otherwise)', async () => {
    const backend = await createIsolatedBackend(SLOW, slowModel({ reportListener: true }));
    try {
      const signal = new AbortController().signal;
      await expect(backend.generate(request('quiet'), { signal })).resolves.toMatchObject({ text: 'echo:quiet:listener=no' });
      const events: string[] = [];
      await expect(backend.generate(request('loud'), { signal, onToken: (e) => events.push(e.text) })).resolves.toMatchObject({ text: 'echo:loud:listener=yes' });
      expect(events).toEqual(['echo:loud:listener=yes']);
    } finally {
      await backend.close?.();
    }
  }, 30_000);
});

describe('isolated backend: a restarted child that never finishes loading', () => {
  it('requests waiting for it still honour their abort (the scheduler timeout) instead of hanging', async () => {
    const dir = tempDir();
    const backend = await createIsolatedBackend(SLOW, slowModel({ crashOn: 'boom', hangOnReload: true, loadingFile: path.join(dir, 'loading.pid') }));
    try {
      await expect(backend.generate(request('boom'), { signal: new AbortController().signal })).rejects.toMatchObject({ code: 'E_CRASH' });
      const ctrl = new AbortController();
      const waiting = backend.generate(request('next'), { signal: ctrl.signal });
      setTimeout(() => ctrl.abort(), 300);
      await expect(waiting).rejects.toMatchObject({ code: 'E_ABORTED' });
    } finally {
      await backend.close?.();
    }
  }, 30_000);
});

describe('isolated backend: Ctrl-C at a terminal', () => {
  it('SIGINT to the whole process group (what a terminal sends) lets in-flight requests finish', async () => {
    const dir = tempDir();
    const config = writeEchoConfig(dir, { count: 6, concurrency: 2, delayMs: 1500 });
    // detached: its own process group, so the test can signal the group like a terminal does.
    const child = spawn(process.execPath, [CLI, 'run', config, '--run-id', 'int'], { cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const until = Date.now() + 30_000;
    while (!/slow › echo\b/.test(stderr) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300)); // two requests in flight
    process.kill(-child.pid!, 'SIGINT');
    expect(await done, stderr).toBe(130);
    const records = readJournal(path.join(dir, 'results', 'int'));
    expect(records.length).toBeGreaterThan(0);
    expect(records.filter((x) => x.error), JSON.stringify(records)).toEqual([]);
  }, 60_000);
});

describe('isolated backend: Ctrl-C twice while the model loads', () => {
  it('stops the load (the child is killed) instead of waiting for it to finish', async () => {
    const { existsSync } = await import('node:fs');
    const dir = tempDir();
    const loadingFile = path.join(dir, 'loading.pid');
    const config = writeEchoConfig(dir, { count: 2, backendOptions: { loadDelayMs: 120_000, loadingFile } });
    const child = spawn(process.execPath, [CLI, 'run', config, '--run-id', 'load'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const until = Date.now() + 30_000;
    while (!existsSync(loadingFile) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGINT');
    expect(await done, stderr).toBe(130);
    const backendPid = Number(readFileSync(loadingFile, 'utf8'));
    expect(() => process.kill(backendPid, 0)).toThrow(); // the loading child is gone
  }, 40_000);
});

describe('isolated backend: the crash message', () => {
  it('quotes at most a bounded part of a huge stderr line', async () => {
    const dir = tempDir();
    const config = writeEchoConfig(dir, { count: 2, concurrency: 1, backendOptions: { crashOn: 'item-0', crashStderrChars: 1_000_000 } });
    const r = await runCli(['run', config, '--run-id', 'long']);
    expect(r.code, r.stderr).toBe(1);
    const crashed = readJournal(path.join(dir, 'results', 'long')).find((x) => x.sampleId === 'item-0');
    expect(crashed.error.message).toMatch(/died with signal SIGSEGV: fatal error: x+/);
    expect(crashed.error.message.length).toBeLessThan(1000);
  }, 60_000);
});
