/**
 * The convolution kernels of the PIL bicubic port (and the normalisation lookup) as a WebAssembly SIMD
 * module, assembled here from opcodes (no toolchain, no binary in the repository). Same integer arithmetic as Resample.c:
 * i32 lanes, HALF + Σ p·k, then clip8 = clamp(v >> 22, 0, 255), so the output is bit-identical to the
 * scalar port (test/image/resample.test.ts checks it against the reference). Node ≥ 16.4 has SIMD;
 * where WebAssembly or SIMD is missing, `simdKernels()` returns undefined and the JS path runs.
 *
 *  h(src, stride, rows, out, ostride, x0, x1, tab, kk, kbytes): horizontal pass, two rows at a time;
 *    lane = channel (R, G, B, 0); tab holds (3·xmin, ⌈taps/4⌉) per output, kk the pair table of
 *    coeffs.ts (kbytes per output), taps in steps of 4, zero-padded.
 *  v(src, w3, n, kk, out): one output row of the vertical pass; 16 bytes of the row per step.
 *  n(src, pixels, out, plane): interleaved RGB bytes to CHW float32 through the tables at address 0.
 * h and v read up to 32 bytes past the last input; v writes up to 15 bytes past its row: callers leave
 * that slack and compute rows in order, so the spill lands on bytes written afterwards.
 */

