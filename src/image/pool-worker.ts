import { parentPort, workerData } from 'node:worker_threads';

/**
 * Worker side of pool.ts: import the module, call its export for each { id, args } message, reply with
 * the result (ArrayBuffers transferred) or the error's message, code, file and hint.
 */
const { module, exportName } = workerData as { module: string; exportName: string };
const fn = (await import(module) as Record<string, (...args: unknown[]) => Promise<unknown>>)[exportName];

/** ArrayBuffers of the typed arrays directly inside the result (one level: tensors, images). */
function transferables(value: unknown): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  // Whole buffers only: a view into Node's shared Buffer pool must be copied, not detached.
  const add = (v: unknown) => {
    if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength) out.add(v.buffer);
  };
  add(value);
  if (value && typeof value === 'object') for (const v of Object.values(value)) add(v);
  return [...out];
}

parentPort!.on('message', async ({ id, args }: { id: number; args: unknown[] }) => {
  try {
    if (typeof fn !== 'function') throw new Error(`${module} has no export ${exportName}`);
    const value = await fn(...args);
    parentPort!.postMessage({ id, ok: true, value }, transferables(value));
  } catch (err) {
    const e = err as { message?: string; code?: string; file?: string; hint?: string };
    parentPort!.postMessage({ id, ok: false, error: { message: String(e?.message ?? err), code: e?.code, file: e?.file, hint: e?.hint } });
  }
});
