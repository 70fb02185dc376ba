import { ConfigError } from '../../core/errors.ts';
import { conversationPrompt, conversationStop, type Turn } from './conversation.ts';
import { LLAVA_TEMPLATES } from './llava.ts';
import { UpstreamTemplateError } from './py.ts';
import { TINYLLAVA_TEMPLATES, tinyllavaPrompt, tinyllavaStop } from './tinyllava.ts';
import { VILA_TEMPLATES } from './vila.ts';

export type { Turn } from './conversation.ts';
export { UpstreamTemplateError } from './py.ts';

/**
 * One table of upstream templates, keyed by the codebase that defines them. Families and
 * `vlmbench models prompt` both render through `renderTemplate`.
 */
export const TEMPLATE_SOURCES = ['llava', 'vila', 'tinyllava'] as const;
export type TemplateSource = (typeof TEMPLATE_SOURCES)[number];

export const isTemplateSource = (s: string): s is TemplateSource => (TEMPLATE_SOURCES as readonly string[]).includes(s);

export interface RenderedTemplate {
  /** Exact prompt string (no BOS unless the upstream template text itself contains one). */
  prompt: string;
  /** Stop string the upstream eval scripts use; null = none (stop on EOS only). */
  stop: string | null;
}

export function templateKeys(source: TemplateSource): string[] {
  return Object.keys(tableOf(source));
}

function tableOf(source: TemplateSource): Readonly<Record<string, unknown>> {
  return source === 'llava' ? LLAVA_TEMPLATES : source === 'vila' ? VILA_TEMPLATES : TINYLLAVA_TEMPLATES;
}

export function hasTemplate(source: TemplateSource, key: string): boolean {
  return Object.hasOwn(tableOf(source), key);
}

export function assertTemplate(source: TemplateSource, key: string): void {
  if (!hasTemplate(source, key)) {
    throw new ConfigError(`unknown ${source} template '${key}'`, {
      field: 'template',
      hint: `known ${source} templates: ${templateKeys(source).join(', ')}`,
    });
  }
}

/**
 * Render turns with an upstream template. The final assistant slot is whatever the caller passes:
 * append `{ role: 'assistant', content: null }` to leave it open (see `withOpenSlot`). Throws
 * UpstreamTemplateError where the upstream code raises (e.g. `plain` with a filled assistant turn).
 */
export function renderTemplate(source: TemplateSource, key: string, turns: readonly Turn[]): RenderedTemplate {
  assertTemplate(source, key);
  if (source === 'tinyllava') {
    const t = TINYLLAVA_TEMPLATES[key]!;
    return { prompt: tinyllavaPrompt(t, turns), stop: tinyllavaStop(t) };
  }
  const t = (source === 'llava' ? LLAVA_TEMPLATES : VILA_TEMPLATES)[key]!;
  return { prompt: conversationPrompt(t, turns), stop: conversationStop(t) };
}

/** Turns as the eval scripts build them: an open assistant slot after a final user turn. */
export function withOpenSlot(turns: readonly Turn[]): Turn[] {
  const last = turns.at(-1);
  return last === undefined || last.role === 'user' ? [...turns, { role: 'assistant', content: null }] : [...turns];
}

export function isUpstreamTemplateError(err: unknown): err is UpstreamTemplateError {
  return err instanceof UpstreamTemplateError;
}
