import path from 'node:path';
import sharp from 'sharp';
import { ModelConfig } from '../../../src/config/schema.ts';
import { userMessage, type ImageSource, type VlmRequest } from '../../../src/core/request.ts';

/** Test images (PNG, drawn with sharp): quadrants and solid red 48×48, a wide 96×40 gradient, 64×64 checks. */
export async function writeTestImages(dir: string): Promise<Record<'quadrants' | 'red' | 'wide' | 'square64', string>> {
  const draw = async (name: string, w: number, h: number, px: (x: number, y: number) => [number, number, number]): Promise<string> => {
    const raw = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set(px(x, y), (y * w + x) * 3);
    const file = path.join(dir, `${name}.png`);
    await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toFile(file);
    return file;
  };
  const quadrantColors: Array<[number, number, number]> = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0]];
  return {
    quadrants: await draw('quadrants', 48, 48, (x, y) => quadrantColors[(y < 24 ? 0 : 2) + (x < 24 ? 0 : 1)]!),
    red: await draw('red', 48, 48, () => [255, 0, 0]),
    wide: await draw('wide', 96, 40, (x, y) => [Math.round((x / 95) * 255), Math.round((y / 39) * 255), 128]),
    square64: await draw('square64', 64, 64, (x, y) => ((x >> 3) + (y >> 3)) % 2 ? [250, 250, 250] : [10, 10, 40]),
  };
}

/** Default runtime in-process: these tests exercise @fugood; the server route has its own tests. */
export function tinyModelConfig(opts: { family: 'llava-1.5' | 'llava-1.6' | string; model: string; mmproj?: string; threads?: number; contextSize?: number; runtime?: 'auto' | 'server' | 'in-process'; slots?: number }): ModelConfig {
  return ModelConfig.parse({
    id: `tiny-${opts.family}`,
    family: opts.family,
    backend: { type: 'llama-cpp', model: opts.model, mmproj: opts.mmproj, threads: opts.threads ?? 1, contextSize: opts.contextSize ?? 512, runtime: opts.runtime ?? 'in-process', slots: opts.slots },
  });
}

export function imageRequest(image: string | ImageSource, maxTokens = 16, extra: Partial<VlmRequest['params']> = {}): VlmRequest {
  const source: ImageSource = typeof image === 'string' ? { kind: 'path', path: image } : image;
  return { sampleId: 'img', messages: [userMessage(source, 'What is in the image?')], params: { maxTokens, temperature: 0, ...extra } };
}

export const noSignal = (): { signal: AbortSignal } => ({ signal: new AbortController().signal });

/** A text model big enough (≈3M parameters) that 1,500 tokens take seconds: room to abort mid-way. */
export const SLOW_TEXT_MODEL = { embd: 256, layers: 4, ffn: 512, heads: 4, headsKv: 4, contextLength: 2048, seed: 5 };
