import { describe, expect, it } from 'vitest';
import { BackendError } from '../../../src/core/errors.ts';
import { tinyBackend, tinyModels } from './helpers.ts';

// This machine has no CUDA provider libraries (onnxruntime-node ships CPU only).
describe('ONNX execution providers without CUDA', () => {
  it('provider cuda fails with E_BACKEND and the install hint, never silently on CPU', async () => {
    const { llava15 } = await tinyModels();
    const err = await tinyBackend(llava15, 'llava-1.5', { provider: 'cuda' }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as BackendError).code).toBe('E_BACKEND');
    expect((err as BackendError).message).toMatch(/CUDA execution provider unavailable/);
    const hint = (err as BackendError).hint ?? '';
    expect(hint).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node');
    expect(hint).toContain('cuDNN 9');
    expect(hint).toContain('libonnxruntime_providers_{shared,cuda,tensorrt}.so');
  });

  it('provider auto falls back to CPU and records the warning in ModelInfo', async () => {
    const { llava15 } = await tinyModels();
    const backend = await tinyBackend(llava15, 'llava-1.5', { provider: 'auto' });
    expect(backend.info.device).toBe('cpu');
    expect(backend.info.warnings).toHaveLength(1);
    expect(backend.info.warnings![0]).toMatch(/CUDA unavailable.*running on CPU/);
    const cpu = await tinyBackend(llava15, 'llava-1.5', { provider: 'cpu' });
    expect(cpu.info).toMatchObject({ device: 'cpu', warnings: [], backend: 'onnx', quantization: 'fp32' });
    expect(cpu.info.runtime).toBe('onnxruntime-node@1.30.0');
    await backend.close?.();
    await cpu.close?.();
  });
});
