import type { Turn } from './conversation.ts';
import { pyReplaceFirst, pyStrip, UpstreamTemplateError } from './py.ts';

/**
 * TinyLLaVA_Factory templates (`tinyllava/data/template/*.py`): a template is five formatters, and
 * `Template._prompt` concatenates system + (user, assistant) pairs. Ported with the Factory's quirks:
 * `<image>` is always moved to the front of the question, an open assistant slot renders as
 * `slot.split(":")[0] + ":"`, and a leading assistant turn is dropped.
 */

type Formatter =
  | { kind: 'empty'; slot: string }
  | { kind: 'string'; slot: string };

export interface TinyTemplate {
  formatImageToken: Formatter;
  formatUser: Formatter;
  formatAssistant: Formatter;
  system: string;
  /** [sep, eos]; the eos is where generation ends (scripts stop on the tokenizer's EOS). */
  separator: readonly [string, string];
}

const SYSTEM = "A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the user's questions.";

const str = (slot: string): Formatter => ({ kind: 'string', slot });
const empty = (slot: string): Formatter => ({ kind: 'empty', slot });

/** The USER/ASSISTANT chat layout shared by phi, llama, gemma and qwen2_*, differing only in EOS. */
function chatTemplate(eos: string): TinyTemplate {
  return {
    formatImageToken: str('<image>\n{{content}}'),
    formatUser: str('USER: {{content}} '),
    formatAssistant: str(`ASSISTANT: {{content}}${eos}`),
    system: `${SYSTEM} `,
    separator: [' ASSISTANT: ', eos],
  };
}

export const TINYLLAVA_TEMPLATES: Readonly<Record<string, TinyTemplate>> = {
  phi: chatTemplate('<|endoftext|>'),
  llama: chatTemplate('</s>'),
  gemma: chatTemplate('<eos>'),
  qwen2_base: chatTemplate('<|endoftext|>'),
  qwen2_instruct: chatTemplate('<|im_end|>'),
  pretrain: {
    formatImageToken: empty(''),
    formatUser: empty('<image>'),
    formatAssistant: str('{{content}}\n'),
    system: '',
    separator: ['', ''],
  },
};

/** `Formatter.apply(content=value)` */
function apply(f: Formatter, value: string | null): string {
  if (f.kind === 'empty') return f.slot;
  if (value === null) return `${f.slot.split(':')[0]}:`;
  return pyReplaceFirst(f.slot, '{{content}}', value);
}

/** `Template._get_list_from_message`: alternate by position, skipping a leading assistant turn. */
function splitQuestionsAnswers(turns: readonly Turn[]): { questions: Array<string | null>; answers: Array<string | null> } {
  const questions: Array<string | null> = [];
  const answers: Array<string | null> = [];
  let firstIsNotQuestion = 0;
  turns.forEach((t, i) => {
    if (i === 0 && t.role !== 'user') { firstIsNotQuestion = 1; return; }
    if (i % 2 === firstIsNotQuestion) questions.push(t.content);
    else answers.push(t.content);
  });
  if (questions.length !== answers.length) {
    throw new UpstreamTemplateError('AssertionError', `qa is not match : length_q:${questions.length} vs length_a:${answers.length}`);
  }
  return { questions, answers };
}

/** `Template.prompt(question_list, answer_list)` for eval (`Message.add_message(q)` leaves answer None). */
export function tinyllavaPrompt(t: TinyTemplate, turns: readonly Turn[]): string {
  const { questions, answers } = splitQuestionsAnswers(turns);
  let msg = '';
  questions.forEach((q, i) => {
    if (i === 0) msg += t.system;
    if (q === null) throw new UpstreamTemplateError('TypeError', "argument of type 'NoneType' is not iterable");
    let question = q;
    if (question.includes('<image>')) {
      question = pyStrip(question.split('<image>').join(''));
      question = pyStrip(apply(t.formatImageToken, question));
    }
    msg += apply(t.formatUser, question);
    msg += apply(t.formatAssistant, answers[i] ?? null);
  });
  return msg;
}

export function tinyllavaStop(t: TinyTemplate): string | null {
  return t.separator[1] || null;
}
