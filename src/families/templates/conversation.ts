import { pyConcat, pyLstrip, truthy, UpstreamTemplateError } from './py.ts';

/**
 * A port of `Conversation.get_prompt()` from haotian-liu/LLaVA `llava/conversation.py` (and VILA's copy,
 * which adds the MISTRAL, LLAMA_3 and AUTO styles). Operates on plain strings exactly as the eval
 * scripts do (`conv.append_message(role, text)`), so Python's truthiness and `str + None` failures are
 * reproduced. The web-UI tuple message form (mmtag image tags) is not used by the eval scripts and is
 * not ported.
 */

export type SepStyle = 'SINGLE' | 'TWO' | 'MPT' | 'PLAIN' | 'LLAMA_2' | 'MISTRAL' | 'LLAMA_3' | 'AUTO';

export interface ConversationTemplate {
  system: string;
  roles: readonly [string, string];
  /** Built-in turns rendered before the caller's (conv_vicuna_v0's few-shot example). */
  messages: ReadonlyArray<readonly [string, string]>;
  sepStyle: SepStyle;
  sep: string;
  sep2: string | null;
  version: string;
}

export interface Turn {
  role: 'user' | 'assistant';
  /** null = the open slot the model generates into (upstream `append_message(role, None)`). */
  content: string | null;
}

/** Render like `conv.copy(); append_message(...) for each turn; get_prompt()`. */
export function conversationPrompt(t: ConversationTemplate, turns: readonly Turn[]): string {
  const messages: Array<[string, string | null]> = [
    ...t.messages.map(([r, m]) => [r, m] as [string, string | null]),
    ...turns.map((x) => [x.role === 'user' ? t.roles[0] : t.roles[1], x.content] as [string, string | null]),
  ];
  switch (t.sepStyle) {
    case 'SINGLE': {
      let ret = t.system + t.sep;
      for (const [role, msg] of messages) ret += truthy(msg) ? role + ': ' + msg + t.sep : role + ':';
      return ret;
    }
    case 'TWO': {
      const seps = [t.sep, t.sep2];
      let ret = pyConcat(t.system, seps[0]!);
      messages.forEach(([role, msg], i) => {
        ret += truthy(msg) ? pyConcat(role, ': ', msg, seps[i % 2]!) : role + ':';
      });
      return ret;
    }
    case 'MPT': {
      let ret = t.system + t.sep;
      for (const [role, msg] of messages) ret += truthy(msg) ? role + msg + t.sep : role;
      return ret;
    }
    case 'LLAMA_3': {
      // VILA: the last message ends with sep2 (<|end_of_text|>), every other one with sep (<|eot_id|>).
      let ret = t.system + t.sep;
      messages.forEach(([role, msg], i) => {
        ret += truthy(msg) ? pyConcat(role, msg, i < messages.length - 1 ? t.sep : t.sep2) : role;
      });
      return ret;
    }
    case 'LLAMA_2':
    case 'MISTRAL':
      return llama2Prompt(t, messages);
    case 'PLAIN': {
      const seps = [t.sep, t.sep2];
      let ret = t.system;
      messages.forEach(([, msg], i) => {
        if (truthy(msg)) ret += pyConcat(msg, seps[i % 2]!);
      });
      return ret;
    }
    case 'AUTO':
      // VILA's conv_auto is a placeholder replaced by auto_set_conversation_mode(); rendering it raises.
      throw new UpstreamTemplateError('ValueError', 'Invalid style: SeparatorStyle.AUTO');
  }
}

function llama2Prompt(t: ConversationTemplate, messages: Array<[string, string | null]>): string {
  const mistral = t.sepStyle === 'MISTRAL';
  // LLaVA (current) skips the <<SYS>> block for an empty system; VILA's MISTRAL style adds "\n" only if non-empty.
  const wrapSys = mistral
    ? (s: string) => s + (s ? '\n' : '')
    : (s: string) => (s.length > 0 ? `<<SYS>>\n${s}\n<</SYS>>\n\n` : s);
  const wrapInst = (s: string) => `[INST] ${s} [/INST]`;
  let ret = mistral ? '<s>' : '';
  messages.forEach(([role, msg], i) => {
    if (i === 0) {
      if (!truthy(msg)) throw new UpstreamTemplateError('AssertionError', 'first message should not be none');
      if (role !== t.roles[0]) throw new UpstreamTemplateError('AssertionError', 'first message should come from user');
    }
    if (!truthy(msg)) return;
    let m = i === 0 ? wrapSys(t.system) + msg : msg;
    if (i % 2 === 0) {
      m = wrapInst(m);
      ret += t.sep + m;
    } else {
      ret += mistral ? pyConcat(m, t.sep2) : pyConcat(' ', m, ' ', t.sep2);
    }
  });
  return pyLstrip(ret, t.sep);
}

/**
 * Stop string of the pre-1.6 eval scripts and `cli.py`:
 * `stop_str = conv.sep if conv.sep_style != SeparatorStyle.TWO else conv.sep2`. An empty string
 * (mistral_instruct, VILA mistral) means "none": applied naively it would blank every output.
 */
export function conversationStop(t: ConversationTemplate): string | null {
  const s = t.sepStyle === 'TWO' ? t.sep2 : t.sep;
  return s ? s : null;
}
