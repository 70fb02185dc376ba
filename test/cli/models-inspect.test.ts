import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

/** Minimal GGUF v3 writer: header + KV pairs, no tensors (enough for metadata-only reading). */
type Kv = [string, 'str', string] | [string, 'u32', number] | [string, 'f32[]', number[]] | [string, 'i32[]', number[]] | [string, 'bool', boolean];
function gguf(kvs: Kv[]): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); parts.push(b); };
  const u64 = (n: number) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); parts.push(b); };
  const s = (t: string) => { const b = Buffer.from(t, 'utf8'); u64(b.length); parts.push(b); };
  parts.push(Buffer.from('GGUF'));
  u32(3); u64(0); u64(kvs.length);
  for (const [key, type, value] of kvs) {
    s(key);
    if (type === 'str') { u32(8); s(value); }
    else if (type === 'u32') { u32(4); u32(value); }
    else if (type === 'bool') { u32(7); parts.push(Buffer.from([value ? 1 : 0])); }
    else {
      u32(9); u32(type === 'f32[]' ? 6 : 5); u64(value.length);
      for (const v of value) { const b = Buffer.alloc(4); if (type === 'f32[]') b.writeFloatLE(v); else b.writeInt32LE(v); parts.push(b); }
    }
  }
  return Buffer.concat(parts);
}

const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
const mmproj = (extra: Kv[] = [], size = 336, patch = 14): Kv[] => [
  ['general.architecture', 'str', 'clip'], ['general.name', 'str', 'test mmproj'],
  ['clip.has_vision_encoder', 'bool', true], ['clip.projector_type', 'str', 'mlp'],
  ['clip.vision.image_size', 'u32', size], ['clip.vision.patch_size', 'u32', patch],
  ['clip.vision.image_mean', 'f32[]', CLIP_MEAN], ...extra,
];

let dir: string;
const p = (...s: string[]) => path.join(dir, ...s);
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vlmbench-inspect-'));
  await writeFile(p('mmproj-15.gguf'), gguf(mmproj()));
  await writeFile(p('mmproj-16.gguf'), gguf(mmproj([['clip.vision.image_grid_pinpoints', 'i32[]', [336, 672, 672, 336, 672, 672, 1008, 336, 336, 1008]], ['clip.vision.mm_patch_merge_type', 'str', 'spatial_unpad']])));
  await writeFile(p('tiny-16.gguf'), gguf(mmproj([['clip.vision.image_grid_pinpoints', 'i32[]', [32, 64, 64, 32, 64, 64]], ['clip.vision.mm_patch_merge_type', 'str', 'spatial_unpad']], 32, 8)));
  await writeFile(p('text.gguf'), gguf([['general.architecture', 'str', 'llama'], ['general.name', 'str', 'llava-v1.6-mistral-7b'], ['llama.context_length', 'u32', 4096]]));
  await writeFile(p('broken.gguf'), Buffer.from('GGUF\x03\x00'));
  // transformers.js / Optimum folder of a llava-1.5 export
  await mkdir(p('onnx-llava', 'onnx'), { recursive: true });
  await writeFile(p('onnx-llava', 'config.json'), JSON.stringify({
    model_type: 'llava', architectures: ['LlavaForConditionalGeneration'], image_token_index: 32000,
    vision_config: { model_type: 'clip_vision_model', image_size: 336, patch_size: 14 }, text_config: { model_type: 'llama' },
  }));
  await writeFile(p('onnx-llava', 'preprocessor_config.json'), JSON.stringify({ crop_size: { height: 336, width: 336 }, image_mean: CLIP_MEAN }));
  // Original-repo configs
  await writeFile(p('vila-config.json'), JSON.stringify({ _name_or_path: 'Efficient-Large-Model/Llama-3-VILA1.5-8B', model_type: 'llava_llama', mm_projector_type: 'mlp_downsample', image_aspect_ratio: 'resize' }));
  await writeFile(p('tinyllava-config.json'), JSON.stringify({ model_type: 'tinyllava', llm_model_name_or_path: 'microsoft/phi-2', vision_model_name_or_path: 'google/siglip-so400m-patch14-384', image_aspect_ratio: 'pad' }));
  await writeFile(p('next-34b.json'), JSON.stringify({ _name_or_path: 'liuhaotian/llava-v1.6-34b', image_aspect_ratio: 'anyres', mm_patch_merge_type: 'spatial_unpad', image_grid_pinpoints: [[336, 672], [672, 336], [672, 672], [1008, 336], [336, 1008]] }));
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

