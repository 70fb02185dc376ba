/**
 * api openai against trtllm-serve: what its request model takes, and who renders the prompt. The
 * server here is a scripted OpenAI-compatible one (test/helpers/scripted-server.ts); the checks are
 * the client's own (allowlist, VILA without system messages, provenance recorded per sample).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../../backends/http/index.ts';
import { userMessage, type VlmRequest } from '../../../src/core/request.ts';
import { startScriptedServer, type ScriptedServer } from '../../helpers/scripted-server.ts';
import { httpModel, quietCtx } from './model.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const req = (system?: string): VlmRequest => ({
  sampleId: 's',
  messages: [...(system ? [{ role: 'system' as const, content: [{ type: 'text' as const, text: system }] }] : []), userMessage({ kind: 'buffer', data: PNG }, 'what is it')],
  params: { maxTokens: 4, temperature: 0 },
});
const serve = (url: string, family: string, extra: Record<string, unknown> = {}) =>
  createBackend({ ...httpModel({ server: 'trtllm-serve', endpoints: [`${url}/v1`], ...extra }), family }, quietCtx);

let server: ScriptedServer;
beforeAll(async () => { server = await startScriptedServer({ firstTokenMs: 1, intervalMs: 1, tokens: 3 }); });
afterAll(() => server.close());

describe('api openai, server trtllm-serve', () => {
  it('labels scores as server-template and records the messages sent', async () => {
    const b = await serve(server.url, 'llava-1.6');
    try {
      const out = await b.generate(req(), { signal: new AbortController().signal });
      expect(out.promptSource).toEqual({
        by: 'server-template', template: 'trtllm-serve HF chat template', streamed: true,
        messages: [{ role: 'user', content: '<image>\nwhat is it' }],
      });
      expect(b.info.promptSource?.by).toBe('server-template');
    } finally { await b.close?.(); }
  });

  it('sends no system message to VILA (the server would merge it into the user text)', async () => {
    const b = await serve(server.url, 'vila');
    const before = server.requests.length;
    try {
      const err = await b.generate(req('be brief'), { signal: new AbortController().signal }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'E_BACKEND', retryable: false, message: expect.stringContaining('system message') });
      expect(server.requests.length).toBe(before);
      expect((await b.generate(req(), { signal: new AbortController().signal })).promptSource?.template).toBe('trtllm-serve VILA template');
    } finally { await b.close?.(); }
  });

  it('refuses return_context_logits (not a chat field: HTTP 400) and warns on version-dependent fields', async () => {
    await expect(serve(server.url, 'vila', { extraBody: { return_context_logits: true } })).rejects.toMatchObject({ code: 'E_CONFIG', field: 'backend.extraBody.return_context_logits' });
    const b = await serve(server.url, 'vila', { extraBody: { mm_processor_kwargs: {} } });
    try {
      expect(b.info.warnings).toEqual([expect.stringContaining('extraBody.mm_processor_kwargs is accepted by some trtllm-serve versions only')]);
    } finally { await b.close?.(); }
  });

  it('a server that renders the family template itself (vlmbench serve) counts as client-rendered', async () => {
    const b = await createBackend(httpModel({ server: 'vlmbench', endpoints: [`${server.url}/v1`] }), quietCtx);
    try {
      expect(b.info.promptSource).toEqual({ by: 'client', streamed: true });
    } finally { await b.close?.(); }
  });
});
