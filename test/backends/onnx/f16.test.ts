import { describe, expect, it } from 'vitest';
import { fromFloat32, toFloat32 } from '../../../backends/onnx/f16.ts';
import { floatToHalf, halfToFloat } from '../../../src/core/f16.ts';

describe('float16 conversion for fp16 exports', () => {
  it('encodes known values bit-exactly, rounding to nearest even', () => {
    expect(floatToHalf(1)).toBe(0x3c00);
    expect(floatToHalf(-2)).toBe(0xc000);
    expect(floatToHalf(65504)).toBe(0x7bff);
    expect(floatToHalf(1e6)).toBe(0x7c00); // overflow → +inf
    expect(floatToHalf(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(halfToFloat(0x3555)).toBeCloseTo(0.33325, 5);
  });

  it('round-trips arrays within half precision', () => {
    const xs = Float32Array.from({ length: 100 }, (_, i) => (i - 50) * 0.37);
    const back = toFloat32(fromFloat32(xs, 'float16') as Uint16Array);
    xs.forEach((x, i) => expect(Math.abs(back[i]! - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11 + 1e-7));
    expect(fromFloat32(xs, 'float32')).toBe(xs);
  });
});
