import { open } from 'node:fs/promises';
import { ModelFileError } from '../../src/core/errors.ts';
import {
  GGUF_DEFAULT_ALIGNMENT, GGUF_VALUE_TYPE, type GgufScalar, type GgufScalarType, type GgufValue,
} from '../../src/fixtures/gguf/format.ts';

/** Header, metadata and tensor table of a GGUF file (no tensor data is read). */
export interface GgufInfo {
  file: string;
  version: number;
  fileSize: number;
  kv: Map<string, GgufValue>;
  tensors: Map<string, GgufTensorInfo>;
  alignment: number;
  /** Absolute offset of the data section. */
  dataOffset: number;
}

export interface GgufTensorInfo {
  name: string;
  /** ggml order: ne0 (fastest-varying) first. */
  dims: number[];
  type: number;
  /** Relative to the data section. */
  offset: number;
}

const TYPE_BY_ID = Object.fromEntries(Object.entries(GGUF_VALUE_TYPE).map(([k, v]) => [v, k])) as Record<number, keyof typeof GGUF_VALUE_TYPE>;

/** Smallest encoding of one array item (a string is at least its u64 length). */
const ITEM_MIN_BYTES: Record<GgufScalarType, number> = {
  u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4, bool: 1, u64: 8, i64: 8, f64: 8, string: 8,
};

/** Thrown inside the parser when the buffer ends early; the caller reads more and retries. */
class NeedMore extends Error {}

class Cursor {
  pos = 0;
  constructor(private readonly buf: Buffer, private readonly eof: boolean, private readonly file: string, private readonly fileSize: number) {}
  /**
   * A length field pointing past the end of the file (cut download or garbage): say so at once instead of growing the
   * read window to the whole (possibly multi-GiB) file, or allocating an array of that length.
   */
  private fits(bytes: number, what: string, field: string): void {
    if (this.pos + bytes <= this.fileSize) return;
    throw new ModelFileError(
      `GGUF file ${this.file} is truncated or corrupt: ${what} at byte ${this.pos} needs ${bytes} bytes, past the end of the file (${this.fileSize} bytes)`,
      { file: this.file, field, hint: 're-download or re-convert the model file' },
    );
  }
  private need(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (!this.eof) throw new NeedMore();
    throw new ModelFileError(`GGUF file ${this.file} is truncated: its header ends at byte ${this.buf.length}`, {
      file: this.file, hint: 're-download or re-convert the model file',
    });
  }
  u32(): number { this.need(4); const v = this.buf.readUInt32LE(this.pos); this.pos += 4; return v; }
  u64(): number {
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ModelFileError(`GGUF file ${this.file} has an impossible size field (${v}) at byte ${this.pos - 8}`, { file: this.file });
    return Number(v);
  }
  str(what: string, field: string): string {
    const n = this.u64();
    this.fits(n, what, field);
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  scalar(type: GgufScalarType, key: string): GgufScalar {
    const b = this.buf;
    const read = <T>(n: number, f: (o: number) => T): T => { this.need(n); const v = f(this.pos); this.pos += n; return v; };
    switch (type) {
      case 'u8': return read(1, (o) => b.readUInt8(o));
      case 'i8': return read(1, (o) => b.readInt8(o));
      case 'u16': return read(2, (o) => b.readUInt16LE(o));
      case 'i16': return read(2, (o) => b.readInt16LE(o));
      case 'u32': return read(4, (o) => b.readUInt32LE(o));
      case 'i32': return read(4, (o) => b.readInt32LE(o));
      case 'f32': return read(4, (o) => b.readFloatLE(o));
      case 'f64': return read(8, (o) => b.readDoubleLE(o));
      case 'bool': return read(1, (o) => b.readUInt8(o) !== 0);
      case 'u64': return read(8, (o) => b.readBigUInt64LE(o));
      case 'i64': return read(8, (o) => b.readBigInt64LE(o));
      case 'string': return this.str(`a string of key ${key}`, key);
    }
  }
  valueType(key: string): keyof typeof GGUF_VALUE_TYPE {
    const id = this.u32();
    const t = TYPE_BY_ID[id];
    if (!t) throw new ModelFileError(`GGUF file ${this.file}: key ${key} has unknown value type ${id}`, { file: this.file, field: key });
    return t;
  }
  value(key: string): GgufValue {
    const type = this.valueType(key);
    if (type !== 'array') return { type, value: this.scalar(type, key) } as GgufValue;
    const itemType = this.valueType(key);
    if (itemType === 'array') throw new ModelFileError(`GGUF file ${this.file}: key ${key} is a nested array (unsupported)`, { file: this.file, field: key });
    const n = this.u64();
    this.fits(n * ITEM_MIN_BYTES[itemType], `the ${n}-item array of key ${key}`, key);
    const value: GgufScalar[] = new Array(n);
    for (let i = 0; i < n; i++) value[i] = this.scalar(itemType, key);
    return { type, itemType, value };
  }
}

function parse(buf: Buffer, eof: boolean, file: string, fileSize: number): GgufInfo {
  const c = new Cursor(buf, eof, file, fileSize);
  if (buf.length >= 4 && buf.toString('latin1', 0, 4) !== 'GGUF') {
    throw new ModelFileError(`${file} is not a GGUF file (magic ${JSON.stringify(buf.toString('latin1', 0, 4))})`, {
      file, hint: 'point the config at a .gguf file (llama.cpp convert_hf_to_gguf.py output)',
    });
  }
  c.pos = 4;
  const version = c.u32();
  if (version !== 2 && version !== 3) {
    throw new ModelFileError(`GGUF file ${file} has version ${version}; llama.cpp reads versions 2 and 3`, {
      file, field: 'version', hint: 're-convert the model with a current llama.cpp',
    });
  }
  const tensorCount = c.u64();
  const kvCount = c.u64();
  const kv = new Map<string, GgufValue>();
  for (let i = 0; i < kvCount; i++) {
    const key = c.str(`the name of key #${i}`, `kv #${i}`);
    kv.set(key, c.value(key));
  }
  const tensors = new Map<string, GgufTensorInfo>();
  for (let i = 0; i < tensorCount; i++) {
    const name = c.str(`the name of tensor #${i}`, `tensor #${i}`);
    const nDims = c.u32();
    if (nDims > 4) throw new ModelFileError(`GGUF file ${file}: tensor ${name} has ${nDims} dimensions (max 4)`, { file, field: name });
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) dims.push(c.u64());
    tensors.set(name, { name, dims, type: c.u32(), offset: c.u64() });
  }
  const alignValue = kv.get('general.alignment');
  const alignment = alignValue && typeof alignValue.value === 'number' ? alignValue.value : GGUF_DEFAULT_ALIGNMENT;
  // llama.cpp refuses these too; 0 would make every offset below NaN and hide truncated tensors.
  if (!Number.isInteger(alignment) || alignment < 1 || (alignment & (alignment - 1)) !== 0) {
    throw new ModelFileError(`GGUF file ${file}: general.alignment is ${alignment}, not a power of two`, {
      file, field: 'general.alignment', hint: 're-convert the model with llama.cpp',
    });
  }
  const dataOffset = Math.ceil(c.pos / alignment) * alignment;
  return { file, version, fileSize, kv, tensors, alignment, dataOffset };
}

