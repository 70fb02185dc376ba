import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/run-config.ts';

/**
 * `template:` on an http model with `api: openai` would be silently ignored (the server renders the
 * chat template), so the run refuses it at config time: exit 2, the field and what to do instead.
 */
function config(server: string): string {
  const file = path.join(tempDir(), 'http-template.yaml');
  writeFileSync(file, `models:
  - id: remote
    family: vila
    template: llama_3
    backend: { type: http, api: openai, server: ${server}, endpoints: ["http://127.0.0.1:9/v1"], model: vila }
suites: [{ name: scienceqa }]
`);
  return file;
}

describe('template on an OpenAI-compatible http model', () => {
  it.each(['vllm', 'trtllm-serve', 'vlmbench'])('is rejected for server %s with the field and a hint', async (server) => {
    const file = config(server);
    const r = await runCli(['run', file, '--out', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('models[0].template');
    expect(r.stderr).toMatch(/no effect on an OpenAI-compatible server/);
    expect(r.stderr).toMatch(server === 'vlmbench' ? /the model that vlmbench serve serves/ : /choose the template on the server/);
  });
});
