import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { z } from 'zod';
import { DatasetError } from '../core/errors.ts';
import type { ChatMessage, GenParams } from '../core/request.ts';
import { seededRandom } from '../scoring/stats.ts';

/**
 * The requests a performance suite sends: one text prompt plus images, either generated at given
 * sizes (so LLaVA-1.5's fixed 576 image tokens vs LLaVA-1.6 AnyRes's size-dependent count shows in the
 * numbers) or read from a dataset folder. Images are encoded once, before any timed section, so no
 * request pays for image encoding on the client (kubernetes-sigs/inference-perf #648: a busy client inflates TTFT).
 */

export const ImageSize = z.strictObject({ width: z.int().positive(), height: z.int().positive() });

export const WorkloadOptions = z.strictObject({
  prompt: z.string().min(1).default('Describe this image in detail.'),
  /**
   * 'generated': synthetic images at `sizes` (cycled); 'dataset': the suite's dataset folder — its
   * questions.jsonl (LLaVA model_vqa layout: `image`, `text`) when present, else its image files with
   * `prompt`; 'none': text only.
   */
  images: z.enum(['generated', 'dataset', 'none']).default('generated'),
  sizes: z.array(ImageSize).min(1).default([{ width: 336, height: 336 }]),
  imageFormat: z.enum(['jpeg', 'png']).default('jpeg'),
  /** Output tokens per request; defaults to the suite's maxTokens or 64. */
  maxTokens: z.int().positive().optional(),
  /**
   * Fixed output length: ask the backend to ignore EOS (GenParams.ignoreEos); backends that cannot
   * still stop at maxTokens, and the actual count is recorded per request.
   */
  fixedOutput: z.boolean().default(true),
});
export type WorkloadOptions = z.infer<typeof WorkloadOptions>;

export interface WorkImage {
  name: string;
  data: Uint8Array;
  width: number;
  height: number;
}

export interface WorkItem {
  messages: ChatMessage[];
  params: GenParams;
  text: string;
  images: WorkImage[];
  imageBytes: number;
}

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp']);

/** Seeded noise image: noise does not compress away, so byte sizes resemble photos more than flat colour. */
export async function syntheticImage(width: number, height: number, format: 'jpeg' | 'png', seed: number): Promise<WorkImage> {
  const { default: sharp } = await import('sharp');
  const random = seededRandom(seed);
  const pixels = new Uint8Array(width * height * 3);
  // Smooth gradients plus noise: a JPEG of pure noise would be unrealistically large.
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += 3) {
      const n = random() * 48;
      pixels[i] = (x * 255) / width * 0.8 + n;
      pixels[i + 1] = (y * 255) / height * 0.8 + n;
      pixels[i + 2] = ((x + y) * 127) / (width + height) + n;
    }
  }
  const img = sharp(pixels, { raw: { width, height, channels: 3 } });
  const data = format === 'png' ? await img.png().toBuffer() : await img.jpeg({ quality: 90 }).toBuffer();
  return { name: `generated-${width}x${height}-${seed}.${format === 'png' ? 'png' : 'jpg'}`, data: new Uint8Array(data), width, height };
}

function datasetImageFiles(dir: string): string[] {
  const found: string[] = [];
  for (const sub of [dir, join(dir, 'images')]) {
    let names: string[];
    try { names = readdirSync(sub); } catch { continue; }
    for (const n of names.sort()) {
      const p = join(sub, n);
      if (IMAGE_EXT.has(extname(n).toLowerCase()) && statSync(p).isFile()) found.push(p);
    }
  }
  return found;
}

async function readImage(dir: string, file: string): Promise<WorkImage> {
  const { default: sharp } = await import('sharp');
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (err) {
    throw new DatasetError(`missing image ${file}`, { file, cause: err, hint: 'check the dataset folder layout' });
  }
  const meta = await sharp(data).metadata().catch((err: unknown) => {
    throw new DatasetError(`unreadable image ${file}`, { file, cause: err, hint: 'remove or replace the file' });
  });
  return { name: file.slice(dir.length + 1), data: new Uint8Array(data), width: meta.width ?? 0, height: meta.height ?? 0 };
}

/** (prompt, image) pairs from questions.jsonl (`text`, `image` relative to images/ or the folder). */
async function datasetQuestions(dir: string, count: number): Promise<{ text: string; image: WorkImage }[] | null> {
  const file = join(dir, 'questions.jsonl');
  if (!existsSync(file)) return null;
  const lines = readFileSync(file, 'utf8').split('\n').map((l, i) => [l.trim(), i + 1] as const).filter(([l]) => l).slice(0, count);
  return Promise.all(lines.map(async ([line, n]) => {
    let q: { text?: unknown; image?: unknown };
    try { q = JSON.parse(line) as typeof q; } catch (err) {
      throw new DatasetError(`questions.jsonl line ${n} is not JSON`, { file, line: n, cause: err });
    }
    if (typeof q.text !== 'string' || typeof q.image !== 'string') {
      throw new DatasetError(`questions.jsonl line ${n} needs string fields 'text' and 'image'`, { file, line: n, field: 'text/image' });
    }
    const inImages = join(dir, 'images', q.image);
    return { text: q.text, image: await readImage(dir, existsSync(inImages) ? inImages : join(dir, q.image)) };
  }));
}

async function datasetImages(dir: string, count: number): Promise<WorkImage[]> {
  const files = datasetImageFiles(dir).slice(0, count);
  if (files.length === 0) {
    throw new DatasetError(`no questions.jsonl and no images (.jpg, .png, .webp) in ${dir} or ${join(dir, 'images')}`, {
      file: dir, field: 'suites[].dataset', hint: "point dataset at a folder of images, or set options.images: 'generated'",
    });
  }
  return Promise.all(files.map((file) => readImage(dir, file)));
}

export interface WorkloadContext {
  datasetDir: string;
  seed: number;
  /** The suite config's maxTokens, used when the options give none. */
  maxTokens?: number;
}

/** `count` distinct request bodies, cycling through the image pool; built once, before timing starts. */
export async function buildWorkload(opts: WorkloadOptions, count: number, ctx: WorkloadContext): Promise<WorkItem[]> {
  let pool: { text: string; image?: WorkImage }[] = [{ text: opts.prompt }];
  if (opts.images === 'generated') {
    const images = await Promise.all(opts.sizes.map((s, i) => syntheticImage(s.width, s.height, opts.imageFormat, ctx.seed + i)));
    pool = images.map((image) => ({ text: opts.prompt, image }));
  } else if (opts.images === 'dataset') {
    pool = await datasetQuestions(ctx.datasetDir, Math.max(count, 1))
      ?? (await datasetImages(ctx.datasetDir, Math.max(count, 1))).map((image) => ({ text: opts.prompt, image }));
  }
  const params: GenParams = {
    maxTokens: opts.maxTokens ?? ctx.maxTokens ?? 64, temperature: 0, seed: ctx.seed,
    ...(opts.fixedOutput ? { ignoreEos: true } : {}),
  };
  return Array.from({ length: count }, (_, i) => {
    const { text, image } = pool[i % pool.length]!;
    const images = image ? [image] : [];
    const content: ChatMessage['content'] = [
      ...images.map((im) => ({ type: 'image' as const, image: { kind: 'buffer' as const, data: im.data, name: im.name } })),
      { type: 'text' as const, text },
    ];
    return { messages: [{ role: 'user', content }], params, text, images, imageBytes: images.reduce((s, im) => s + im.data.length, 0) };
  });
}
