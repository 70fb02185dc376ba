import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { cachePath, formatProgress, pullModelFile, type PullProgress } from '../../src/models/pull.ts';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/run-config.ts';

const BODY = Buffer.alloc(2_000_000, 7);
const SHA = createHash('sha256').update(BODY).digest('hex');
const requests: string[] = [];
let server: http.Server;
let endpoint: string;

/** A Hugging Face-like file server: `resolve/<branch>/<file>`, HEAD with x-linked-etag, ranged GETs, slow when asked. */
beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers.range ?? ''}`);
    const badSha = req.url!.includes('bad-sha');
    const headers = { 'x-linked-etag': `"${badSha ? '0'.repeat(64) : SHA}"`, 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream' };
    if (req.url!.includes('missing')) { res.writeHead(404).end(); return; }
    const m = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    const end = m && m[2] ? Number(m[2]) : BODY.length - 1;
    res.writeHead(m ? 206 : 200, { ...headers, 'content-length': String(end - start + 1), ...(m ? { 'content-range': `bytes ${start}-${end}/${BODY.length}` } : {}) });
    if (req.method === 'HEAD') res.end();
    else res.end(BODY.subarray(start, end + 1));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('model downloads a user can watch', () => {
  it('downloads an hf: URI from HF_ENDPOINT with progress, verifies the sha256, then uses the cached copy', async () => {
    const dir = tempDir();
    const progress: PullProgress[] = [];
    const env = { ...process.env, HF_ENDPOINT: endpoint, VLMBENCH_OFFLINE: undefined };
    const file = await pullModelFile('hf:me/tiny/model.gguf', { dir, env, onProgress: (p) => progress.push(p) });
    expect(statSync(file).size).toBe(BODY.length);
    expect(requests.some((r) => r.startsWith('GET /me/tiny/resolve/main/model.gguf'))).toBe(true);
    expect(progress.at(-1)).toMatchObject({ uri: 'hf:me/tiny/model.gguf', downloaded: BODY.length, total: BODY.length });
    expect(formatProgress(progress.at(-1)!)).toMatch(/^hf:me\/tiny\/model\.gguf 2\.0 MB \/ 2\.0 MB \(100%\), [\d.]+ MB\/s/);
    const before = requests.length;
    expect(await pullModelFile('hf:me/tiny/model.gguf', { dir, env })).toBe(file);
    expect(requests.length).toBe(before); // cached: nothing fetched
  });

  it('an interrupted download resumes from its .part file with an HTTP Range request', async () => {
    const dir = tempDir();
    const env = { ...process.env, HF_ENDPOINT: endpoint, VLMBENCH_OFFLINE: undefined };
    const stop = new AbortController();
    const err = await pullModelFile('hf:me/tiny/resume.gguf', {
      dir, env, signal: stop.signal, onProgress: (p) => { if (p.downloaded >= 65_536) stop.abort(); },
    }).catch((e: Error) => e);
    expect(String(err)).toMatch(/download of hf:me\/tiny\/resume\.gguf interrupted/);
    const partial = statSync(`${cachePath('hf:me/tiny/resume.gguf', dir)}.part`).size;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(BODY.length);
    const file = await pullModelFile('hf:me/tiny/resume.gguf', { dir, env });
    expect(requests).toContain(`GET /me/tiny/resolve/main/resume.gguf bytes=${partial}-`);
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(SHA);
  });

  it('a sha256 that does not match what the server states removes the file and says so', async () => {
    const dir = tempDir();
    const env = { ...process.env, HF_ENDPOINT: endpoint, VLMBENCH_OFFLINE: undefined };
    const err = await pullModelFile('hf:me/tiny/bad-sha.gguf', { dir, env }).catch((e: Error & { hint?: string }) => e);
    expect(String(err)).toMatch(/sha256 [0-9a-f]{64} does not match the server's 0{64}; the file was removed/);
    expect(existsSync(cachePath('hf:me/tiny/bad-sha.gguf', dir))).toBe(false);
  });

  it('an unreachable host fails at once with what to do instead', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const env = { ...process.env, HF_ENDPOINT: `http://127.0.0.1:${port}`, VLMBENCH_OFFLINE: undefined };
    const t0 = Date.now();
    const err = (await pullModelFile('hf:me/tiny/model.gguf', { dir: tempDir(), env, probeTimeoutMs: 3000 }).catch((e) => e)) as Error & { hint?: string };
    expect(Date.now() - t0).toBeLessThan(30_000); // not the minutes a silent download takes; the bound is loose on purpose
    expect(err.message).toBe(`cannot reach 127.0.0.1:${port} (ECONNREFUSED)`);
    expect(err.hint).toContain(`download http://127.0.0.1:${port}/me/tiny/resolve/main/model.gguf yourself and set backend.model to the local path`);
  });

  it('a missing file and VLMBENCH_OFFLINE are named as such', async () => {
    const env = { ...process.env, HF_ENDPOINT: endpoint, VLMBENCH_OFFLINE: undefined };
    await expect(pullModelFile('hf:me/tiny/missing.gguf', { dir: tempDir(), env })).rejects.toThrow(/answers 404: no such file/);
    await expect(pullModelFile('hf:me/tiny/model.gguf', { dir: tempDir(), env: { ...env, VLMBENCH_OFFLINE: '1' } })).rejects.toThrow(/not downloaded and VLMBENCH_OFFLINE is set/);
  });

  it('`vlmbench models pull <config>` fetches every remote file of the selected models, once each', async () => {
    const dir = tempDir();
    const config = path.join(dir, 'c.yaml');
    writeFileSync(config, `models:
  - id: a
    family: llava-1.5
    backend: { type: llama-cpp, model: 'hf:me/tiny/cli-model.gguf', mmproj: 'hf:me/tiny/cli-mmproj.gguf', threads: 1 }
  - id: b
    family: llava-1.5
    backend: { type: llama-cpp, model: 'hf:me/tiny/cli-model.gguf', mmproj: 'hf:me/tiny/other-mmproj.gguf', threads: 1 }
suites: [{ name: scienceqa }]
`);
    const models = tempDir();
    const r = await runCli(['models', 'pull', config, '--models', 'a'], { HF_ENDPOINT: endpoint, VLMBENCH_MODELS_DIR: models, VLMBENCH_OFFLINE: undefined });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`hf:me/tiny/cli-model.gguf  ${cachePath('hf:me/tiny/cli-model.gguf', models)}`);
    expect(r.stdout).toContain('hf:me/tiny/cli-mmproj.gguf');
    expect(r.stdout).not.toContain('other-mmproj');
    expect(r.stderr).toMatch(/hf:me\/tiny\/cli-model\.gguf 2\.0 MB \/ 2\.0 MB \(100%\)/);
    expect(statSync(cachePath('hf:me/tiny/cli-mmproj.gguf', models)).size).toBe(BODY.length);
  });
});
