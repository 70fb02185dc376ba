import path from 'node:path';
import { parseArgs } from 'node:util';
import { DatasetError, UsageError } from '../../core/errors.ts';
import { anyresLayout, getFamily, type Family, type Pinpoint, type VisionOverrides } from '../../families/index.ts';
import { defaultPinpoints } from '../../families/anyres.ts';
import { loadImage } from '../../image/load.ts';
import { defineCommand, print, type CliIO } from '../command.ts';
import { readJsonLines, writeLines } from './models-jsonl.ts';

const HELP = `Usage:
  vlmbench models tokens [--family llava-1.6] --size 1920x1080 [--size …] [--image photo.jpg … [--exif-rotate]] [--json]
  vlmbench models tokens --family llava-1.6 --in sizes.jsonl [--out tokens.jsonl]

Image-token count of an image size for a family. For llava-1.6 (AnyRes) it prints the chosen
resolution, the tile grid, the unpadded feature map and the count, computed the way the upstream
code computes it (float order included); fixed-size families print their constant count.

Options:
  --family      llava-v1, llava-1.5, llava-1.6 (default), tinyllava, vila
  --size        WIDTHxHEIGHT (repeatable)
  --image       an image file: its size as stored is used, as upstream loaders (PIL) see it (repeatable)
  --exif-rotate with --image: apply the EXIF orientation first (config image.exifRotate: true)
  --pinpoints   AnyRes candidates as "336x672,672x336,…" or JSON [[336,672],…] (default: upstream five)
  --image-size  vision-tower image/tile size (default: the family's, 336 for llava-1.6)
  --patch-size  ViT patch size (default 14)
  --in          batch: JSONL lines {"width": w, "height": h}
  --out         batch output (default stdout): each line plus "best_resolution" [w, h],
                "grid" [cols, rows], "unpadded_hw" [h, w] and "tokens" (fixed families: "tokens")
  --json        print JSON instead of text

Examples:
  vlmbench models tokens --size 1920x1080 --size 500x1500
  vlmbench models tokens --family llava-1.5 --image cat.jpg
  vlmbench models tokens --family llava-1.6 --in sizes.jsonl --out tokens.jsonl`;

