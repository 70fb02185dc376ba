import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { UsageError } from '../../core/errors.ts';
import path from 'node:path';
import { defineCommand, parseCommandArgs, print } from '../command.ts';

interface Check { name: string; ok: boolean; detail: string; required: boolean }

async function check(name: string, required: boolean, fn: () => Promise<string> | string): Promise<Check> {
  try {
    return { name, ok: true, detail: await fn(), required };
  } catch (err) {
    return { name, ok: false, detail: (err as Error).message.split('\n')[0]!, required };
  }
}

/** Each check imports its package lazily, so a broken native module fails its own line only. */
async function runChecks(): Promise<Check[]> {
  return Promise.all([
    check('node', true, () => {
      const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
      // package.json engines: the dependency tree needs 20.19+ (vite, yargs) or 22.12+.
      if (major < 20 || (major === 20 && minor < 19) || (major === 22 && minor < 12) || major === 21) {
        throw new Error(`Node ${process.version}; need 20.19+, 22.12+ or 24+`);
      }
      return process.version;
    }),
    check('sharp', true, async () => {
      const sharp = (await import('sharp')).default;
      return `sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}`;
    }),
    check('onnxruntime-cuda', false, async () => {
      const { checkOnnxCuda } = await import('./doctor-cuda.ts');
      return checkOnnxCuda();
    }),
    check('onnxruntime-node', false, async () => {
      const ort = await import('onnxruntime-node');
      const backends = (ort as unknown as { listSupportedBackends?: () => Array<{ name: string; bundled: boolean }> }).listSupportedBackends?.() ?? [];
      return `providers: ${backends.map((b) => `${b.name}${b.bundled ? '' : ' (libraries not bundled)'}`).join(', ')}`;
    }),
    check('@fugood/llama.node', false, async () => {
      const { loadFugood, fugoodRuntimeId } = await import('../../../backends/llama-cpp/runtime.ts');
      await loadFugood();
      return `${fugoodRuntimeId()} loaded (GGUF vision models; CPU build has no AVX: see backends/llama-cpp/README.md)`;
    }),
    check('llama.cpp runtime', false, async () => {
      const rt = await import('../../runtimes/llama-cpp.ts');
      const used = rt.findLlamaCppRuntime();
      const others = rt.listLlamaCppRuntimes().filter((r) => r.dir !== used?.dir);
      const rest = others.length > 0 ? `; also built: ${others.map(rt.describeRuntime).join(', ')}` : '';
      if (!used) throw new Error(`no managed llama-server for the bundled llama.cpp ${rt.bundledLlamaCpp().commit.slice(0, 7)}: llama-cpp models run in process (~0.1× native); build with: ${rt.BUILD_COMMAND}${rest}`);
      return `${rt.describeRuntime(used)}: ${used.binaries['llama-server']} (llama-cpp models use it)${rest}`;
    }),
    check('node-llama-cpp', false, async () => {
      const { getLlama } = await import('node-llama-cpp');
      const llama = await getLlama({ gpu: false, build: 'never', maxThreads: 1, logLevel: 'error' as never });
      const type = llama.buildType;
      await llama.dispose();
      return `build ${type}`;
    }),
    check('gpu', false, () => {
      const r = spawnSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], { encoding: 'utf8', timeout: 5000 });
      if (r.status !== 0) throw new Error('no NVIDIA GPU (nvidia-smi not found or failed): CPU backends only');
      return r.stdout.trim().replace(/\n/g, '; ');
    }),
    check('fonts', false, () => {
      const r = spawnSync('fc-match', ['DejaVu Sans'], { encoding: 'utf8', timeout: 5000 });
      if (r.status !== 0 || !/DejaVu/.test(r.stdout)) throw new Error('DejaVu Sans not found: apt-get install fonts-dejavu-core (report charts)');
      return r.stdout.trim();
    }),
    check('chromium', false, async () => {
      // Only the browser test uses one: a system Chromium, else the one packed in @sparticuz/chromium.
      const { systemChromium, PACKAGED } = await import('../../report/browser.ts');
      const system = systemChromium();
      if (system !== undefined) {
        if (!existsSync(system)) throw new Error(`VLMBENCH_CHROMIUM=${system} does not exist`);
        return `${system} (system)`;
      }
      try {
        // Its exports map hides package.json: find it beside the resolved entry point.
        const require = createRequire(import.meta.url);
        const entry = require.resolve(PACKAGED);
        const pkg = path.join(entry.slice(0, entry.lastIndexOf(`${PACKAGED}/`) + PACKAGED.length), 'package.json');
        const { version } = JSON.parse(readFileSync(pkg, 'utf8')) as { version: string };
        return `${PACKAGED}@${version} (packaged; unpacked to the temp dir on first use)`;
      } catch {
        throw new Error(`no system Chromium and ${PACKAGED} is not installed (only needed for the browser test): npm ci`);
      }
    }),
  ]);
}

export default defineCommand({
  name: 'doctor',
  summary: 'check Node, sharp, ONNX Runtime providers, llama.cpp runtimes, GPU and fonts',
  help: `Usage: vlmbench doctor [--json] [--require NAME[,NAME]]

Checks that each runtime vlmbench uses can load on this machine. Exit 1 if a required one fails.
--require makes optional checks required, so a GPU CI job stops before a run when, say, the ONNX
Runtime CUDA provider is missing: vlmbench doctor --require gpu,onnxruntime-cuda`,
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, { json: { type: 'boolean' }, require: { type: 'string' } }, false);
    const required = new Set((values.require ?? '').split(',').map((s) => s.trim()).filter(Boolean));
    const checks = await runChecks();
    const unknown = [...required].filter((r) => !checks.some((c) => c.name === r));
    if (unknown.length) throw new UsageError(`unknown check ${unknown.join(', ')} in --require`, { hint: `checks: ${checks.map((c) => c.name).join(', ')}` });
    for (const c of checks) if (required.has(c.name)) c.required = true;
    if (values.json) print(io.stdout, JSON.stringify(checks, null, 2));
    else for (const c of checks) print(io.stdout, `${c.ok ? 'ok  ' : c.required ? 'FAIL' : 'warn'}  ${c.name.padEnd(20)} ${c.detail}`);
    return checks.some((c) => c.required && !c.ok) ? 1 : 0;
  },
});
