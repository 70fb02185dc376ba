import sharp from 'sharp';
import type { ModelConfig } from '../../src/config/schema.ts';
import type { VlmRequest } from '../../src/core/request.ts';
import { getFamily } from '../../src/families/index.ts';
import type { EncodedImage } from './images.ts';
import type { TokenCounter } from './tokens.ts';

/**
 * Does the server see the prompt the family renders? When an OpenAI-compatible server reports
 * `prompt_tokens` and a tokenizer is configured, the family-rendered prompt's count (text through
 * tokenizer.json, image tokens from the family) must agree within a tolerance for special tokens and
 * the server's own image-token accounting; otherwise warn once per model. (A llama-server on its
 * default template rendered `USER: <__media__>…`: 359 prompt tokens where the family's prompt has 226.)
 */
export type PromptCheck = (req: VlmRequest, images: EncodedImage[], reported: number | undefined) => Promise<void>;

export function promptTokenTolerance(imageTokens: number): number {
  return 4 + Math.ceil(0.05 * imageTokens);
}

export function createPromptCheck(model: ModelConfig, counter: TokenCounter | undefined, log: (m: string) => void): PromptCheck {
  let done = !counter;
  return async (req, images, reported) => {
    if (done || reported === undefined) return;
    let family;
    try { family = getFamily(model.family); } catch { done = true; return; }
    const { prompt } = family.renderPrompt(req.messages, { template: model.template });
    const text = counter!.count(prompt.split('<image>').join(''));
    const sizes = await Promise.all(images.map((i) => sharp(i.bytes).metadata()));
    const image = sizes.reduce((s, m) => s + family.imageTokens(m.width ?? 0, m.height ?? 0), 0);
    if (Math.abs(reported - (text + image)) <= promptTokenTolerance(image)) return;
    done = true;
    log(`model ${model.id}: the server counted ${reported} prompt tokens for ${req.sampleId}, the ${family.key} prompt has ${text + image} (${text} text + ${image} image): `
      + 'the server is probably rendering its own chat template, not the family\'s (check its --chat-template / model template)');
  };
}
