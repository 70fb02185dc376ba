import { ConfigError } from '../core/errors.ts';
import type { ChatMessage } from '../core/request.ts';
import type { Turn } from './templates/index.ts';

/**
 * Chat turns → the strings the upstream eval scripts pass to `append_message`. Images become
 * '<image>\n' in front of the question (`qs = DEFAULT_IMAGE_TOKEN + '\n' + qs` in model_vqa*.py),
 * wherever they sit among the parts; several text parts are joined with '\n'. An assistant message
 * without text is the open slot (None upstream).
 */
export function chatToTurns(messages: readonly ChatMessage[]): Turn[] {
  return messages.map((m, i) => {
    if (m.role === 'system') {
      throw new ConfigError('upstream conversation templates carry their own system prompt; system messages are not supported', {
        field: `messages[${i}]`,
        hint: 'put the instruction in the user turn, or choose a template whose system text fits',
      });
    }
    const text = m.content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n');
    if (m.role === 'assistant') {
      return { role: 'assistant', content: m.content.some((p) => p.type === 'text') ? text : null };
    }
    const images = m.content.filter((p) => p.type === 'image').length;
    return { role: 'user', content: '<image>\n'.repeat(images) + text };
  });
}
