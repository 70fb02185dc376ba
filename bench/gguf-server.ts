/**
 * The llama-server route of `npm run bench:gguf`: native llama.cpp `llama-server` as a loopback
 * subprocess on the bench GGUF + mmproj, driven through vlmbench's real http backend
 * (`server: llama-server`), so the figures include everything a run pays: HTTP, SSE, JSON, base64.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { createBackend } from '../backends/http/index.ts';
import { ModelConfig } from '../src/config/schema.ts';
import type { ChatMessage, VlmRequest } from '../src/core/request.ts';
import type { VlmOutput } from '../src/core/response.ts';

export interface ServerFigures {
  promptTokens: number;
  /** Server `timings.prompt_per_second` of the text request. */
  prefillTps: number;
  /** Client side: (completionTokens − 1) / (last token − first token), i.e. e2e − TTFT. */
  decodeTps: number;
  /** Server `timings.predicted_per_second`. */
  decodeServerTps: number;
  /**
   * Server `predicted_per_second` of the text request with `stream: false`: no per-token SSE write on
   * the server and no per-token wake-up of the client, which share the same cores on a small machine.
   */
  decodeServerTpsNoStream: number;
  /** Same two figures on the image request (decode after a prompt holding the image). */
  imageDecodeTps: number;
  imageDecodeServerTps: number;
  /** Server `timings.prompt_ms` of the image request: image decode + preprocess + CLIP encode + LM prefill. */
  imagePrefillMs: number;
  /** Client TTFT of the image request (adds HTTP, base64 and JSON on both sides). */
  imageTtftMs: number;
  /** Prompt tokens of the image request, image tokens included. llama-server batches the CLIP encode
   * itself and logs no encode time (unlike mtmd-helper), so there is no separate encode figure. */
  imagePromptTokens: number;
  completionTokens: number;
}

const median = (xs: number[]): number => { const s = [...xs].filter(Number.isFinite).sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)]! : Number.NaN; };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

interface RunningServer { url: string; child: ChildProcess; log: () => string; stop: () => Promise<void> }

