import { importSharp, rawOptions, type RawImage } from './raw.ts';
import { resizeCanvasPilBicubic, resizePilBicubic, type Canvas } from './resample.ts';
import { normalizeSimd, simdKernels } from './simd.ts';

/**
 * One function per preprocessing step, on raw RGB. Geometry follows PIL / Hugging Face image
 * processors (integer offsets with `//`); resampling is a port of PIL's BICUBIC (resample.ts), applied
 * to already-decoded pixels, so JPEG shrink-on-load never kicks in.
 */

export type Rgb = readonly [number, number, number];
export type Resize = (img: RawImage, width: number, height: number) => Promise<RawImage>;

/** A width×height canvas of one colour with `img` pasted at (x, y) (PIL `Image.new` + `paste`). */
export function pasteOnCanvas(img: RawImage, width: number, height: number, x: number, y: number, color: Rgb): RawImage {
  const data = Buffer.allocUnsafe(width * height * 3);
  fillRgb(data, color);
  const rowBytes = img.width * 3;
  for (let row = 0; row < img.height; row++) {
    img.data.copy(data, ((y + row) * width + x) * 3, row * rowBytes, (row + 1) * rowBytes);
  }
  return { data, width, height };
}

function fillRgb(buf: Buffer, [r, g, b]: Rgb): void {
  if (r === g && g === b) { buf.fill(r); return; }
  buf[0] = r; buf[1] = g; buf[2] = b;
  // Doubling copies: log2(n) memcpy calls instead of n pixel writes.
  for (let filled = 3; filled < buf.length; filled *= 2) buf.copy(buf, filled, 0, Math.min(filled, buf.length - filled));
}

/** `expand2square` (llava/mm_utils.py): side max(w, h), offset (max − min)//2 on the short axis. */
export function padToSquare(img: RawImage, color: Rgb): RawImage {
  const { width: w, height: h } = img;
  if (w === h) return img;
  return w > h ? pasteOnCanvas(img, w, w, 0, Math.floor((w - h) / 2), color) : pasteOnCanvas(img, h, h, Math.floor((h - w) / 2), 0, color);
}

/** The `expand2square` geometry of `img` (what padToSquare builds), for the fused resize. */
export function squareCanvas(img: RawImage, color: Rgb): Canvas {
  const { width: w, height: h } = img;
  const side = Math.max(w, h);
  return { width: side, height: side, x: Math.floor((side - w) / 2), y: Math.floor((side - h) / 2), color };
}

/**
 * `resizeBicubic(padToSquare(img, color), width, height)` in one pass, bit for bit, without building the
 * padded canvas: rows and columns that only see the pad colour take a closed form.
 */
export function padResizeBicubic(img: RawImage, color: Rgb, width: number, height: number): RawImage {
  if (img.width === img.height) return resizePilBicubic(img, width, height);
  return resizeCanvasPilBicubic(img, squareCanvas(img, color), width, height);
}

/** Bicubic resize to exactly width×height, bit-identical to PIL `image.resize((w, h), BICUBIC)`. */
export async function resizeBicubic(img: RawImage, width: number, height: number): Promise<RawImage> {
  return resizePilBicubic(img, width, height);
}

/**
 * Fast path: libvips (sharp) cubic for downscales of 2× or more on both axes, the PIL port otherwise.
 * libvips is not PIL: it runs the passes in another order with other rounding (a few levels off on
 * downscales) and upsamples with another pixel-centre convention (tens of levels off on edges), so
 * upscales and mild downscales stay on the exact path. For throughput runs only.
 */
export async function resizeSharpCubic(img: RawImage, width: number, height: number): Promise<RawImage> {
  if (img.width === width && img.height === height) return img;
  if (img.width < 2 * width || img.height < 2 * height) return resizePilBicubic(img, width, height);
  const sharp = await importSharp();
  const data = await sharp(img.data, rawOptions(img))
    .resize(width, height, { kernel: 'cubic', fit: 'fill' })
    .raw()
    .toBuffer();
  return { data, width, height };
}

/** Crop a width×height box at (x, y); the box must lie inside the image. */
export function crop(img: RawImage, x: number, y: number, width: number, height: number): RawImage {
  if (x < 0 || y < 0 || x + width > img.width || y + height > img.height) {
    throw new RangeError(`crop ${width}x${height}+${x}+${y} outside a ${img.width}x${img.height} image`);
  }
  if (x === 0 && y === 0 && width === img.width && height === img.height) return img;
  const data = Buffer.allocUnsafe(width * height * 3);
  for (let row = 0; row < height; row++) {
    const src = ((y + row) * img.width + x) * 3;
    img.data.copy(data, row * width * 3, src, src + width * 3);
  }
  return { data, width, height };
}

/** HF `center_crop`: top = (h − ch)//2, left = (w − cw)//2. */
export function centerCrop(img: RawImage, width: number, height: number): RawImage {
  return crop(img, Math.floor((img.width - width) / 2), Math.floor((img.height - height) / 2), width, height);
}

/** HF `resize` with `shortest_edge`: short side → size, long side → int(size · long / short). */
export async function resizeShortestEdge(img: RawImage, size: number, resize: Resize = resizeBicubic): Promise<RawImage> {
  const { width: w, height: h } = img;
  if (w <= h) return resize(img, size, Math.trunc((size * h) / w));
  return resize(img, Math.trunc((size * w) / h), size);
}

/** `divide_to_patches`: tile×tile crops in row-major order. */
export function divideToTiles(img: RawImage, tile: number): RawImage[] {
  const tiles: RawImage[] = [];
  for (let y = 0; y < img.height; y += tile) {
    for (let x = 0; x < img.width; x += tile) {
      tiles.push(crop(img, x, y, Math.min(tile, img.width - x), Math.min(tile, img.height - y)));
    }
  }
  return tiles;
}

/**
 * `(pixel/255 − mean)/std` per channel into CHW float32 (HF rescale + normalize). Writes into `out`
 * at `offset` when given, so several tiles share one tensor.
 */
export function normalizeToCHW(
  img: RawImage, mean: Rgb, std: Rgb,
  out: Float32Array = new Float32Array(img.width * img.height * 3), offset = 0,
): Float32Array {
  const plane = img.width * img.height;
  const src = img.data;
  // One lookup table per channel: 256 values instead of a divide per pixel; one pass over the pixels
  // (in the WebAssembly kernel `n` where there is one: the same lookups, so the same floats).
  const [l0, l1, l2] = [0, 1, 2].map((c) => {
    const lut = new Float32Array(256);
    for (let v = 0; v < 256; v++) lut[v] = (v / 255 - mean[c]!) / std[c]!;
    return lut;
  }) as [Float32Array, Float32Array, Float32Array];
  const k = simdKernels();
  if (k) { normalizeSimd(k, src.subarray(0, plane * 3), [l0, l1, l2], out, offset); return out; }
  const p0 = out.subarray(offset, offset + plane);
  const p1 = out.subarray(offset + plane, offset + 2 * plane);
  const p2 = out.subarray(offset + 2 * plane, offset + 3 * plane);
  for (let i = 0, j = 0; i < plane; i++, j += 3) {
    p0[i] = l0[src[j]!]!; p1[i] = l1[src[j + 1]!]!; p2[i] = l2[src[j + 2]!]!;
  }
  return out;
}