const uleb = (n: number): number[] => { const b: number[] = []; do { let x = n & 0x7f; n >>>= 7; if (n) x |= 0x80; b.push(x); } while (n); return b; };
const sleb = (n: number): number[] => {
  const b: number[] = [];
  for (;;) { const x = n & 0x7f; n >>= 7; if ((n === 0 && !(x & 0x40)) || (n === -1 && x & 0x40)) { b.push(x); return b; } b.push(x | 0x80); }
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

// Instructions (core and SIMD, final opcode numbering).
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const tee = (i: number) => [0x22, ...uleb(i)];
const i32c = (n: number) => [0x41, ...sleb(n)];
const ADD = [0x6a]; const SUB = [0x6b]; const MUL = [0x6c]; const LT_U = [0x49];
const LOAD = [0x28, 2, 0];
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
const V_LOAD = simd(0x00, 0, 0); const V_LOAD32_SPLAT = simd(0x09, 2, 0);
const V_STORE = simd(0x0b, 0, 0); const I32X4_SPLAT = simd(0x11); const I32X4_LANE0 = simd(0x1b, 0);
const NARROW16_U = simd(0x66); const NARROW32_U = simd(0x86);
const EXT16_LO = simd(0x89); const EXT16_HI = simd(0x8a); const EXT32_LO = simd(0xa9); const EXT32_HI = simd(0xaa);
const SHL = simd(0xab); const SHR_S = simd(0xac); const SWIZZLE = simd(0x0e); const DOT = simd(0xba); const V_ADD = simd(0xae); const V_MUL = simd(0xb5); const MIN_S = simd(0xb6); const MAX_S = simd(0xb8);
const BLOCK = [0x02, 0x40]; const LOOP = [0x03, 0x40]; const END = [0x0b]; const BR = (d: number) => [0x0c, d]; const BR_IF = (d: number) => [0x0d, d];
const I32 = 0x7f; const V128 = 0x7b;
const HALF = 1 << 21;

/** `a := a + b` on i32 locals. */
const inc = (a: number, b: number[]) => [...get(a), ...b, ...ADD, ...set(a)];
/** clip8 on the v128 on the stack, leaving i32 lanes in [0, 255]. */
const CLIP = [...i32c(22), ...SHR_S, ...i32c(0), ...I32X4_SPLAT, ...MAX_S, ...i32c(255), ...I32X4_SPLAT, ...MIN_S];

/** Byte indices that spread taps (t, t+1) of an RGB run into i16 lanes R_t R_t+1 G_t G_t+1 B_t B_t+1 0 0. */
const pairMask = (t: number): number[] => [0, 3, 1, 4, 2, 5].flatMap((b) => [3 * t + b, 0x80]).concat([0x80, 0x80, 0x80, 0x80]);

function hKernel(): number[] {
  // params 0 src, 1 stride, 2 rows, 3 out, 4 ostride, 5 x0, 6 x1, 7 tab, 8 kk (pair table), 9 kbytes
  const [src, stride, rows, out, ostride, x0, x1, tab, kk, kbytes] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [r, xx, p, kp, n, o, d, od, tp, kq, rowp, v] = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21];
  const [hi0, lo0, hi1, lo1, px0, px1, sw, kh, kl, m0, m1, half] = [22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33];
  const locals = [[12, I32], [12, V128]];
  const acc = (a: number, k: number) => [...get(a), ...get(sw), ...get(k), ...DOT, ...V_ADD, ...set(a)];
  // Two taps per i32x4.dot_i16x8_s: lanes R, G, B, 0 get p_t·k_t + p_t+1·k_t+1, once with the high parts
  // of k (k >> 11) and once with the low ones (k & 2047); Σ = (hi << 11) + lo exactly, in i32 as in C.
  // Rows go in pairs (the second one a repeat of the first when the count is odd), sharing coefficients.
  const pair = (mask: number, off: number) => [
    ...get(kp), ...simd(0x00, 0, off), ...set(kh), ...get(kp), ...simd(0x00, 0, off + 16), ...set(kl),
    ...get(px0), ...get(mask), ...SWIZZLE, ...set(sw), ...acc(hi0, kh), ...acc(lo0, kl),
    ...get(px1), ...get(mask), ...SWIZZLE, ...set(sw), ...acc(hi1, kh), ...acc(lo1, kl),
  ];
  // Three bytes at `at`: store16 + store8, so nothing spills onto a pixel of the other row.
  const finish = (hi: number, lo: number, at: number[]) => [
    ...get(hi), ...i32c(11), ...SHL, ...get(lo), ...V_ADD, ...get(half), ...V_ADD,
    ...CLIP, ...tee(sw), ...get(sw), ...NARROW32_U, ...tee(sw), ...get(sw), ...NARROW16_U, ...I32X4_LANE0, ...set(v),
    ...at, ...get(v), 0x3b, 1, 0, ...at, ...get(v), ...i32c(16), 0x76, 0x3a, 0, 2,
  ];
  const body = [
    ...simd(0x0c, ...pairMask(0)), ...set(m0), ...simd(0x0c, ...pairMask(2)), ...set(m1),
    ...i32c(HALF), ...I32X4_SPLAT, ...set(half),
    ...i32c(0), ...set(r),
    ...BLOCK, ...LOOP,
    ...get(r), ...get(rows), ...LT_U, 0x45, ...BR_IF(1), // while r < rows
    // d, od: offsets of the second row (0 when r is the last row)
    ...get(stride), ...i32c(0), ...get(r), ...i32c(1), ...ADD, ...get(rows), ...LT_U, 0x1b, ...set(d),
    ...get(ostride), ...i32c(0), ...get(r), ...i32c(1), ...ADD, ...get(rows), ...LT_U, 0x1b, ...set(od),
    ...get(out), ...get(r), ...get(ostride), ...MUL, ...ADD, ...get(x0), ...i32c(3), ...MUL, ...ADD, ...set(o),
    ...get(src), ...get(r), ...get(stride), ...MUL, ...ADD, ...set(rowp),
    ...get(tab), ...get(x0), ...i32c(8), ...MUL, ...ADD, ...set(tp),
    ...get(kk), ...get(x0), ...get(kbytes), ...MUL, ...ADD, ...set(kq),
    ...get(x0), ...set(xx),
    ...BLOCK, ...LOOP,
    ...get(xx), ...get(x1), ...LT_U, 0x45, ...BR_IF(1), // while xx < x1
    ...get(rowp), ...get(tp), ...LOAD, ...ADD, ...set(p), // p = row + 3·xmin; n = ⌈taps / 4⌉ (tab)
    ...get(tp), 0x28, 2, 4, ...set(n),
    ...get(kq), ...set(kp),
    ...i32c(0), ...I32X4_SPLAT, ...tee(hi0), ...tee(lo0), ...tee(hi1), ...set(lo1),
    ...LOOP, // do { 4 taps of both rows: one 16-byte load per row, two pairs } while (--n)
    ...get(p), ...V_LOAD, ...set(px0), ...get(p), ...get(d), ...ADD, ...V_LOAD, ...set(px1),
    ...pair(m0, 0), ...pair(m1, 32),
    ...inc(p, i32c(12)), ...inc(kp, i32c(64)),
    ...get(n), ...i32c(1), ...SUB, ...tee(n), ...BR_IF(0),
    ...END,
    ...finish(hi0, lo0, get(o)), ...finish(hi1, lo1, [...get(o), ...get(od), ...ADD]),
    ...inc(o, i32c(3)), ...inc(tp, i32c(8)), ...inc(kq, get(kbytes)), ...inc(xx, i32c(1)),
    ...BR(0), ...END, ...END,
    ...inc(r, i32c(2)),
    ...BR(0), ...END, ...END,
  ];
  return [...vec(locals.map(([c, t]) => [...uleb(c!), t!])), ...body, ...END];
}