const OPTIONS = {
  family: { type: 'string' },
  size: { type: 'string', multiple: true },
  image: { type: 'string', multiple: true },
  'exif-rotate': { type: 'boolean' },
  pinpoints: { type: 'string' },
  'image-size': { type: 'string' },
  'patch-size': { type: 'string' },
  in: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export interface TokenRow {
  width: number;
  height: number;
  best_resolution?: [number, number];
  grid?: [number, number];
  unpadded_hw?: [number, number];
  tokens: number;
}

function parsePositiveInt(s: string, field: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${field} must be a positive integer, got '${s}'`, { field });
  return n;
}

export function parseSize(s: string): [number, number] {
  const m = /^\s*(\d+)\s*[x×,]\s*(\d+)\s*$/i.exec(s);
  if (!m) throw new UsageError(`--size must look like 1920x1080, got '${s}'`, { field: '--size' });
  return [parsePositiveInt(m[1]!, '--size'), parsePositiveInt(m[2]!, '--size')];
}

export function parsePinpoints(s: string): Pinpoint[] {
  const t = s.trim();
  const pairs: unknown = t.startsWith('[') ? safeJson(t) : t.split(/[,;\s]+/).filter(Boolean).map(parseSize);
  if (!Array.isArray(pairs) || pairs.length === 0 || !pairs.every((p) => Array.isArray(p) && p.length === 2 && p.every((n) => Number.isInteger(n) && n > 0))) {
    throw new UsageError(`--pinpoints must be "336x672,672x336,…" or [[336,672],…], got '${s}'`, { field: '--pinpoints' });
  }
  return pairs as Pinpoint[];
}

function safeJson(s: string): unknown {
  try { return JSON.parse(s); } catch { return undefined; }
}

/** One size → one row; the row is the batch output's added fields. */
export function tokenRow(family: Family, width: number, height: number, o: VisionOverrides): TokenRow {
  if (family.vision.mode !== 'anyres') return { width, height, tokens: family.imageTokens(width, height, o) };
  const tile = o.imageSize ?? family.vision.imageSize;
  const l = anyresLayout(width, height, { tileSize: tile, patchSize: o.patchSize ?? family.vision.patchSize, pinpoints: o.pinpoints ?? defaultPinpoints(tile) });
  return { width, height, best_resolution: l.bestResolution, grid: [l.grid.cols, l.grid.rows], unpadded_hw: l.unpaddedHW, tokens: l.tokens };
}

function describeRow(r: TokenRow, label: string): string {
  if (!r.best_resolution) return `${label}  tokens ${r.tokens} (fixed per image)`;
  const [bw, bh] = r.best_resolution;
  const [cols, rows] = r.grid!;
  const [uh, uw] = r.unpadded_hw!;
  return `${label}  resolution ${bw}x${bh}  grid ${cols}x${rows} (cols x rows)  unpadded ${uh}x${uw} (h x w)  tokens ${r.tokens}`;
}

function overridesOf(values: { pinpoints?: string; 'image-size'?: string; 'patch-size'?: string }, family: Family): VisionOverrides {
  const o: VisionOverrides = {};
  if (values['image-size']) o.imageSize = parsePositiveInt(values['image-size'], '--image-size');
  if (values['patch-size']) o.patchSize = parsePositiveInt(values['patch-size'], '--patch-size');
  if (values.pinpoints) {
    if (family.vision.mode !== 'anyres') throw new UsageError(`--pinpoints applies to AnyRes families only (llava-1.6), not ${family.key}`, { field: '--pinpoints' });
    o.pinpoints = parsePinpoints(values.pinpoints);
  }
  return o;
}

async function runBatch(family: Family, o: VisionOverrides, inFile: string, outFile: string | undefined, io: CliIO): Promise<number> {
  const started = performance.now();
  const lines = await readJsonLines(inFile);
  const out = lines.map((l) => {
    const { width, height } = l.obj;
    if (!Number.isInteger(width) || !Number.isInteger(height) || (width as number) <= 0 || (height as number) <= 0) {
      throw new DatasetError(`line ${l.line}: "width" and "height" must be positive integers`, { file: inFile, line: l.line, field: 'width' });
    }
    const { width: _w, height: _h, ...added } = tokenRow(family, width as number, height as number, o);
    return `${JSON.stringify({ ...l.obj, ...added })}\n`;
  });
  await writeLines(out, outFile, io.stdout);
  const ms = performance.now() - started;
  print(io.stderr, `${lines.length} sizes in ${ms.toFixed(1)} ms (${family.key}) [${inFile}${outFile ? ` → ${outFile}` : ''}]`);
  return 0;
}

export const modelsTokensCommand = defineCommand({
  name: 'tokens',
  summary: 'Image-token count (AnyRes grid for llava-1.6) for image sizes or files',
  help: HELP,
  async run(argv, io) {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true });
    } catch (err) {
      throw new UsageError((err as Error).message, { hint: 'see vlmbench models tokens --help' });
    }
    const { values } = parsed;
    if (values['exif-rotate'] && !values.image) throw new UsageError('--exif-rotate applies to --image files', { field: '--exif-rotate' });
    const family = getFamily(values.family ?? 'llava-1.6');
    const o = overridesOf(values, family);
    if (values.in) return runBatch(family, o, path.resolve(io.cwd, values.in), values.out && path.resolve(io.cwd, values.out), io);
    const inputs: Array<{ label: string; size: [number, number] }> = (values.size ?? []).map((s) => {
      const size = parseSize(s);
      return { label: `${size[0]}x${size[1]}`, size };
    });
    for (const file of values.image ?? []) {
      const img = await loadImage({ kind: 'path', path: path.resolve(io.cwd, file) }, { exifRotate: values['exif-rotate'] ?? false });
      inputs.push({ label: `${file} (${img.width}x${img.height})`, size: [img.width, img.height] });
    }
    if (inputs.length === 0) throw new UsageError('give --size WxH, --image <file> or --in <sizes.jsonl>', { field: '--size' });
    const rows = inputs.map((i) => tokenRow(family, i.size[0], i.size[1], o));
    if (values.json) {
      print(io.stdout, JSON.stringify({ family: family.key, rows }));
    } else {
      print(io.stdout, [`family: ${family.key}`, ...rows.map((r, i) => describeRow(r, inputs[i]!.label))].join('\n'));
    }
    return 0;
  },
});