/** Starts llama-server on a free loopback port and waits until /health answers 200. */
export async function startLlamaServer(bin: string, o: { model: string; mmproj: string; threads: number; contextSize: number }): Promise<RunningServer> {
  const port = await freePort();
  const argv = ['-m', o.model, '--mmproj', o.mmproj, '-t', String(o.threads), '-tb', String(o.threads),
    '-c', String(o.contextSize), '-np', '1', '--temp', '0', '--host', '127.0.0.1', '--port', String(port)];
  // The marker only matters for raw /completion prompts (llama.cpp `tools/server/README.md`); pinned so runs are reproducible.
  const child = spawn(bin, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LLAMA_MEDIA_MARKER: '<__media__>' } });
  let log = '';
  const keep = (d: Buffer): void => { log = (log + d.toString()).slice(-200_000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited: number | null | undefined;
  const closed = new Promise<void>((resolve) => child.once('close', (code) => { exited = code; resolve(); }));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (exited === undefined) child.kill('SIGTERM');
    await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]);
    if (exited === undefined) child.kill('SIGKILL');
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`llama-server exited with code ${exited} before it was ready:\n${log.slice(-3000)}`);
    try {
      const r = await fetch(`${url}/health`);
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { await stop(); throw new Error(`llama-server not healthy after 120 s:\n${log.slice(-3000)}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, child, log: () => log, stop };
}

/**
 * The bench models are random weights: a byte token 0x80–0xFF (ids 131–258 in the byte vocabulary,
 * src/fixtures/gguf/vocab.ts) can make invalid UTF-8, which llama-server answers with HTTP 500
 * (llama.cpp `tools/server/README.md`). Banning them changes nothing about the cost of a decode step.
 */
const BAN_HIGH_BYTES = Array.from({ length: 128 }, (_, i) => [3 + 128 + i, false]);

const decodeTps = (o: VlmOutput): number =>
  (o.usage.completionTokens - 1) / ((o.timings.endMs - (o.timings.firstTokenMs ?? Number.NaN)) / 1000);
const metric = (o: VlmOutput, k: string): number => o.serverMetrics?.[k] ?? Number.NaN;

/**
 * Measures one thread count: a fresh server, one warm-up of each request, then `reps` streamed text and
 * image requests and `reps` one-shot text requests (`tokens` past EOS, greedy, prompt cache off so every
 * prefill starts from an empty cache).
 */
export async function measureLlamaServer(bin: string, o: {
  model: string; mmproj: string; image: string; threads: number; tokens: number; reps: number;
  system: string; textPrompt: string; imagePrompt: string;
}): Promise<ServerFigures> {
  const server = await startLlamaServer(bin, { model: o.model, mmproj: o.mmproj, threads: o.threads, contextSize: 2048 });
  try {
    const backendFor = (stream: boolean) => createBackend(ModelConfig.parse({
      id: `llama-server-t${o.threads}`, family: 'llava-1.5',
      backend: {
        type: 'http', api: 'openai', server: 'llama-server', endpoints: [`${server.url}/v1`], model: 'bench', stream,
        extraBody: { cache_prompt: false, logit_bias: BAN_HIGH_BYTES },
      },
    }), { log: () => {} });
    const backend = await backendFor(true);
    const oneShot = await backendFor(false);
    const system: ChatMessage = { role: 'system', content: [{ type: 'text', text: o.system }] };
    const params = { maxTokens: o.tokens, temperature: 0, ignoreEos: true };
    const text: VlmRequest = { sampleId: 'text', messages: [system, { role: 'user', content: [{ type: 'text', text: o.textPrompt }] }], params };
    const vision: VlmRequest = {
      sampleId: 'image', params,
      messages: [system, { role: 'user', content: [{ type: 'image', image: { kind: 'path', path: o.image } }, { type: 'text', text: o.imagePrompt }] }],
    };
    const signal = new AbortController().signal;
    try {
      await backend.generate({ ...text, params: { ...params, maxTokens: 8 } }, { signal }); // warm-up
      await backend.generate({ ...vision, params: { ...params, maxTokens: 8 } }, { signal });
      const texts: VlmOutput[] = [];
      const images: VlmOutput[] = [];
      for (let r = 0; r < o.reps; r++) {
        texts.push(await backend.generate(text, { signal }));
        images.push(await backend.generate(vision, { signal }));
      }
      const oneShots: VlmOutput[] = [];
      for (let r = 0; r < o.reps; r++) oneShots.push(await oneShot.generate(text, { signal }));
      for (const out of [...texts, ...images, ...oneShots]) {
        if (out.usage.completionTokens !== o.tokens) throw new Error(`llama-server decoded ${out.usage.completionTokens} tokens, expected ${o.tokens}`);
      }
      return {
        promptTokens: texts[0]!.usage.promptTokens,
        prefillTps: median(texts.map((x) => metric(x, 'prompt_per_second'))),
        decodeTps: median(texts.map(decodeTps)),
        decodeServerTps: median(texts.map((x) => metric(x, 'predicted_per_second'))),
        decodeServerTpsNoStream: median(oneShots.map((x) => metric(x, 'predicted_per_second'))),
        imageDecodeTps: median(images.map(decodeTps)),
        imageDecodeServerTps: median(images.map((x) => metric(x, 'predicted_per_second'))),
        imagePrefillMs: median(images.map((x) => metric(x, 'prompt_ms'))),
        imageTtftMs: median(images.map((x) => x.timings.firstTokenMs ?? Number.NaN)),
        imagePromptTokens: images[0]!.usage.promptTokens,
        completionTokens: texts[0]!.usage.completionTokens,
      };
    } finally {
      await backend.close?.();
      await oneShot.close?.();
    }
  } finally {
    await server.stop();
  }
}
