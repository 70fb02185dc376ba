import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadOnnxModel } from '../../../backends/onnx/model.ts';
import { openSessions } from '../../../backends/onnx/sessions.ts';
import { resolveModelFiles } from '../../../backends/onnx/files.ts';
import { ModelFileError } from '../../../src/core/errors.ts';
import { TINY_LLAVA15, writeTinyOnnxModel } from '../../../src/fixtures/onnx/index.ts';
import type { TinyOnnxSpec } from '../../../src/fixtures/onnx/index.ts';

async function variant(renameInputs?: TinyOnnxSpec['renameInputs']): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'vlmbench-onnx-release-'));
  return writeTinyOnnxModel(path.join(root, 'model'), { ...TINY_LLAVA15, renameInputs });
}

/** Every session created from now on, and whether it was released (native memory is freed only then). */
function trackSessions(): { created: number; released: number } {
  const counts = { created: 0, released: 0 };
  const create = ort.InferenceSession.create.bind(ort.InferenceSession);
  vi.spyOn(ort.InferenceSession, 'create').mockImplementation((async (...args: Parameters<typeof ort.InferenceSession.create>) => {
    const s = await (create as (...a: unknown[]) => Promise<ort.InferenceSession>)(...args);
    counts.created++;
    const release = s.release.bind(s);
    s.release = async () => { counts.released++; await release(); };
    return s;
  }) as typeof ort.InferenceSession.create);
  return counts;
}

describe('ONNX sessions are released when loading fails', () => {
  afterEach(() => { vi.restoreAllMocks(); });

  it('a decoder signature error releases the three sessions already opened', async () => {
    const dir = await variant({ decoder: { attention_mask: 'attn_mask' } });
    const counts = trackSessions();
    const err = await loadOnnxModel({ dir, dtype: '', provider: 'cpu', deviceId: 0, threads: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect(counts.created).toBe(3);
    expect(counts.released).toBe(counts.created);
  });

  it('a graph that fails to open releases the graphs opened before it', async () => {
    const dir = await variant();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(dir, 'onnx', 'decoder_model_merged.onnx'), 'not a model');
    const counts = trackSessions();
    const files = await resolveModelFiles(dir, '');
    const err = await openSessions(files, { provider: 'cpu', deviceId: 0, threads: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect(counts.created).toBe(2);
    expect(counts.released).toBe(2);
  });
});