/**
 * Read a GGUF file's header, KVs and tensor table. Reads the first MiB and grows the window only when
 * the header is larger (big vocabularies), so inspecting a 7B model reads a few MiB, not gigabytes.
 */
export async function readGgufInfo(file: string): Promise<GgufInfo> {
  const fh = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new ModelFileError(`cannot open model file ${file}: ${err.code ?? err.message}`, {
      file, cause: err, hint: err.code === 'ENOENT' ? 'check the path in the config (models[].backend.model / mmproj)' : undefined,
    });
  });
  try {
    const { size } = await fh.stat();
    for (let window = 1 << 20; ; window *= 4) {
      const len = Math.min(window, size);
      const buf = Buffer.alloc(len);
      const { bytesRead } = await fh.read(buf, 0, len, 0);
      try {
        return parse(buf.subarray(0, bytesRead), bytesRead >= size, file, size);
      } catch (err) {
        if (!(err instanceof NeedMore)) throw err;
      }
    }
  } finally {
    await fh.close();
  }
}

/** Typed accessors: undefined when absent or of another type. */
export function kvNumber(info: GgufInfo, key: string): number | undefined {
  const v = info.kv.get(key);
  if (!v) return undefined;
  if (typeof v.value === 'number') return v.value;
  if (typeof v.value === 'bigint') return Number(v.value);
  return undefined;
}
export function kvString(info: GgufInfo, key: string): string | undefined {
  const v = info.kv.get(key);
  return v?.type === 'string' ? v.value : undefined;
}
export function kvBool(info: GgufInfo, key: string): boolean | undefined {
  const v = info.kv.get(key);
  return v?.type === 'bool' ? v.value : undefined;
}
export function kvArray(info: GgufInfo, key: string): GgufScalar[] | undefined {
  const v = info.kv.get(key);
  return v?.type === 'array' ? v.value : undefined;
}
