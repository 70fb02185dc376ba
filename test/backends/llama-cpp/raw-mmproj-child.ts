/**
 * Run by backend.test.ts in a child process: loads an mmproj straight into @fugood/llama.node, with no
 * preflight, to show what preflight protects against (libmtmd segfaults on a missing tensor).
 */
import { loadFugood } from '../../../backends/llama-cpp/runtime.ts';

const [model, mmproj] = process.argv.slice(2) as [string, string];
const fugood = await loadFugood();
const ctx = await fugood.loadModel({ model, n_ctx: 512, n_batch: 512, n_threads: 1, n_gpu_layers: 0, n_parallel: 1 });
process.stdout.write(`\nINIT ${String(ctx.initMultimodal({ path: mmproj, use_gpu: false }))}\n`);
await ctx.release();
