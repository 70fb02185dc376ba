import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGgufInfo } from '../../../backends/llama-cpp/gguf-reader.ts';
import { ModelFileError } from '../../../src/core/errors.ts';
import { encodeGguf, gv } from '../../../src/fixtures/gguf/index.ts';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'vlmb-gguf-reader-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

const u32 = (v: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
const u64 = (v: bigint): Buffer => { const b = Buffer.alloc(8); b.writeBigUInt64LE(v); return b; };

/** A GGUF v3 header with no tensors and one KV whose value bytes are given raw. */
function header(key: string, valueBytes: Buffer, padTo = 0): Buffer {
  const k = Buffer.from(key, 'utf8');
  const bytes = Buffer.concat([Buffer.from('GGUF'), u32(3), u64(0n), u64(1n), u64(BigInt(k.length)), k, valueBytes]);
  return padTo > bytes.length ? Buffer.concat([bytes, Buffer.alloc(padTo - bytes.length)]) : bytes;
}

describe('readGgufInfo on corrupt length fields', () => {
  it('an array count larger than the file is a ModelFileError naming the key, not a RangeError', async () => {
    const file = path.join(dir, 'huge-array.gguf');
    await writeFile(file, header('tokenizer.ggml.tokens', Buffer.concat([u32(9), u32(4), u64(2n ** 40n)])));
    const err = await readGgufInfo(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect((err as ModelFileError).message).toMatch(/tokenizer\.ggml\.tokens/);
    expect((err as ModelFileError).file).toBe(file);
  });

  it('a string length past the end of a file larger than the first read window is reported as corrupt', async () => {
    const file = path.join(dir, 'huge-string.gguf');
    // 3 MiB file: the reader must not grow its window to the whole file chasing an impossible length.
    await writeFile(file, header('general.name', Buffer.concat([u32(8), u64(2n ** 45n)]), 3 << 20));
    const err = await readGgufInfo(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect((err as ModelFileError).message).toMatch(/general\.name/);
    expect((err as ModelFileError).message).toMatch(/corrupt|past the end/);
  });

  it('general.alignment that is not a power of two is rejected (llama.cpp refuses it too)', async () => {
    const file = path.join(dir, 'align0.gguf');
    await writeFile(file, encodeGguf({ kv: [['general.alignment', gv.u32(0)]], tensors: [] }));
    const err = await readGgufInfo(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect((err as ModelFileError).message).toMatch(/general\.alignment/);
  });
});
