import { DataType, encodeModel } from '../../fixtures/onnx/proto.ts';

/**
 * Does onnxruntime-node's CUDA execution provider load here? Opens a one-node graph (Identity) on
 * CUDA only: onnxruntime-node's npm package ships the CPU provider, and the CUDA libraries arrive only
 * through its install script (`ONNXRUNTIME_NODE_INSTALL=cuda12`), so a CI image can silently lack them.
 */
export async function checkOnnxCuda(): Promise<string> {
  const ort = await import('onnxruntime-node');
  const model = encodeModel({
    name: 'cuda-probe',
    nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'], name: 'id' }],
    initializers: [],
    inputs: [{ name: 'x', dataType: DataType.FLOAT, shape: [1] }],
    outputs: [{ name: 'y', dataType: DataType.FLOAT, shape: [1] }],
  });
  const session = await ort.InferenceSession.create(model, { executionProviders: [{ name: 'cuda' }], intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 3 });
  try {
    const out = await session.run({ x: new ort.Tensor('float32', new Float32Array([1.5]), [1]) });
    if ((out.y!.data as Float32Array)[0] !== 1.5) throw new Error('CUDA session returned a wrong value');
  } finally {
    await session.release();
  }
  return 'CUDA execution provider loads and runs a graph';
}
