/**
 * Client cost of the Triton ensemble's image path: the family's preprocessing of one image, its FP16
 * encoding and the KServe v2 /infer body (JSON header + binary image_input). This all happens before
 * the request clock starts, but it bounds how many requests/s one client core can feed a server.
 *
 *   npm run bench:triton-tensor -- [--iterations 40] [--size 640x480]
 */
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { imageTensor, toInferRequest } from '../backends/http/kserve.ts';
import { getFamily } from '../src/families/index.ts';

const { values: args } = parseArgs({ options: { iterations: { type: 'string', default: '40' }, size: { type: 'string', default: '640x480' } } });
const N = Number(args.iterations);
const [w, h] = args.size.split('x').map(Number) as [number, number];

const raw = Buffer.alloc(w * h * 3);
for (let i = 0; i < raw.length; i++) raw[i] = (i * 2654435761) >>> 24;
const jpeg = await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).jpeg().toBuffer();
const image = { kind: 'buffer' as const, data: jpeg, name: 'bench.jpg' };

for (const key of ['vila', 'llava-1.5']) {
  const family = getFamily(key);
  await imageTensor(family, [image]);
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    const t = await imageTensor(family, [image]);
    const body = toInferRequest([
      { name: 'text_input', datatype: 'BYTES', shape: [1, 1], data: ['What is shown?'] },
      { name: 'image_input', datatype: 'FP16', shape: t.shape, data: t.fp16 },
    ], ['text_output']);
    times.push(performance.now() - t0);
    bytes = body.body.byteLength;
  }
  times.sort((a, b) => a - b);
  const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(1);
  console.log(`${key.padEnd(10)} ${w}x${h} JPEG → image_input body ${(bytes / 1024).toFixed(0)} KiB: p50 ${p(0.5)} ms, p90 ${p(0.9)} ms per image (${N} runs)`);
}
