/**
 * A stand-in for the GPT-4 judge (which cannot run here), faithful to the OpenAI chat-completions protocol
 * the judge client speaks: POST /v1/chat/completions → { choices: [{ message: { content } }] }. It reads the
 * answer under review ("[Assistant 2]" of the official review prompt) and replies with the score line the
 * test chooses for it, then a short explanation, as the official reviews do. An MM-Vet grader prompt gets
 * the single 0.0–1.0 correctness score MM-Vet's grader replies with (model score / reference score).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface JudgeStandin {
  /** Base URL for judge.endpoint, e.g. http://127.0.0.1:1234/v1 */
  url: string;
  calls: number;
  close(): Promise<void>;
}

/**
 * The prediction under review in an MM-Vet grader prompt (yuweihao/MM-Vet `mm-vet_evaluator.py`: the
 * few-shot table, then `question | ground truth | prediction | ` to complete), or undefined for another prompt.
 */
function mmvetPrediction(user: string): string | undefined {
  if (!user.startsWith('Compare the ground truth and prediction from AI models')) return undefined;
  const last = user.replace(/\nPredict the correctness of the answer \(digit\): $/, '').split('\n').at(-1) ?? '';
  return last.split(' | ')[2] ?? '';
}

export async function startJudgeStandin(scores: (answer: string) => [number, number]): Promise<JudgeStandin> {
  const state = { calls: 0 };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      state.calls++;
      const parsed = JSON.parse(body) as { messages: Array<{ role: string; content: string }> };
      const user = parsed.messages.find((m) => m.role === 'user')?.content ?? '';
      const mmvet = mmvetPrediction(user);
      let content: string;
      if (mmvet !== undefined) {
        // MM-Vet's grader answers one correctness score in [0, 1]: the planted model/reference ratio.
        const [ref, model] = scores(mmvet);
        content = (model / ref).toFixed(1);
      } else {
        const answer = /\[Assistant 2\]\n([\s\S]*?)\n\n\[End of Assistant 2\]/.exec(user)?.[1] ?? '';
        const [ref, model] = scores(answer);
        content = `${ref} ${model}\nAssistant 2 was judged against the reference.`;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `judge-${state.calls}`, object: 'chat.completion', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get calls() { return state.calls; },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
