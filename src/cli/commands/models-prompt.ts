import { parseArgs } from 'node:util';
import path from 'node:path';
import { DatasetError, UsageError } from '../../core/errors.ts';
import { getFamily } from '../../families/index.ts';
import {
  assertTemplate, isTemplateSource, renderTemplate, TEMPLATE_SOURCES, templateKeys, UpstreamTemplateError, withOpenSlot,
  type RenderedTemplate, type TemplateSource, type Turn,
} from '../../families/templates/index.ts';
import { defineCommand, print, type CliIO } from '../command.ts';
import { readJsonLines, writeLines, type JsonLine } from './models-jsonl.ts';

const HELP = `Usage:
  vlmbench models prompt --template <key> [--source llava|vila|tinyllava] --user <text> [--assistant <text> --user <text>…] [--json]
  vlmbench models prompt --family <family> [--template <key>] --user <text> [--json]
  vlmbench models prompt --in cases.jsonl [--out rendered.jsonl]

Renders chat turns with a named upstream conversation template and prints the exact prompt string
and the stop string the upstream evaluation scripts would use. The final assistant slot is left open.
In --user/--assistant text the two characters \\n mean a newline; '<image>' marks the image.

Options:
  --template   upstream key (LLaVA conv_templates, VILA conv_templates or TinyLLaVA templates)
  --source     which codebase's table the key refers to (default llava)
  --family     take source and default template from a vlmbench family (llava-1.5, vila, …)
  --user       a user turn (repeatable; order with --assistant is kept)
  --assistant  a finished assistant turn (repeatable)
  --in         batch: JSONL, one {"source","template","messages":[{"role","content"}]} per line
  --out        batch output (default stdout): each input line plus "prompt" and "stop",
               or "error" when the upstream template raises for that conversation
  --image-marker  replace '<image>' in the output, e.g. '<__media__>' for llama.cpp (libmtmd)
  --json       print one JSON object instead of text

Templates:
${TEMPLATE_SOURCES.map((s) => `  ${s.padEnd(9)} ${templateKeys(s).join(', ')}`).join('\n')}

Examples:
  vlmbench models prompt --template vicuna_v1 --user "<image>\\nWhat is shown?"
  vlmbench models prompt --source vila --template llama_3 --user "<image>\\nDescribe." --json
  vlmbench models prompt --in cases.jsonl --out rendered.jsonl`;

const OPTIONS = {
  template: { type: 'string' },
  source: { type: 'string' },
  family: { type: 'string' },
  user: { type: 'string', multiple: true },
  assistant: { type: 'string', multiple: true },
  in: { type: 'string' },
  out: { type: 'string' },
  'image-marker': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** --image-marker: '<image>' in the rendered prompt replaced (single and batch alike). */
const withMarker = (prompt: string, marker: string | undefined) => (marker === undefined ? prompt : prompt.split('<image>').join(marker));

/** CLI text: the literal two characters `\n` become a newline. */
const unescape = (s: string) => s.replaceAll('\\n', '\n');

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true, tokens: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), { cause: err, hint: 'see vlmbench models prompt --help' });
  }
}

function sourceOf(value: string | undefined): TemplateSource {
  const s = value ?? 'llava';
  if (!isTemplateSource(s)) throw new UsageError(`unknown --source '${s}'`, { field: '--source', hint: `one of ${TEMPLATE_SOURCES.join(', ')}` });
  return s;
}

export type RenderOutcome = ({ ok: true } & RenderedTemplate) | { ok: false; error: string };

/** Render, turning upstream exceptions into a value (batch lines record them as "error"). */
export function renderOutcome(source: TemplateSource, template: string, turns: Turn[]): RenderOutcome {
  try {
    return { ok: true, ...renderTemplate(source, template, withOpenSlot(turns)) };
  } catch (err) {
    if (err instanceof UpstreamTemplateError) return { ok: false, error: `upstream ${source} template '${template}' raises ${err.message}` };
    throw err;
  }
}

function printSingle(io: CliIO, json: boolean, source: TemplateSource, template: string, turns: Turn[], r: RenderedTemplate): void {
  if (json) {
    print(io.stdout, JSON.stringify({ source, template, messages: withOpenSlot(turns), prompt: r.prompt, stop: r.stop }));
    return;
  }
  print(io.stdout, [
    `source:   ${source}`,
    `template: ${template}`,
    `stop:     ${r.stop === null ? 'none (EOS only)' : JSON.stringify(r.stop)}`,
    `prompt:   ${JSON.stringify(r.prompt)}`,
    `--- exact prompt (${r.prompt.length} chars, between the lines; the model continues after the last character) ---`,
    r.prompt,
    '---',
  ].join('\n'));
}

