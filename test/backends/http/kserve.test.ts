import { describe, expect, it } from 'vitest';
import { parseInferResponse, toFp16Bytes, toInferRequest } from '../../../backends/http/kserve.ts';
import { halfToFloat } from '../../../src/core/f16.ts';

describe('KServe v2 /infer with the binary tensor data extension', () => {
  it('puts the JSON header first, then each binary tensor, and says where the JSON ends', () => {
    const bin = Uint8Array.from([1, 2, 3, 4]);
    const r = toInferRequest([
      { name: 'text_input', datatype: 'BYTES', shape: [1, 1], data: ['hi'] },
      { name: 'image_input', datatype: 'FP16', shape: [1, 2], data: bin },
    ], ['text_output']);
    const len = Number(r.headers['inference-header-content-length']);
    expect(r.headers['content-type']).toBe('application/octet-stream');
    const head = JSON.parse(r.body.subarray(0, len).toString('utf8'));
    expect(head.inputs).toEqual([
      { name: 'text_input', shape: [1, 1], datatype: 'BYTES', data: ['hi'] },
      { name: 'image_input', shape: [1, 2], datatype: 'FP16', parameters: { binary_data_size: 4 } },
    ]);
    expect(head.outputs).toEqual([{ name: 'text_output', parameters: { binary_data: false } }]);
    expect([...r.body.subarray(len)]).toEqual([1, 2, 3, 4]);
  });

  it('reads JSON outputs, and BYTES outputs a server sent in binary anyway (4-byte length + bytes)', () => {
    const json = Buffer.from(JSON.stringify({ outputs: [{ name: 'text_output', datatype: 'BYTES', shape: [1, 1], data: ['ab'] }] }));
    expect(parseInferResponse(json, undefined, 'u')).toEqual({ text_output: ['ab'] });
    const head = Buffer.from(JSON.stringify({ outputs: [{ name: 'text_output', datatype: 'BYTES', shape: [1, 1], parameters: { binary_data_size: 7 } }] }));
    const bin = Buffer.concat([head, Buffer.from([3, 0, 0, 0]), Buffer.from('héa'.slice(0, 2), 'utf8')]);
    expect(parseInferResponse(bin, head.byteLength, 'u')).toEqual({ text_output: ['hé'] });
    expect(() => parseInferResponse(Buffer.from('nope'), undefined, 'u')).toThrow(/unparseable/);
  });

  it('encodes FP16 little-endian, round to nearest', () => {
    const b = toFp16Bytes(Float32Array.from([1, -2.5, 0.1]));
    const v = new DataView(b.buffer);
    expect([0, 1, 2].map((i) => halfToFloat(v.getUint16(i * 2, true)))).toEqual([1, -2.5, 0.0999755859375]);
    expect([...b.subarray(0, 2)]).toEqual([0x00, 0x3c]);
  });
});