const inspect = async (file: string, ...args: string[]) => {
  const r = await runCli(['models', 'inspect', p(file), '--json', ...args]);
  return { code: r.code, stderr: r.stderr, json: r.stdout ? JSON.parse(r.stdout) as { evidence: Record<string, unknown>; inspection: Record<string, unknown> } : undefined };
};

describe('vlmbench models inspect', () => {
  it('LLaVA-1.5 mmproj GGUF: family, template, 336 px, 576 tokens', async () => {
    const { code, json } = await inspect('mmproj-15.gguf');
    expect(code).toBe(0);
    expect(json!.evidence).toMatchObject({ kind: 'gguf-mmproj', projector: 'mlp', imageSize: 336, patchSize: 14 });
    expect(json!.inspection).toMatchObject({ family: 'llava-1.5', template: 'vicuna_v1', imageSize: 336, tokensPerImage: { fixed: 576 }, warnings: [] });
  });

  it('LLaVA-1.6 mmproj GGUF: pinpoints read as (w, h) pairs, AnyRes token range', async () => {
    const { json } = await inspect('mmproj-16.gguf');
    expect(json!.evidence.pinpoints).toEqual([[336, 672], [672, 336], [672, 672], [1008, 336], [336, 1008]]);
    expect(json!.inspection).toMatchObject({ family: 'llava-1.6', tokensPerImage: { anyres: { base: 576, min: 1176, max: 2928, example: { size: '640x480', tokens: 2340 } } } });
  });

  it('tiny test mmproj: counts follow the file (32 px, patch 8) and a warning names the size', async () => {
    const { json } = await inspect('tiny-16.gguf');
    expect(json!.inspection).toMatchObject({ family: 'llava-1.6', imageSize: 32, patchSize: 8, tokensPerImage: { anyres: { base: 16 } } });
    expect(String((json!.inspection.warnings as string[])[0])).toMatch(/image size 32 differs from llava-1.6's 336/);
  });

  it('text GGUF: name decides (mistral → mistral_instruct)', async () => {
    const { json } = await inspect('text.gguf');
    expect(json!.evidence).toMatchObject({ kind: 'gguf-text', architecture: 'llama' });
    expect(json!.inspection).toMatchObject({ family: 'llava-1.6', template: 'mistral_instruct' });
  });

  it('--family that disagrees with the files: warning, still exit 0; text output shows it', async () => {
    const { code, json } = await inspect('mmproj-16.gguf', '--family', 'llava-1.5');
    expect(code).toBe(0);
    expect((json!.inspection.warnings as string[]).join()).toMatch(/--family llava-1.5 disagrees with the files, which look like llava-1.6/);
    const text = await runCli(['models', 'inspect', p('mmproj-16.gguf'), '--family', 'llava-1.5']);
    expect(text.stdout).toMatch(/^warning: --family llava-1.5 disagrees/m);
    expect(text.stdout).toMatch(/^family: {5}llava-1.6/m);
  });

  it('ONNX folder (config.json + preprocessor_config.json)', async () => {
    const { json } = await inspect('onnx-llava', '--family', 'llava-1.5');
    expect(json!.evidence).toMatchObject({ kind: 'onnx', modelType: 'llava', imageSize: 336 });
    expect(json!.inspection).toMatchObject({ family: 'llava-1.5', template: 'vicuna_v1', tokensPerImage: { fixed: 576 }, warnings: [] });
  });

  it('hand-written configs: VILA (llama_3, 196), TinyLLaVA (phi, 729), LLaVA-1.6 34B (chatml_direct)', async () => {
    expect((await inspect('vila-config.json')).json!.inspection).toMatchObject({ family: 'vila', template: 'llama_3', tokensPerImage: { fixed: 196 } });
    expect((await inspect('tinyllava-config.json')).json!.inspection).toMatchObject({ family: 'tinyllava', template: 'phi', imageSize: 384, tokensPerImage: { fixed: 728 } });
    expect((await inspect('next-34b.json')).json!.inspection).toMatchObject({ family: 'llava-1.6', template: 'chatml_direct' });
  });

  it('unreadable input: exit 2 naming the file', async () => {
    const broken = await inspect('broken.gguf');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(p('broken.gguf'));
    expect((await inspect('missing.gguf')).code).toBe(2);
    expect((await inspect('mmproj-15.gguf', '--family', 'llava-3')).code).toBe(2);
  });
});
