/**
 * HTTP client benchmark: (1) capacity — streamed requests/s, SSE chunks/s and client CPU per request
 * against an instant server running in its own process, so only the client is measured; (2)
 * measurement error — TTFT and inter-chunk gaps measured against a server (also its own process)
 * that waits known delays: first token after 50 ms, then one token every 10 ms.
 *
 *   npm run bench:http -- [--requests 6000] [--concurrency 32] [--tokens 16] [--timed 30]
 *
 * Goals: ≥ 2,000 streamed requests/s; TTFT and inter-token error ≤ 1 ms at p50.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBackend } from '../backends/http/index.ts';
import { ModelConfig } from '../src/config/schema.ts';
import type { Backend } from '../src/core/backend.ts';
import { userMessage, type VlmRequest } from '../src/core/request.ts';

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '6000' },
    concurrency: { type: 'string', default: '32' },
    tokens: { type: 'string', default: '16' },
    timed: { type: 'string', default: '30' },
  },
});
const N = Number(args.requests);
const C = Number(args.concurrency);
const TOKENS = Number(args.tokens);
const TIMED = Number(args.timed);

/** Instant OpenAI SSE server (plain JS, own process): role chunk, TOKENS content chunks, finish, usage, [DONE]. */
const INSTANT_SERVER = `
const http = require('node:http');
const T = Number(process.argv[1]);
const c = (delta, fr) => 'data: ' + JSON.stringify({ id: 'c', object: 'chat.completion.chunk', model: 'm', choices: [{ index: 0, delta, finish_reason: fr }] }) + '\\n\\n';
const parts = [c({ role: 'assistant', content: '' }, null)];
for (let i = 0; i < T; i++) parts.push(c({ content: 't' + i + ' ' }, i === T - 1 ? 'length' : null));
parts.push('data: ' + JSON.stringify({ id: 'c', choices: [], usage: { prompt_tokens: 10, completion_tokens: T, total_tokens: 10 + T } }) + '\\n\\n');
parts.push('data: [DONE]\\n\\n');
const s = http.createServer({ keepAliveTimeout: 60000 }, (req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const p of parts) res.write(p);
    res.end();
  });
});
s.listen(0, '127.0.0.1', () => console.log('URL http://127.0.0.1:' + s.address().port));
`;

/** The scripted-delay server from the test helpers, in its own process. */
const SCRIPTED_SERVER = `
import(process.argv[1]).then(async (m) => {
  const s = await m.startScriptedServer({ firstTokenMs: 50, intervalMs: 10, tokens: Number(process.argv[2]), roleChunk: true });
  console.log('URL ' + s.url);
});
`;

/**
 * Same timeline, but each chunk's text carries the server's own write time (ms since the request
 * arrived), so the server's timer lateness can be taken out: what is left is the client's error
 * plus the loopback transfer.
 */
const STAMPED_SERVER = `
const http = require('node:http');
const T = Number(process.argv[1]);
const c = (delta, fr) => 'data: ' + JSON.stringify({ choices: [{ index: 0, delta, finish_reason: fr }] }) + '\\n\\n';
const until = (t) => new Promise((r) => { const tick = () => { const left = t - performance.now(); if (left <= 0) r(); else setTimeout(tick, left > 1 ? left - 0.5 : 0); }; tick(); });
const s = http.createServer(async (req, res) => {
  const arrived = performance.now();
  req.resume();
  await new Promise((r) => req.on('end', r));
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(c({ role: 'assistant', content: '' }, null));
  for (let i = 0; i < T; i++) {
    await until(arrived + 50 + 10 * i);
    res.write(c({ content: (performance.now() - arrived).toFixed(3) + ' ' }, i === T - 1 ? 'length' : null));
  }
  res.end('data: [DONE]\\n\\n');
});
s.listen(0, '127.0.0.1', () => console.log('URL http://127.0.0.1:' + s.address().port));
`;

function startChild(argv: string[]): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /URL (\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, child });
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

