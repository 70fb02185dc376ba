import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { LlamaCppRuntime } from './llama-cpp.ts';

/**
 * The native llama.cpp tools of a managed build, run as references: llama-mtmd-cli (greedy answers and
 * image-prompt timings) and llama-bench (decode speed). Used by the parity tests and bench:gguf.
 */

const run = promisify(execFile);

export interface MtmdCliInput {
  model: string;
  mmproj: string;
  image: string;
  /** The complete raw prompt with the media marker; a pass-through jinja template keeps it byte-exact. */
  prompt: string;
  maxTokens: number;
  threads: number;
  contextSize?: number;
  batchSize?: number;
  /** Token ids to ban (`--logit-bias <id>-inf`, what llama-server does for `[id, false]`). */
  ban?: number[];
}

export interface MtmdCliResult {
  /** Generated text, up to EOS or maxTokens (stop strings are the caller's to apply). */
  text: string;
  /** CLIP encode time from mtmd's log, summed. */
  encodeMs: number;
  /** "image decoded (batch …) in N ms": the LM decode of the image embeddings, summed. */
  imageDecodeMs: number;
  /** llama_perf "prompt eval time": every LM batch of the prompt (text and image embeddings). */
  promptEvalMs: number;
}

const RESPONSE_MARKER = '<<<vlmbench-response>>>';

/** Greedy llama-mtmd-cli: `--temp 0 --top-k 1`, one turn, the response cut out after MTMD_TEST_RESPONSE_MARKER. */
export async function mtmdCli(rt: LlamaCppRuntime, o: MtmdCliInput): Promise<MtmdCliResult> {
  const args = ['-m', o.model, '--mmproj', o.mmproj, '--image', o.image, '-p', o.prompt, '-n', String(o.maxTokens),
    '-t', String(o.threads), '-tb', String(o.threads), '-c', String(o.contextSize ?? 2048), '-b', String(o.batchSize ?? 512),
    // -lv 4: the encode, image-decode and llama_perf timing lines are only logged at this verbosity.
    '--temp', '0', '--top-k', '1', '--seed', '0', '-lv', '4', '--jinja', '--chat-template', '{{ messages[0].content }}',
    ...(o.ban ?? []).flatMap((t) => ['--logit-bias', `${t}-inf`])];
  const { stdout, stderr } = await run(rt.binaries['llama-mtmd-cli'], args, {
    env: { ...process.env, MTMD_TEST_RESPONSE_MARKER: RESPONSE_MARKER }, maxBuffer: 64 << 20,
  });
  const at = stdout.indexOf(RESPONSE_MARKER);
  if (at < 0) throw new Error(`llama-mtmd-cli printed no response marker:\n${stdout.slice(-1500)}\n${stderr.slice(-1500)}`);
  const log = `${stdout}\n${stderr}`;
  const sum = (re: RegExp): number => [...log.matchAll(re)].reduce((s, m) => s + Number(m[1]), 0);
  return {
    // The marker line, a newline before the answer and one or two after it (mtmd-cli's own): trailing
    // newlines are cut, so compare answers with theirs cut too (`sameAnswer`).
    text: stdout.slice(at + RESPONSE_MARKER.length + 1).replace(/^\n/, '').replace(/\n+$/, ''),
    // "image slice encoded in N ms" (per slice) or, batched, "mtmd batch encoding done in N ms".
    encodeMs: sum(/(?:image slice encoded in|mtmd batch encoding done in) ([\d.]+) ms/g),
    imageDecodeMs: sum(/image decoded \(batch \d+\/\d+\) in ([\d.]+) ms/g),
    promptEvalMs: sum(/prompt eval time =\s*([\d.]+) ms/g),
  };
}

/**
 * mtmd-cli's greedy answer, robust to a lost tail: it prints tokens through llama.cpp's asynchronous
 * log thread and, on a loaded machine, the end of the answer is sometimes missing from stdout (seen 2
 * times in ~10 runs; greedy decoding itself is deterministic). Runs until two answers agree (at most 3)
 * and keeps the longest.
 */
export async function mtmdCliAnswer(rt: LlamaCppRuntime, o: MtmdCliInput): Promise<string> {
  const seen: string[] = [];
  for (let i = 0; i < 3; i++) {
    const text = (await mtmdCli(rt, o)).text;
    if (seen.includes(text)) return text;
    seen.push(text);
  }
  return seen.reduce((a, b) => (b.length > a.length ? b : a));
}

/** The harness's answer equals mtmd-cli's, cut at the first family stop string, trailing newlines aside. */
export function sameAnswer(answer: string, native: string, stop: string[]): boolean {
  let n = native;
  for (const s of stop) { const at = s ? n.indexOf(s) : -1; if (at >= 0) n = n.slice(0, at); }
  return answer.replace(/\n+$/, '') === n.replace(/\n+$/, '');
}

export interface LlamaBenchRow { n_prompt: number; n_gen: number; n_depth?: number; avg_ts: number; samples_ts?: number[] }

/** llama-bench `tg<tokens>` at depth `depth` (`-d`): the decode tokens/s of each repetition (its samples, not its mean). */
export async function llamaBenchDecode(rt: LlamaCppRuntime, o: { model: string; threads: number; tokens: number; depth: number; reps: number }): Promise<number[]> {
  const { stdout } = await run(rt.binaries['llama-bench'],
    ['-m', o.model, '-t', String(o.threads), '-p', '0', '-n', String(o.tokens), '-d', String(o.depth), '-r', String(o.reps), '-o', 'json'],
    { maxBuffer: 16 << 20 });
  const row = (JSON.parse(stdout) as LlamaBenchRow[]).find((r) => r.n_gen > 0);
  if (!row) throw new Error(`llama-bench printed no tg row:\n${stdout.slice(-1000)}`);
  return row.samples_ts ?? [row.avg_ts];
}
