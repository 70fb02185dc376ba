import { getEventListeners } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JudgeConfig } from '../../src/config/schema.ts';
import { createJudge } from '../../src/judge/index.ts';
import { startChatServer, type ChatServer } from './judge-server.ts';

const servers: ChatServer[] = [];
afterEach(async () => { await Promise.all(servers.splice(0).map((s) => s.close())); });

describe('judge retries on a long-lived run signal', () => {
  it('leave no abort listener behind once the call has finished', async () => {
    const s = await startChatServer((_, n) => (n <= 2 ? { status: 503 } : '8 7\nok')); servers.push(s);
    const config = JudgeConfig.parse({ provider: 'openai', endpoint: s.url, model: 'judge-r' });
    const judge = await createJudge(config, { cacheDir: mkdtempSync(path.join(tmpdir(), 'judge-')), log: () => {}, baseDelayMs: 1 });
    const run = new AbortController();
    const before = getEventListeners(run.signal, 'abort').length;
    expect(await judge.complete('S', 'U', run.signal)).toBe('8 7\nok');
    expect(s.requests).toHaveLength(3);
    expect(getEventListeners(run.signal, 'abort').length).toBe(before);
    await judge.close();
  });
});
