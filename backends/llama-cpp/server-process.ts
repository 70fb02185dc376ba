import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { Agent, request } from 'undici';
import { BackendError, ModelFileError } from '../../src/core/errors.ts';
import { LLAMA_CPP_MEDIA_MARKER } from './families.ts';

/**
 * A llama-server subprocess owned by one backend: loopback only, a free port, explicit threads and
 * slots, the media marker pinned (the raw /completion prompt carries it; llama-server otherwise picks a
 * random marker per start: tools/server/server-common.cpp `get_media_marker`).
 */

export interface ServerSpec {
  binary: string;
  model: string;
  mmproj?: string;
  threads: number;
  /** Sequences decoded in parallel (`-np`); each gets `contextSize` tokens. */
  slots: number;
  contextSize: number;
  batchSize: number;
  gpuLayers: number;
  seed: number;
}

export interface LlamaServer {
  url: string;
  /**
   * The connections to this server: stop() closes them first, since cpp-httplib keeps a worker waiting
   * on every idle keep-alive connection (5 s) and llama-server does not exit before those end.
   */
  dispatcher: Agent;
  /** llama.cpp's system_info line (threads and SIMD flags), from the startup log. */
  systemInfo: string;
  /** Last part of the server log, for error messages. */
  logTail(): string;
  /** How the process ended ("signal SIGKILL", "exit code 134") and the last log lines that say why. */
  crashReport(): string;
  alive(): boolean;
  /** Settles when the process has exited (a crash, or stop()). */
  exited: Promise<void>;
  stop(): Promise<void>;
}

/** llama-server command line for a spec (exported for tests and the bench's native comparison). */
export function serverArgs(s: ServerSpec, port: number): string[] {
  const args = ['-m', s.model, '-t', String(s.threads), '-tb', String(s.threads), '-np', String(s.slots), '--no-kv-unified',
    '-c', String(s.contextSize * s.slots), '-b', String(s.batchSize), '-ngl', String(s.gpuLayers), '--seed', String(s.seed),
    '--host', '127.0.0.1', '--port', String(port)];
  if (s.mmproj) args.push('--mmproj', s.mmproj, ...(s.gpuLayers > 0 ? [] : ['--no-mmproj-offload']));
  return args;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** `llama-server --version` → the short commit it was built from ("version: 1 (80fb11a)"). */
export function serverCommit(binary: string): string | undefined {
  const r = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 15_000 });
  if (r.error) {
    throw new ModelFileError(`llama-server binary ${binary} cannot run: ${r.error.message}`, {
      file: binary, field: 'backend.serverBinary', hint: 'point serverBinary at a llama-server build, or run: vlmbench runtimes build llama.cpp',
    });
  }
  return /version:\s*\d+\s*\(([0-9a-f]{6,40})\)/.exec(`${r.stdout}\n${r.stderr}`)?.[1];
}

const live = new Set<ChildProcess>();
let exitHook = false;
/** A server must not outlive the process that owns it (Ctrl-C, a crashed run). */
function track(child: ChildProcess): void {
  live.add(child);
  child.once('close', () => live.delete(child));
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => { for (const c of live) c.kill('SIGKILL'); });
}

export async function startLlamaServer(spec: ServerSpec, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<LlamaServer> {
  const port = await freePort();
  const child = spawn(spec.binary, serverArgs(spec, port), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LLAMA_MEDIA_MARKER: LLAMA_CPP_MEDIA_MARKER },
  });
  track(child);
  let log = '';
  const keep = (d: Buffer): void => { log = (log + d.toString()).slice(-100_000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exit: string | undefined;
  const closed = new Promise<void>((resolve) => child.once('close', (code, sig) => { exit = sig ?? String(code); resolve(); }));
  child.once('error', (err) => { exit = err.message; });
  const tail = (): string => log.split('\n').slice(-25).join('\n');
  const dispatcher = new Agent();
  const stop = async (): Promise<void> => {
    await dispatcher.destroy().catch(() => undefined);
    if (exit !== undefined) return;
    child.kill('SIGTERM');
    // The grace timer must not outlive the race: an armed 5 s timer kept `vlmbench serve` alive after Ctrl-C.
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((r) => { grace = setTimeout(r, 5000); })]);
    clearTimeout(grace);
    if (exit === undefined) { child.kill('SIGKILL'); await closed; }
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 300_000);
  for (;;) {
    if (exit !== undefined) {
      throw new ModelFileError(`llama-server exited (${exit}) while loading ${spec.model}:\n${tail()}`, {
        file: spec.model, field: 'backend.model', hint: 'the llama-server log above names the reason',
      });
    }
    if (opts.signal?.aborted) { await stop(); throw new BackendError('aborted while llama-server was loading', { code: 'E_ABORTED' }); }
    try {
      const r = await request(`${url}/health`, { dispatcher });
      await r.body.dump();
      if (r.statusCode === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new BackendError(`llama-server did not become healthy in ${Math.round((opts.timeoutMs ?? 300_000) / 1000)} s:\n${tail()}`, { retryable: false });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // system_info is not printed at the default verbosity; the threadpool line carries n_threads.
  const systemInfo = (/system_info:\s*(.*)/.exec(log)?.[1] ?? /threadpool init,\s*(n_threads\s*=\s*\d+.*)/.exec(log)?.[1] ?? '').trim();
  const crashReport = (): string => {
    const how = exit === undefined ? 'still running' : /^-?\d+$/.test(exit) ? `exit code ${exit}` : exit.startsWith('SIG') ? `signal ${exit}` : exit;
    const why = log.split('\n').slice(-40).filter((l) => /error|assert|abort|fault|fail|terminat|exception|out of memory/i.test(l)).slice(-5);
    return why.length > 0 ? `${how}; its log ends with:\n${why.join('\n')}` : `${how}; its log names no reason (killed from outside, or out of memory?)`;
  };
  return { url, dispatcher, systemInfo, logTail: tail, crashReport, alive: () => exit === undefined, exited: closed, stop };
}
