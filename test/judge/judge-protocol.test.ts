import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JudgeConfig } from '../../src/config/schema.ts';
import type { SampleRecord } from '../../src/core/record.ts';
import { aggregateLlavaBench } from '../../src/judge/aggregate.ts';
import { createJudge } from '../../src/judge/index.ts';
import { scoreAnswer } from '../../src/judge/sample.ts';
import { startChatServer, type ChatServer } from './judge-server.ts';

const servers: ChatServer[] = [];
afterEach(async () => { await Promise.all(servers.splice(0).map((s) => s.close())); });
const item = { layout: 'wild' as const, questionId: 'q1', category: 'conv' as const, question: 'What color?', imageName: 'x.jpg', reference: 'It is red.', captions: ['a red ball'] };

async function judgedRecord(requested: string, answeredAs: string): Promise<SampleRecord> {
  // An OpenAI-compatible server that resolves the requested model to another id in its reply, as OpenAI does for aliases.
  const s = await startChatServer(() => ({ status: 200, body: JSON.stringify({ model: answeredAs, choices: [{ index: 0, message: { role: 'assistant', content: '8 7\nok' } }] }) }));
  servers.push(s);
  const judge = await createJudge(JudgeConfig.parse({ provider: 'openai', endpoint: s.url, model: requested }), { cacheDir: mkdtempSync(path.join(tmpdir(), 'judge-')), log: () => {} });
  const out = await scoreAnswer(item, 'Red.', { judge, retries: 0 });
  return { key: 'k', model: 'm', suite: 'conversation', sampleId: 'q1', repeat: 0, scores: out.scores, meta: out.meta, output: 'Red.', finishedAt: '' } as SampleRecord;
}

describe('the judge that actually answered, and the published protocol', () => {
  it('records the model the API reports per sample and notes when it is not the one requested', async () => {
    const rec = await judgedRecord('gpt-4', 'gpt-4-0613');
    expect((rec.meta as { judgeAnsweredBy?: string[] }).judgeAnsweredBy).toEqual(['gpt-4-0613']);
    const summary = aggregateLlavaBench([rec], { iterations: 100 });
    expect(summary.notes).toContain('The judge API reported answering as gpt-4-0613 although gpt-4 was requested.');
    expect(summary.notes!.join('\n')).toMatch(/Judge openai:gpt-4 is not the published protocol's \(openai:gpt-4-0314\)/);
  });

  it('the published judge answering as itself gets neither note', async () => {
    const rec = await judgedRecord('gpt-4-0314', 'gpt-4-0314');
    const notes = aggregateLlavaBench([rec], { iterations: 100 }).notes ?? [];
    expect(notes.join('\n')).not.toMatch(/not the published protocol|reported answering/);
  });
});
