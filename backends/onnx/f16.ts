/** fp16 exports: ORT hands float16 tensors over as Uint16Array. */
import { floatToHalf, halfToFloat } from '../../src/core/f16.ts';

export function toFloat32(data: Float32Array | Uint16Array): Float32Array {
  if (data instanceof Float32Array) return data;
  return Float32Array.from(data, halfToFloat);
}

export function fromFloat32(data: Float32Array, type: 'float32' | 'float16'): Float32Array | Uint16Array {
  return type === 'float32' ? data : Uint16Array.from(data, floatToHalf);
}