function vKernel(): number[] {
  // params 0 src, 1 w3, 2 n, 3 kk, 4 out
  const [src, w3, n, kk, out] = [0, 1, 2, 3, 4];
  const [i, p, kp, t] = [5, 6, 7, 8];
  const [a0, a1, a2, a3, px, k, lo, hi] = [9, 10, 11, 12, 13, 14, 15, 16];
  const locals = [[4, I32], [8, V128]];
  const mac = (a: number, half: number, ext: number[]) => [...get(a), ...get(half), ...ext, ...get(k), ...V_MUL, ...V_ADD, ...set(a)];
  const body = [
    ...i32c(0), ...set(i),
    ...BLOCK, ...LOOP,
    ...get(i), ...get(w3), ...LT_U, 0x45, ...BR_IF(1), // while i < w3
    ...i32c(HALF), ...I32X4_SPLAT, ...tee(a0), ...tee(a1), ...tee(a2), ...set(a3),
    ...get(src), ...get(i), ...ADD, ...set(p), ...get(kk), ...set(kp), ...get(n), ...set(t),
    ...LOOP, // do { 16 bytes of row p, widened to 4 × i32x4, times k } while (--t)
    ...get(p), ...V_LOAD, ...tee(px), ...EXT16_LO, ...set(lo), ...get(px), ...EXT16_HI, ...set(hi),
    ...get(kp), ...V_LOAD32_SPLAT, ...set(k),
    ...mac(a0, lo, EXT32_LO), ...mac(a1, lo, EXT32_HI), ...mac(a2, hi, EXT32_LO), ...mac(a3, hi, EXT32_HI),
    ...inc(p, get(w3)), ...inc(kp, i32c(4)),
    ...get(t), ...i32c(1), ...SUB, ...tee(t), ...BR_IF(0),
    ...END,
    ...get(out), ...get(i), ...ADD,
    ...get(a0), ...CLIP, ...get(a1), ...CLIP, ...NARROW32_U, ...get(a2), ...CLIP, ...get(a3), ...CLIP, ...NARROW32_U, ...NARROW16_U,
    ...V_STORE,
    ...inc(i, i32c(16)),
    ...BR(0), ...END, ...END,
  ];
  return [...vec(locals.map(([c, tt]) => [...uleb(c!), tt!])), ...body, ...END];
}

/** Bytes [0, LUT_BYTES) of the memory hold the three 256-entry float32 tables of `n`. */
export const LUT_BYTES = 3 * 1024;

function nKernel(): number[] {
  // params 0 src, 1 pixels, 2 out, 3 plane bytes; out[c·plane + i] = lut_c[src[3i + c]]
  const [src, pixels, o0, plane] = [0, 1, 2, 3];
  const [o1, o2, end] = [4, 5, 6];
  const lookup = (c: number) => [...get(src), 0x2d, 0, c, ...i32c(2), 0x74, 0x2a, 2, ...uleb(c * 1024)]; // f32.load lut_c[byte]
  const body = [
    ...get(o0), ...get(plane), ...ADD, ...tee(o1), ...get(plane), ...ADD, ...set(o2),
    ...get(o0), ...get(pixels), ...i32c(4), ...MUL, ...ADD, ...set(end),
    ...BLOCK, ...LOOP,
    ...get(o0), ...get(end), ...LT_U, 0x45, ...BR_IF(1),
    ...get(o0), ...lookup(0), 0x38, 2, 0, ...get(o1), ...lookup(1), 0x38, 2, 0, ...get(o2), ...lookup(2), 0x38, 2, 0,
    ...inc(src, i32c(3)), ...inc(o0, i32c(4)), ...inc(o1, i32c(4)), ...inc(o2, i32c(4)),
    ...BR(0), ...END, ...END,
  ];
  return [...vec([[3, I32]]), ...body, ...END];
}

