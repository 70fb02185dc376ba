import { pyListRepr } from './pyformat.ts';
import { ruleKey, type LlavaCategory, type LlavaLayout, type Rule, type RuleSet } from './rules.ts';
import { ConfigError } from '../core/errors.ts';

/** The system message of both official review scripts (eval_gpt_review_visual.py / _bench.py). */
export const REVIEW_SYSTEM = 'You are a helpful and precise assistant for checking the quality of the answer.';

/** A COCO object instance; `bboxInts[i]` marks coordinates written as JSON integers (Python prints `0`, not `0.0`). */
export interface BoxInstance {
  category: string;
  bbox: number[];
  bboxInts?: boolean[];
}

/** Everything the judge sees about one question. */
export interface ReviewItem {
  layout: LlavaLayout;
  category: LlavaCategory;
  /** COCO: the five captions; Wild: the caption list, or a one-element list for a string caption. */
  captions: string[];
  /** COCO only. */
  instances?: BoxInstance[];
  question: string;
  /** Assistant 1: the GPT-4 reference answer. */
  reference: string;
  /** Assistant 2: the answer of the model under test. */
  answer: string;
}

export interface ReviewPrompt {
  system: string;
  user: string;
  ruleKey: string;
}

/** `{category}: {bbox}` lines as the COCO script writes them (Python `str()` of the bbox list). */
export function formatBoxes(instances: readonly BoxInstance[]): string {
  return instances.map((i) => `${i.category}: ${pyListRepr(i.bbox, i.bboxInts)}`).join('\n');
}

function ruleFor(rules: RuleSet, key: string): Rule {
  const rule = rules.rules[key];
  if (!rule) throw new ConfigError(`no rule prompt for "${key}"`, { field: key, file: rules.source.path });
  return rule;
}

/** The judge's user message, byte-exact with the official scripts (LLaVA `llava/eval/eval_gpt_review_bench.py`). */
export function buildReviewPrompt(item: ReviewItem, rules: RuleSet): ReviewPrompt {
  const key = ruleKey(item.layout, item.category);
  const { role, prompt } = ruleFor(rules, key);
  const context = item.layout === 'coco'
    ? `${item.captions.join('\n')}\n\n${formatBoxes(item.instances ?? [])}`
    : item.captions.join('\n');
  const user =
    `[Context]\n${context}\n\n` +
    `[Question]\n${item.question}\n\n` +
    `[${role} 1]\n${item.reference}\n\n[End of ${role} 1]\n\n` +
    `[${role} 2]\n${item.answer}\n\n[End of ${role} 2]\n\n` +
    `[System]\n${prompt}\n\n`;
  return { system: REVIEW_SYSTEM, user, ruleKey: key };
}
