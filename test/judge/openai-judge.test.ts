import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JudgeConfig } from '../../src/config/schema.ts';
import { createJudge } from '../../src/judge/index.ts';
import { startChatServer, type ChatServer } from './judge-server.ts';

const servers: ChatServer[] = [];
afterEach(async () => { await Promise.all(servers.splice(0).map((s) => s.close())); });
const tmp = () => mkdtempSync(path.join(tmpdir(), 'judge-'));
const log = () => {};
const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));

describe('openai judge (real local HTTP server)', () => {
  it('sends the system and user messages with the pinned model, temperature and max_tokens; key only in the header', async () => {
    const s = await startChatServer(() => '8 7\nfine'); servers.push(s);
    const cacheDir = tmp();
    const config = JudgeConfig.parse({ provider: 'openai', endpoint: s.url, model: 'gpt-4o-2024-11-20', apiKeyEnv: 'TEST_JUDGE_KEY' });
    const judge = await createJudge(config, { cacheDir, log, env: { TEST_JUDGE_KEY: 'sk-secret-123' } });
    expect(await judge.complete('SYS', 'USER')).toBe('8 7\nfine');
    expect(s.requests).toHaveLength(1);
    const r = s.requests[0]!;
    expect(r.body).toEqual({ model: 'gpt-4o-2024-11-20', messages: [{ role: 'system', content: 'SYS' }, { role: 'user', content: 'USER' }], temperature: 0.2, max_tokens: 1024 });
    expect(r.headers.authorization).toBe('Bearer sk-secret-123');
    for (const f of walk(cacheDir)) expect(readFileSync(f, 'utf8')).not.toContain('sk-secret');
    expect(judge.provenance).toMatchObject({ provider: 'openai', model: 'gpt-4o-2024-11-20', temperature: 0.2, rules: 'builtin:vlmbench-rules-v1', compat: 'llava' });
  });

  it('a cache hit costs no judge call, also from a new judge instance (re-run / re-score)', async () => {
    const s = await startChatServer(() => '9 6\nok'); servers.push(s);
    const cacheDir = tmp();
    const config = JudgeConfig.parse({ provider: 'openai', endpoint: s.url, model: 'judge-a' });
    const j1 = await createJudge(config, { cacheDir, log });
    await j1.complete('S', 'U1');
    await j1.complete('S', 'U1');
    expect(s.requests).toHaveLength(1);
    expect(j1.stats).toEqual({ calls: 1, cacheHits: 1 });
    const j2 = await createJudge(config, { cacheDir, log });
    expect(await j2.complete('S', 'U1')).toBe('9 6\nok');
    expect(s.requests).toHaveLength(1);
    // A different prompt, another try, or another judge model is a miss.
    await j2.complete('S', 'U2');
    await j2.complete('S', 'U1', undefined, { attempt: 1 });
    const j3 = await createJudge({ ...config, model: 'judge-b' }, { cacheDir, log });
    await j3.complete('S', 'U1');
    expect(s.requests).toHaveLength(4);
  });

  it('judging has its own concurrency limit', async () => {
    const s = await startChatServer(() => '5 5\n.', 30); servers.push(s);
    const judge = await createJudge(JudgeConfig.parse({ provider: 'openai', endpoint: s.url, model: 'm', concurrency: 2 }), { cacheDir: tmp(), log });
    await Promise.all(Array.from({ length: 8 }, (_, i) => judge.complete('S', `U${i}`)));
    expect(s.requests).toHaveLength(8);
    expect(s.peakInFlight).toBe(2);
  });

  it('retries 5xx/429 and gives up on 401 with a typed E_JUDGE error', async () => {
    const flaky = await startChatServer((_, n) => (n < 3 ? { status: n === 1 ? 503 : 429, headers: { 'retry-after': '0' } } : '7 7\nok')); servers.push(flaky);
    const judge = await createJudge(JudgeConfig.parse({ provider: 'openai', endpoint: flaky.url, model: 'm' }), { cacheDir: tmp(), log, baseDelayMs: 1 });
    expect(await judge.complete('S', 'U')).toBe('7 7\nok');
    expect(flaky.requests).toHaveLength(3);
    const denied = await startChatServer(() => ({ status: 401, body: '{"error":"bad key"}' })); servers.push(denied);
    const j2 = await createJudge(JudgeConfig.parse({ provider: 'openai', endpoint: denied.url, model: 'm', apiKeyEnv: 'K' }), { cacheDir: tmp(), log, env: { K: 'x' }, baseDelayMs: 1 });
    await expect(j2.complete('S', 'U')).rejects.toMatchObject({ code: 'E_JUDGE', hint: 'check the API key in K' });
    expect(denied.requests).toHaveLength(1);
  });

  it('a missing API key variable is a config error naming it', async () => {
    await expect(createJudge(JudgeConfig.parse({ provider: 'openai', endpoint: 'http://127.0.0.1:9/v1', model: 'm', apiKeyEnv: 'NOPE_KEY' }), { cacheDir: tmp(), log, env: {} }))
      .rejects.toMatchObject({ code: 'E_CONFIG', field: 'judge.apiKeyEnv' });
  });
});

describe('openai judge errors are redacted before they are kept', () => {
  it('a server echoing the rejected key in its 401 body: the key is in no record of the run', async () => {
    const { runCli } = await import('../helpers/cli.ts');
    const { tempDir, writeEchoConfig } = await import('../helpers/run-config.ts');
    const { writeFileSync } = await import('node:fs');
    const KEY = 'sk-test-9c1d2e3f4a5b6c7d';
    const echoing = await startChatServer(() => ({ status: 401, body: JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}. You passed Authorization: Bearer ${KEY}`, type: 'invalid_request_error' } }) }));
    servers.push(echoing);
    const dir = tempDir();
    const config = writeEchoConfig(dir, { count: 1, isolate: false, extra: `judge: { provider: openai, endpoint: "${echoing.url}", model: judge, apiKeyEnv: VLMB_TEST_JUDGE_KEY }\n` });
    writeFileSync(config, readFileSync(config, 'utf8').replace(/suites:\n[\s\S]*?report:/, 'suites:\n  - { name: conversation, limit: 2 }\nreport:'));
    const r = await runCli(['run', config, '--run-id', 'r'], { VLMBENCH_FIXTURES_DIR: path.join(dir, 'fixtures'), VLMB_TEST_JUDGE_KEY: KEY });
    expect(echoing.requests.length, `${r.stderr}\n${readFileSync(config, 'utf8')}`).toBeGreaterThan(0);
    const samples = readFileSync(path.join(dir, 'results', 'r', 'samples.jsonl'), 'utf8');
    expect(samples).toMatch(/judge endpoint answered HTTP 401/);
    expect(samples).toContain('[redacted]');
    expect(samples).not.toContain('9c1d2e3f4a5b6c7d');
    expect(`${r.stdout}${r.stderr}`).not.toContain('9c1d2e3f4a5b6c7d');
  }, 60_000);
});
