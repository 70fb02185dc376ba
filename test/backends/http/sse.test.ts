import { describe, expect, it } from 'vitest';
import { createSseParser, type SseEvent } from '../../../backends/http/sse.ts';

function parseAll(pieces: string[]): SseEvent[] {
  const out: SseEvent[] = [];
  const p = createSseParser((e) => out.push(e));
  for (const s of pieces) p.feed(s);
  p.end();
  return out;
}

/** Every way of cutting `text` into two or three pieces must give the same events as the whole. */
function allSplits(text: string): string[][] {
  const res: string[][] = [];
  for (let i = 0; i <= text.length; i++) {
    res.push([text.slice(0, i), text.slice(i)]);
    for (let j = i; j <= text.length; j += 3) res.push([text.slice(0, i), text.slice(i, j), text.slice(j)]);
  }
  return res;
}

const STREAM = [
  ': keep-alive comment\n',
  'data: {"choices":[{"delta":{"role":"assistant","content":""}}]}\n\n',
  'event: message\r\ndata: {"choices":[{"delta":{"content":"héllo €"}}]}\r\n\r\n',
  'id: 7\rdata: line one\rdata: line two\r\r',
  ':\n\n',
  'data:nospace\n\n',
  'retry: 1500\nevent: ping\ndata: \n\n',
  'data: [DONE]\n\n',
].join('');

describe('createSseParser', () => {
  it('parses comments, CRLF/CR/LF line ends, multi-line data, ids, retry and [DONE]', () => {
    const events = parseAll([STREAM]);
    expect(events).toEqual([
      { event: 'message', data: '{"choices":[{"delta":{"role":"assistant","content":""}}]}' },
      { event: 'message', data: '{"choices":[{"delta":{"content":"héllo €"}}]}' },
      { event: 'message', data: 'line one\nline two', id: '7' },
      { event: 'message', data: 'nospace', id: '7' },
      { event: 'ping', data: '', id: '7', retry: 1500 },
      { event: 'message', data: '[DONE]', id: '7' },
    ]);
  });

  it('gives identical events for every chunk boundary, including between \\r and \\n', () => {
    const whole = parseAll([STREAM]);
    for (const split of allSplits(STREAM)) expect(parseAll(split)).toEqual(whole);
  });

  it('handles one character at a time', () => {
    expect(parseAll([...STREAM])).toEqual(parseAll([STREAM]));
  });

  it('dispatches a final event without its blank line but drops a truncated last line', () => {
    expect(parseAll(['data: a\n'])).toEqual([{ event: 'message', data: 'a' }]);
    expect(parseAll(['data: a\n\ndata: {"trunc'])).toEqual([{ event: 'message', data: 'a' }]);
  });

  it('ignores events with no data and unknown fields', () => {
    expect(parseAll(['event: x\n\nfoo: bar\n\n: ping\n\n'])).toEqual([]);
  });

  it('delivers events synchronously as soon as their blank line arrives', () => {
    const seen: string[] = [];
    const p = createSseParser((e) => seen.push(e.data));
    p.feed('data: 1\n');
    expect(seen).toEqual([]);
    p.feed('\ndata: 2');
    expect(seen).toEqual(['1']);
    p.feed('\n\n');
    expect(seen).toEqual(['1', '2']);
  });
});