function moduleBytes(): Uint8Array {
  const fn = (params: number) => [0x60, ...vec(Array.from({ length: params }, () => [I32])), 0];
  const name = (s: string) => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];
  const code = [hKernel(), vKernel(), nKernel()].map((b) => [...uleb(b.length), ...b]);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([fn(10), fn(5), fn(4)])),
    ...section(3, vec([[0], [1], [2]])),
    ...section(5, vec([[0x00, 1]])), // memory: min 1 page, no max
    ...section(7, vec([[...name('mem'), 2, 0], [...name('h'), 0, 0], [...name('v'), 0, 1], [...name('n'), 0, 2]])),
    ...section(10, vec(code)),
  ]);
}

/** The slice of the WebAssembly API used here (tsconfig has no DOM lib, @types/node does not declare it). */
interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

export interface SimdKernels {
  memory: WasmMemory;
  h(src: number, stride: number, rows: number, out: number, ostride: number, x0: number, x1: number, tab: number, kk: number, kbytes: number): void;
  v(src: number, w3: number, n: number, kk: number, out: number): void;
  n(src: number, pixels: number, out: number, plane: number): void;
}

let kernels: SimdKernels | null | undefined;
let enabled = true;

/** Turn the WebAssembly path off (the scalar JS port runs) or back on: for tests and benchmarks. */
export function setSimdEnabled(on: boolean): void { enabled = on; }

/** The kernels (one instance per thread, compiled on first use), or undefined without WebAssembly SIMD. */
export function simdKernels(): SimdKernels | undefined {
  if (!enabled) return undefined;
  if (kernels === undefined) {
    kernels = null;
    try {
      const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
      if (wasm) {
        const inst = new wasm.Instance(new wasm.Module(moduleBytes()));
        const e = inst.exports as unknown as { mem: WasmMemory; h: SimdKernels['h']; v: SimdKernels['v']; n: SimdKernels['n'] };
        kernels = { memory: e.mem, h: e.h, v: e.v, n: e.n };
      }
    } catch {
      kernels = null; // no SIMD in this runtime: the scalar port runs instead
    }
  }
  return kernels ?? undefined;
}

/** Memory above this is given back after the call that needed it (a wasm memory cannot shrink). */
const KEEP_BYTES = 128 << 20;

/** After a call on a very large image: drop the instance, so its memory can be collected. */
export function releaseIfLarge(k: SimdKernels): void {
  if (k.memory.buffer.byteLength > KEEP_BYTES && kernels === k) kernels = undefined;
}

/** Grow the module's memory to at least `bytes`. */
export function reserve(k: SimdKernels, bytes: number): void {
  const have = k.memory.buffer.byteLength;
  if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / 65536));
}

/** `n` on JS memory: the tables and pixels copied in, the three planes copied out to out[offset…]. */
export function normalizeSimd(k: SimdKernels, src: Uint8Array, luts: readonly Float32Array[], out: Float32Array, offset: number): void {
  const pixels = src.length / 3;
  const dst = LUT_BYTES + ((src.length + 15) & ~15);
  reserve(k, dst + pixels * 12);
  const f32 = new Float32Array(k.memory.buffer);
  luts.forEach((l, c) => f32.set(l, c * 256));
  new Uint8Array(k.memory.buffer).set(src, LUT_BYTES);
  k.n(LUT_BYTES, pixels, dst, pixels * 4);
  out.set(f32.subarray(dst >> 2, (dst >> 2) + pixels * 3), offset);
  releaseIfLarge(k);
}
