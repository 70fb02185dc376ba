import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createBackend } from '../../backends/http/index.ts';
import { ModelConfig } from '../../src/config/schema.ts';
import { userMessage } from '../../src/core/request.ts';

const BIN = fileURLToPath(new URL('../../bin/vlmbench.js', import.meta.url));
const ECHO_MODULE = fileURLToPath(new URL('./echo-module.ts', import.meta.url));

function writeConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vlmbench-serve-'));
  const file = join(dir, 'serve.yaml');
  writeFileSync(file, [
    'models:',
    '  - id: echo',
    '    family: llava-1.5',
    `    backend: { type: custom, module: ${JSON.stringify(ECHO_MODULE)}, isolate: true }`,
    '  - id: remote',
    '    family: llava-1.5',
    '    backend: { type: http, endpoints: ["http://127.0.0.1:9"], model: x }',
    'suites:',
    '  - name: conversation',
  ].join('\n'));
  return file;
}

describe('vlmbench serve', () => {
  it('serves the local models of a config (isolated backend) until SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', writeConfig(), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('\n')) resolve(out); });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
      });
      const m = /^serving (.+) at (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(line);
      expect(m, line).not.toBeNull();
      expect(m![1]).toBe('echo');
      const backend = await createBackend(ModelConfig.parse({
        id: 'client', family: 'llava-1.5', backend: { type: 'http', server: 'vlmbench', model: 'echo', endpoints: [`${m![2]}/v1`] },
      }), { log: () => {} });
      try {
        const out = await backend.generate({ sampleId: 'a', messages: [userMessage('served through the cli')], params: { maxTokens: 8, temperature: 0 } },
          { signal: new AbortController().signal });
        expect(out.text).toBe('cli the through served');
        expect(out.timings.chunkMs).toHaveLength(4);
      } finally { await backend.close?.(); }
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('exits 2 naming an unknown --model', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', writeConfig(), '--model', 'nope', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain("no model 'nope'");
  });
});