const model = (url: string, server: string) => ModelConfig.parse({
  id: 'bench', family: 'llava-1.5',
  backend: { type: 'http', server, model: 'm', endpoints: [url], maxConnections: Math.max(C, 1) },
});
const request: VlmRequest = { sampleId: 'b', messages: [userMessage('Describe the image.')], params: { maxTokens: TOKENS, temperature: 0 } };

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p / 100;
  const lo = Math.floor(h);
  return s[lo]! + (h - lo) * ((s[lo + 1] ?? s[lo]!) - s[lo]!);
}
const f = (x: number, d = 2) => x.toFixed(d);

async function runClosedLoop(backend: Backend, total: number, concurrency: number): Promise<{ chunks: number }> {
  let next = 0;
  let chunks = 0;
  const signal = new AbortController().signal;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      next++;
      const out = await backend.generate(request, { signal });
      chunks += out.timings.chunkMs.length;
    }
  }));
  return { chunks };
}

async function capacity(): Promise<void> {
  const { url, child } = await startChild(['-e', INSTANT_SERVER, String(TOKENS)]);
  const backend = await createBackend(model(url, 'openai'), { log: () => {} });
  try {
    await runClosedLoop(backend, Math.min(500, N), C); // warm-up: connections, JIT
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const { chunks } = await runClosedLoop(backend, N, C);
    const secs = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    console.log(`capacity (instant server in its own process, ${TOKENS} content chunks per response, concurrency ${C}):`);
    console.log(`  ${N} streamed requests in ${f(secs)} s: ${f(N / secs, 0)} requests/s, ${f(chunks / secs, 0)} chunks/s`);
    console.log(`  client CPU: ${f((cpu.user + cpu.system) / N, 0)} µs per request (${f((cpu.user + cpu.system) / 1e6 / secs * 100, 0)}% of one core)`);
  } finally {
    await backend.close?.();
    child.kill();
  }
}

async function errorsAgainst(url: string, label: string, stamped: boolean): Promise<void> {
  const backend = await createBackend(model(url, 'openai'), { log: () => {} });
  try {
    await runClosedLoop(backend, 3, 1);
    for (const conc of [1, 8]) {
      const ttftErr: number[] = [];
      const gapErr: number[] = [];
      const signal = new AbortController().signal;
      let left = TIMED;
      await Promise.all(Array.from({ length: conc }, async () => {
        while (left-- > 0) {
          const out = await backend.generate(request, { signal });
          const ms = out.timings.chunkMs;
          // Server-side truth: the nominal timeline, or the write times the server stamped in the text.
          const truth = stamped ? out.text.trim().split(' ').map(Number) : ms.map((_, i) => 50 + 10 * i);
          ttftErr.push(ms[0]! - truth[0]!);
          for (let i = 1; i < ms.length; i++) gapErr.push(ms[i]! - ms[i - 1]! - (truth[i]! - truth[i - 1]!));
        }
      }));
      const abs = (xs: number[]) => xs.map(Math.abs);
      console.log(`  ${label}, concurrency ${conc}: TTFT error p50 ${f(pct(ttftErr, 50))} ms (p90 ${f(pct(ttftErr, 90))}); ` +
        `|inter-token error| p50 ${f(pct(abs(gapErr), 50))} ms (p90 ${f(pct(abs(gapErr), 90))}, n=${gapErr.length})`);
    }
  } finally {
    await backend.close?.();
  }
}

async function measurementError(): Promise<void> {
  console.log(`measurement error (server in its own process: first token 50 ms after the request arrives, then every 10 ms; ${TIMED} requests × ${TOKENS} tokens):`);
  const helper = fileURLToPath(new URL('../test/helpers/scripted-server.ts', import.meta.url));
  const scripted = await startChild(['--import', 'tsx', '-e', SCRIPTED_SERVER, helper, String(TOKENS)]);
  try {
    await errorsAgainst(scripted.url, 'vs nominal 50/10 ms (test/helpers/scripted-server.ts)', false);
  } finally { scripted.child.kill(); }
  const stampedServer = await startChild(['-e', STAMPED_SERVER, String(TOKENS)]);
  try {
    await errorsAgainst(stampedServer.url, 'vs the server\'s stamped write times', true);
  } finally { stampedServer.child.kill(); }
  console.log('  (TTFT error includes the request\'s loopback transfer; the first line also includes the server\'s timer lateness)');
}

await capacity();
await measurementError();
