import { createServer } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { tempDir, writeEchoConfig } from '../helpers/run-config.ts';

/** A port nothing listens on (bound, then closed). */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function withHttpModel(dir: string, endpoint: string, count = 6): string {
  const file = writeEchoConfig(dir, { count, isolate: false });
  writeFileSync(file, readFileSync(file, 'utf8').replace('suites:\n', `  - id: remote
    family: llava-1.5
    backend: { type: http, api: openai, server: vlmbench, endpoints: ["${endpoint}"], model: slow }
suites:\n`));
  return file;
}

describe('endpoint check before a remote model\'s first sample', () => {
  it('a dead endpoint fails the model once, naming the URL, and no sample is sent', async () => {
    const dir = tempDir();
    const port = await deadPort();
    const r = await runCli(['run', withHttpModel(dir, `http://127.0.0.1:${port}/v1`), '--run-id', 'r']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`model 'remote' could not be loaded: endpoint check failed: ECONNREFUSED.*127\\.0\\.0\\.1:${port}/v1/models`));
    expect(r.stderr).toMatch(/hint: is the server running at that address\?/);
    const records = readFileSync(path.join(dir, 'results', 'r', 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(records.filter((x) => x.model === 'remote')).toHaveLength(0);
    expect(records.filter((x) => x.model === 'slow')).toHaveLength(6);
  }, 30_000);

  it('a live server is recorded in the manifest: what it lists and who owns the model', async () => {
    const dir = tempDir();
    const r = await runCli(['run', withHttpModel(dir, 'serve:slow', 2), '--run-id', 'r']);
    expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'results', 'r', 'manifest.json'), 'utf8'));
    const remote = manifest.models.find((m: { id: string }) => m.id === 'remote');
    expect(remote.servers).toHaveLength(1);
    expect(remote.servers[0]).toMatchObject({ path: '/v1/models', status: 200, models: ['slow'], ownedBy: 'vlmbench', kind: 'vlmbench' });
    expect(remote.capabilities).toMatchObject({ images: true, streaming: true });
    expect(manifest.models.find((m: { id: string }) => m.id === 'slow').capabilities).toMatchObject({ images: true });
  }, 60_000);

  it('a server that is not the configured kind is named in a warning', async () => {
    const dir = tempDir();
    const file = withHttpModel(dir, 'serve:slow', 1);
    writeFileSync(file, readFileSync(file, 'utf8').replace('server: vlmbench', 'server: vllm'));
    const r = await runCli(['run', file, '--run-id', 'r']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/looks like vlmbench \(owned_by "vlmbench"\), the config says server: vllm/);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'results', 'r', 'manifest.json'), 'utf8'));
    expect(manifest.models.find((m: { id: string }) => m.id === 'remote').warnings.join('\n')).toMatch(/looks like vlmbench/);
  }, 60_000);
});
