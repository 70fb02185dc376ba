import type { ChatMessage } from '../../src/core/request.ts';
import { ModelFileError } from '../../src/core/errors.ts';
import { readJson } from './files.ts';
import type { ModelFiles } from './files.ts';
import { IMAGE_MARKER } from './prompt.ts';

/** `template: chat_template` in a model config renders the folder's own Jinja chat template. */
export const FOLDER_TEMPLATE = 'chat_template';

export type RenderPrompt = (messages: ChatMessage[]) => { prompt: string; stop: string[] };

/**
 * Render tokenizer_config.json's `chat_template` with @huggingface/jinja, the way HF processors call
 * it: content as a list of `{type: 'image'}` / `{type: 'text', text}` parts, add_generation_prompt.
 * Image parts must come out as the literal `<image>` placeholder the merge step looks for.
 */
export async function folderTemplate(files: ModelFiles): Promise<RenderPrompt> {
  const file = files.tokenizerConfig ?? files.tokenizer;
  const config = files.tokenizerConfig ? await readJson(files.tokenizerConfig) : {};
  const source = config.chat_template;
  if (typeof source !== 'string') {
    throw new ModelFileError('template: chat_template, but tokenizer_config.json has no chat_template string', {
      file, field: 'chat_template', hint: 'Use a family template key instead, or add the chat template to tokenizer_config.json.',
    });
  }
  const { Template } = await import('@huggingface/jinja');
  const template = new Template(source);
  const token = (v: unknown): string => (typeof v === 'string' ? v : typeof (v as { content?: unknown })?.content === 'string' ? (v as { content: string }).content : '');
  return (messages) => {
    const prompt = template.render({
      messages: messages.map((m) => ({
        role: m.role,
        content: m.content.map((p) => (p.type === 'image' ? { type: 'image' } : { type: 'text', text: p.text })),
      })),
      add_generation_prompt: true,
      bos_token: token(config.bos_token),
      eos_token: token(config.eos_token),
    });
    const images = messages.flatMap((m) => m.content.filter((p) => p.type === 'image')).length;
    if (prompt.split(IMAGE_MARKER).length - 1 !== images) {
      throw new ModelFileError(`chat_template rendered ${prompt.split(IMAGE_MARKER).length - 1} ${IMAGE_MARKER} placeholders for ${images} images`, {
        file, field: 'chat_template', hint: `The template must emit ${IMAGE_MARKER} once per image part.`,
      });
    }
    // EOS ends generation; the template's own end markers are special tokens, not text.
    return { prompt, stop: [] };
  };
}
