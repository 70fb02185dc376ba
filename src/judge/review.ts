import { toErrorRecord } from '../core/errors.ts';
import type { JudgeClient } from '../core/suite.ts';
import { parseScoreLine, parseScoreOfficial, isOfficialFailure } from './parse.ts';
import { buildReviewPrompt, type ReviewItem } from './prompt.ts';
import type { JudgeCompat } from './relative.ts';
import type { RuleSet } from './rules.ts';
import { isLlavaJudge } from './types.ts';

/** The outcome of judging one answer; stored in the sample's meta so a report can show it. */
export interface Judgement {
  status: 'ok' | 'failed';
  /** [reference score, model score]. Default mode: null on failure. llava mode: `[-1, -1]` kept, as upstream. */
  tuple: [number, number] | null;
  /** The judge's last raw reply (the official review `content`). */
  content: string | null;
  /** Judge replies requested for this item. */
  attempts: number;
  /** Why the judgement failed (unparseable score line, judge error). */
  error?: string;
  ruleKey: string;
}

export interface JudgeItemOptions {
  rules: RuleSet;
  compat: JudgeCompat;
  /** Extra tries after an unparseable reply (default mode only; the official script never re-asks). */
  retries: number;
  signal?: AbortSignal;
}

async function ask(judge: JudgeClient, system: string, user: string, attempt: number, signal?: AbortSignal) {
  return isLlavaJudge(judge) ? judge.complete(system, user, signal, { attempt }) : judge.complete(system, user, signal);
}

/** Judge one answer against its reference with the LLaVA review protocol. Never throws for a bad reply. */
export async function judgeItem(judge: JudgeClient, item: ReviewItem, opts: JudgeItemOptions): Promise<Judgement> {
  const { system, user, ruleKey } = buildReviewPrompt(item, opts.rules);
  let content: string | null = null;
  let error = '';
  const tries = opts.compat === 'llava' ? 1 : 1 + opts.retries;
  for (let attempt = 0; attempt < tries; attempt++) {
    try {
      content = await ask(judge, system, user, attempt, opts.signal);
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      // The client already retried transport errors; a thrown error ends this judgement.
      return { status: 'failed', tuple: null, content, attempts: attempt + 1, error: toErrorRecord(err).message, ruleKey };
    }
    if (opts.compat === 'llava') {
      const tuple = parseScoreOfficial(content);
      return isOfficialFailure(tuple)
        ? { status: 'failed', tuple, content, attempts: 1, error: 'score line not parseable by parse_score (kept as [-1, -1])', ruleKey }
        : { status: 'ok', tuple, content, attempts: 1, ruleKey };
    }
    const parsed = parseScoreLine(content);
    if (parsed.ok) return { status: 'ok', tuple: parsed.scores, content, attempts: attempt + 1, ruleKey };
    error = parsed.reason;
  }
  return { status: 'failed', tuple: null, content, attempts: tries, error, ruleKey };
}