function readCase(l: JsonLine, file: string): { source: TemplateSource; template: string; turns: Turn[] } {
  const bad = (field: string, msg: string) => new DatasetError(`line ${l.line}: ${msg}`, { file, line: l.line, field });
  const source = l.obj.source ?? 'llava';
  if (typeof source !== 'string' || !isTemplateSource(source)) throw bad('source', `unknown source ${JSON.stringify(source)} (${TEMPLATE_SOURCES.join(', ')})`);
  const template = l.obj.template;
  if (typeof template !== 'string') throw bad('template', 'missing "template" (an upstream template key)');
  try { assertTemplate(source, template); } catch (err) { throw bad('template', `${(err as Error).message}; known: ${templateKeys(source).join(', ')}`); }
  const messages = l.obj.messages;
  if (!Array.isArray(messages)) throw bad('messages', '"messages" must be an array of {role, content}');
  const turns = messages.map((m: unknown, i): Turn => {
    const { role, content } = (m ?? {}) as { role?: unknown; content?: unknown };
    if (role !== 'user' && role !== 'assistant') throw bad(`messages[${i}].role`, 'role must be "user" or "assistant"');
    if (content !== null && typeof content !== 'string') throw bad(`messages[${i}].content`, 'content must be a string or null');
    return { role, content };
  });
  return { source, template, turns };
}

async function runBatch(inFile: string, outFile: string | undefined, io: CliIO, marker: string | undefined): Promise<number> {
  const lines = await readJsonLines(inFile);
  const cases = lines.map((l) => readCase(l, inFile));
  let errors = 0;
  const out = lines.map((l, i) => {
    const c = cases[i]!;
    const r = renderOutcome(c.source, c.template, c.turns);
    if (!r.ok) errors++;
    return `${JSON.stringify(r.ok ? { ...l.obj, prompt: withMarker(r.prompt, marker), stop: r.stop } : { ...l.obj, error: r.error })}\n`;
  });
  await writeLines(out, outFile, io.stdout);
  print(io.stderr, `rendered ${lines.length - errors} of ${lines.length} conversations; ${errors} raised upstream [${inFile}${outFile ? ` → ${outFile}` : ''}]`);
  return 0;
}

export const modelsPromptCommand = defineCommand({
  name: 'prompt',
  summary: 'Render chat turns with an upstream template: exact prompt and stop string',
  help: HELP,
  async run(argv, io) {
    const { values, tokens } = parse(argv);
    if (values.in) {
      if (values.user || values.assistant) throw new UsageError('--in cannot be combined with --user/--assistant');
      return runBatch(path.resolve(io.cwd, values.in), values.out === undefined ? undefined : path.resolve(io.cwd, values.out), io, values['image-marker']);
    }
    let source: TemplateSource;
    let template: string | undefined = values.template;
    if (values.family) {
      const family = getFamily(values.family);
      if (values.source && values.source !== family.templateSource) {
        throw new UsageError(`--source ${values.source} disagrees with family ${family.key} (templates from ${family.templateSource})`, { field: '--source' });
      }
      source = family.templateSource;
      template ??= family.defaultTemplate;
    } else {
      source = sourceOf(values.source);
    }
    if (!template) throw new UsageError('missing --template', { field: '--template', hint: `e.g. ${templateKeys(source).slice(0, 4).join(', ')}; or give --family` });
    assertTemplate(source, template);
    const turns: Turn[] = tokens
      .filter((t) => t.kind === 'option' && (t.name === 'user' || t.name === 'assistant'))
      .map((t) => ({ role: (t as { name: string }).name as Turn['role'], content: unescape((t as { value?: string }).value ?? '') }));
    if (turns.length === 0) throw new UsageError('give at least one --user turn (or --in for a batch)', { field: '--user' });
    const r = renderOutcome(source, template, turns);
    if (!r.ok) throw new UsageError(r.error, { hint: 'this upstream template cannot render this conversation' });
    const marker = values['image-marker'];
    const shown = { ...r, prompt: withMarker(r.prompt, marker) };
    printSingle(io, values.json === true, source, template, turns, shown);
    return 0;
  },
});
