import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../core/errors.ts';

/** Which LLaVA-Bench variant an item comes from: it decides the rule key and the context block. */
export type LlavaLayout = 'coco' | 'wild';
export type LlavaCategory = 'conv' | 'detail' | 'complex';
export const LLAVA_CATEGORIES: readonly LlavaCategory[] = ['conv', 'detail', 'complex'];

export interface Rule {
  role: string;
  prompt: string;
}

/** Where the rule prompts came from; recorded in sample meta and summaries. */
export interface RuleSource {
  kind: 'official' | 'builtin';
  /** `official:<file>#<sha256 prefix>` or `builtin:vlmbench-rules-v1`. */
  label: string;
  path?: string;
  sha256?: string;
}

export interface RuleSet {
  source: RuleSource;
  /** Keyed as in LLaVA's rule.json: `conv`… for COCO, `llava_bench_conv`… for In-the-Wild. */
  rules: Record<string, Rule>;
}

/** The rule.json key a category uses: bare for COCO, `llava_bench_` prefixed for In-the-Wild. */
export function ruleKey(layout: LlavaLayout, category: LlavaCategory): string {
  return layout === 'wild' ? `llava_bench_${category}` : category;
}

/**
 * vlmbench's own rule wording (not the official text, which is only used when `judge.rules` points at
 * LLaVA's rule.json). Same output contract: first line = two scores 1–10 separated by a space, then an
 * explanation; Assistant 1 is the reference.
 */
const BUILTIN_OUTPUT_CONTRACT =
  'Judge how helpful, relevant and accurate each response is, and how much useful detail it gives. ' +
  'Give each assistant one overall score, an integer from 1 (worst) to 10 (best).\n' +
  'Write the two scores alone on the first line, Assistant 1 first, separated by one space, for example: 7 5\n' +
  'From the second line on, justify the scores briefly. Judge the content only: neither the order of the ' +
  'responses nor their length should sway you.';

const BUILTIN_COCO =
  'Two AI assistants answered the question above about an image they could see. You cannot see the image; ' +
  'instead you get five captions of it and a list of the objects in it, each with a bounding box ' +
  '[x1, y1, x2, y2] given as fractions from 0 to 1 of the image width and height (top-left corner, then ' +
  'bottom-right corner). \n' + BUILTIN_OUTPUT_CONTRACT;

const BUILTIN_WILD =
  'Two AI assistants answered the question above about an image they could see. You cannot see the image; ' +
  'instead you get a short description of it. \n' + BUILTIN_OUTPUT_CONTRACT;

export const BUILTIN_RULE_LABEL = 'builtin:vlmbench-rules-v1';

export function builtinRules(): RuleSet {
  const rules: Record<string, Rule> = {};
  for (const c of LLAVA_CATEGORIES) {
    rules[ruleKey('coco', c)] = { role: 'Assistant', prompt: BUILTIN_COCO };
    rules[ruleKey('wild', c)] = { role: 'Assistant', prompt: BUILTIN_WILD };
  }
  return { source: { kind: 'builtin', label: BUILTIN_RULE_LABEL }, rules };
}

/** Parse LLaVA's `llava/eval/table/rule.json` text; every LLaVA-Bench key must be present. */
export function parseRuleFile(text: string, file: string): RuleSet {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`rule file is not valid JSON: ${(err as Error).message}`, {
      file, field: 'judge.rules', cause: err, hint: "point judge.rules at LLaVA's llava/eval/table/rule.json",
    });
  }
  if (typeof data !== 'object' || data === null) {
    throw new ConfigError('rule file must be a JSON object of rule entries', { file, field: 'judge.rules' });
  }
  const rules: Record<string, Rule> = {};
  for (const layout of ['coco', 'wild'] as const) {
    for (const c of LLAVA_CATEGORIES) {
      const key = ruleKey(layout, c);
      const entry = (data as Record<string, unknown>)[key] as { role?: unknown; prompt?: unknown } | undefined;
      if (!entry || typeof entry.prompt !== 'string' || typeof entry.role !== 'string') {
        throw new ConfigError(`rule file has no usable "${key}" entry (needs string "role" and "prompt")`, {
          file, field: key, hint: "use LLaVA's llava/eval/table/rule.json, or drop judge.rules for the built-in rules",
        });
      }
      rules[key] = { role: entry.role, prompt: entry.prompt };
    }
  }
  const sha256 = createHash('sha256').update(text).digest('hex');
  return { source: { kind: 'official', label: `official:${file}#${sha256.slice(0, 12)}`, path: file, sha256 }, rules };
}

export async function loadRules(rulesPath: string | undefined): Promise<RuleSet> {
  if (rulesPath === undefined) return builtinRules();
  let text: string;
  try {
    text = await readFile(rulesPath, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read rule file: ${(err as Error).message}`, {
      file: rulesPath, field: 'judge.rules', cause: err, hint: 'check the path, or drop judge.rules for the built-in rules',
    });
  }
  return parseRuleFile(text, rulesPath);
}
