import { stat } from 'node:fs/promises';
import type { Backend } from '../core/backend.ts';
import { imagesOf, type ImageSource, type VlmRequest } from '../core/request.ts';
import { loadImage } from './load.ts';

/**
 * Every image is decoded once by the shared loader (sharp, truncated data is an error) before any
 * backend sees it, so an undecodable file fails its own sample with an ImageError naming the file
 * instead of reaching a native decoder (libmtmd's stb_image accepts a truncated JPEG and fails on
 * other files in ways that leave @fugood/llama.node's context unusable; a server answers 400/500).
 */
export async function validateImages(images: readonly ImageSource[], cache?: ValidatedCache): Promise<void> {
  for (const image of images) {
    if (image.kind === 'buffer') {
      if (cache?.hasBuffer(image.data)) continue;
      await loadImage(image);
      cache?.addBuffer(image.data);
      continue;
    }
    const key = await pathKey(image.path);
    if (key !== undefined && cache?.has(key)) continue;
    await loadImage(image);
    if (key !== undefined) cache?.add(key);
  }
}

/**
 * Images already decoded once: files by path + size + mtime, buffers by identity (a perf workload sends
 * the same buffer object with every request; a server request brings new ones). Buffers are not expected
 * to change in place once handed to a request.
 */
/** A buffer decoded once is valid for every backend (serve checks a streamed request's images before the backend does). */
const decodedBuffers = new WeakSet<Uint8Array>();

export class ValidatedCache {
  private readonly keys = new Set<string>();
  hasBuffer(data: Uint8Array): boolean { return decodedBuffers.has(data); }
  addBuffer(data: Uint8Array): void { decodedBuffers.add(data); }
  constructor(private readonly limit = 4096) {}
  has(key: string): boolean { return this.keys.has(key); }
  add(key: string): void {
    if (this.keys.size >= this.limit) this.keys.delete(this.keys.values().next().value!);
    this.keys.add(key);
  }
}

async function pathKey(file: string): Promise<string | undefined> {
  // A missing file is left to loadImage, which names it.
  const s = await stat(file).catch(() => undefined);
  return s ? `${file}\0${s.size}\0${s.mtimeMs}` : undefined;
}

/** The backend with every request's images validated first (runs, `serve`, perf suites alike). */
export function withImageValidation<B extends Backend>(backend: B): B {
  const cache = new ValidatedCache();
  const generate: Backend['generate'] = async (req: VlmRequest, opts) => {
    await validateImages(imagesOf(req), cache);
    return backend.generate(req, opts);
  };
  return new Proxy(backend, {
    get(target, prop, receiver) {
      if (prop === 'generate') return generate;
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
