import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createBackend } from '../../../backends/onnx/index.ts';
import type { Backend } from '../../../src/core/backend.ts';
import type { OnnxOptions } from '../../../src/config/backends.ts';
import { userMessage } from '../../../src/core/request.ts';
import type { GenParams, ImageSource, VlmRequest } from '../../../src/core/request.ts';
import { ensureOnnxFixtures } from '../../../src/fixtures/onnx/index.ts';
import type { OnnxFixtures } from '../../../src/fixtures/onnx/index.ts';

/** Tiny exports of every family in a fresh temp dir (≈ 0.5 s to generate). */
export async function tinyModels(): Promise<{ root: string } & OnnxFixtures> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'vlmbench-onnx-'));
  return { root, ...(await ensureOnnxFixtures(root)) };
}

/** A PNG with a two-colour split, so images differ in content, not just in mean colour. */
export async function testImage(width: number, height: number, a: [number, number, number], b: [number, number, number]): Promise<ImageSource> {
  const { default: sharp } = await import('sharp');
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = x < width / 2 ? a : b;
      raw.set([c[0], (c[1] + y * 3) % 256, c[2]], (y * width + x) * 3);
    }
  }
  const data = await sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer();
  return { kind: 'buffer', data, name: `${width}x${height}.png` };
}

export function onnxOptions(dir: string, over: Partial<OnnxOptions> = {}): OnnxOptions {
  return { type: 'onnx', dir, dtype: '', provider: 'cpu', deviceId: 0, threads: 1, merge: 'repeat', seed: 0, ...over };
}

export async function tinyBackend(dir: string, family: string, over: Partial<OnnxOptions> = {}, template?: string): Promise<Backend> {
  return createBackend({ id: 'tiny', family, template, backend: onnxOptions(dir, over), tags: [] }, { log: () => undefined });
}

export function request(image: ImageSource | undefined, question: string, params: Partial<GenParams> = {}): VlmRequest {
  const parts = image ? [image, question] : [question];
  return { sampleId: 's1', messages: [userMessage(...parts)], params: { maxTokens: 16, temperature: 0, ...params } };
}

export const noAbort = (): { signal: AbortSignal } => ({ signal: new AbortController().signal });
