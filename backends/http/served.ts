import { BackendError } from '../../src/core/errors.ts';
import type { PromptSource } from '../../src/core/record.ts';
import type { ChatMessage } from '../../src/core/request.ts';
import type { HttpOptions } from '../../src/config/backends.ts';
import type { ModelConfig } from '../../src/config/schema.ts';

/**
 * Prompt provenance on OpenAI-compatible servers. Every one of them renders the chat template itself
 * (`vlmbench serve` renders the family's, so its scores are client-rendered); the sample records the
 * messages that were sent, since the prompt the model saw is the server's.
 */

export function openAiPromptSource(model: ModelConfig, opts: Pick<HttpOptions, 'server'>): PromptSource {
  if (opts.server === 'vlmbench') return { by: 'client' };
  if (opts.server === 'trtllm-serve') {
    // tensorrt_llm/inputs/utils.py apply_chat_template: the HF processor's template for llava_next; for
    // VILA a template chosen from the checkpoint path, contents joined without roles.
    return { by: 'server-template', template: model.family === 'vila' ? 'trtllm-serve VILA template' : 'trtllm-serve HF chat template' };
  }
  return { by: 'server-template', template: `${opts.server} chat template` };
}

/**
 * The messages as sent (images as `<image>`), for the record. trtllm-serve's VILA path joins all
 * message contents without roles, so a system message would silently merge into the user's text:
 * refused here instead.
 */
export function sentMessages(model: ModelConfig, opts: Pick<HttpOptions, 'server'>, messages: readonly ChatMessage[]): Array<{ role: string; content: string }> {
  if (model.family === 'vila' && opts.server === 'trtllm-serve' && messages.some((m) => m.role === 'system')) {
    throw new BackendError('trtllm-serve joins VILA message contents without roles: a system message would merge into the user text', {
      code: 'E_BACKEND', retryable: false, hint: 'put the instruction in the user turn',
    });
  }
  return messages.map((m) => ({ role: m.role, content: m.content.map((p) => (p.type === 'text' ? p.text : '<image>')).join('\n') }));
}
