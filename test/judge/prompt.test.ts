import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReviewPrompt, REVIEW_SYSTEM } from '../../src/judge/prompt.ts';
import { builtinRules, loadRules, parseRuleFile } from '../../src/judge/rules.ts';
import { parseCocoContextLine } from '../../suites/llava-bench/jsonl.ts';

// The golden files were written by running the official f-string code of eval_gpt_review_visual.py /
// eval_gpt_review_bench.py (Python 3) on the same data; rule.json holds the rule texts of LLaVA `llava/eval/table/rule.json`.
const FIX = path.join(import.meta.dirname, 'fixtures');
const read = (f: string) => readFileSync(path.join(FIX, f), 'utf8');

describe('review prompt assembly', () => {
  it('COCO item matches the official script byte for byte (captions, Python-formatted boxes)', async () => {
    const rules = await loadRules(path.join(FIX, 'rule.json'));
    const ctx = parseCocoContextLine(read('coco-context.jsonl').trim());
    const p = buildReviewPrompt({
      layout: 'coco', category: 'conv', captions: ctx.captions, instances: ctx.instances,
      question: 'What is the color of the two suitcases in the image?',
      reference: 'The two suitcases are red and black.', answer: 'One is red,\nthe other black .',
    }, rules);
    expect(p.system).toBe('You are a helpful and precise assistant for checking the quality of the answer.');
    expect(p.ruleKey).toBe('conv');
    expect(p.user).toBe(read('review-coco.golden.txt'));
    expect(p.user).toContain('suitcase: [0.0, 0, 1, 0.3333333333333333]\nhandbag: [1e-05, 0.5, 0.12345678901234566, 1.0]');
  });

  it('In-the-Wild item matches the official script byte for byte (caption list joined, llava_bench_ key)', async () => {
    const rules = await loadRules(path.join(FIX, 'rule.json'));
    const p = buildReviewPrompt({
      layout: 'wild', category: 'detail',
      captions: ['A red circle on a white background.', 'A small blue square sits at the bottom right.'],
      question: 'Describe the image in detail.',
      reference: 'The two suitcases are red and black.', answer: 'One is red,\nthe other black .',
    }, rules);
    expect(p.ruleKey).toBe('llava_bench_detail');
    expect(p.system).toBe(REVIEW_SYSTEM);
    expect(p.user).toBe(read('review-wild.golden.txt'));
    expect(p.user.endsWith('does not affect your judgment.\n\n')).toBe(true);
  });

  it('records where the rules came from; the built-in wording is not the official text', async () => {
    const official = await loadRules(path.join(FIX, 'rule.json'));
    expect(official.source.kind).toBe('official');
    expect(official.source.label).toMatch(/^official:.*rule\.json#[0-9a-f]{12}$/);
    const builtin = builtinRules();
    expect(builtin.source.label).toBe('builtin:vlmbench-rules-v1');
    for (const key of Object.keys(official.rules)) {
      expect(builtin.rules[key]!.prompt).not.toBe(official.rules[key]!.prompt);
      expect(builtin.rules[key]!.prompt).toMatch(/first line/); // same output contract
    }
  });

  it('rejects a rule file without the LLaVA-Bench keys, naming the key', () => {
    expect(() => parseRuleFile('{"default": {"role": "Assistant", "prompt": "x"}}', 'r.json')).toThrow(/"conv"/);
    expect(() => parseRuleFile('not json', 'r.json')).toThrow(/not valid JSON/);
  });
});
