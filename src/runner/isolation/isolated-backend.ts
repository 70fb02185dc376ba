import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ModelConfig } from '../../config/schema.ts';
import type { Backend, BackendCapabilities, GenerateOptions, ModelInfo } from '../../core/backend.ts';
import { BackendError, fromErrorRecord } from '../../core/errors.ts';
import type { VlmRequest } from '../../core/request.ts';
import type { VlmOutput } from '../../core/response.ts';
import type { ChildMessage, ParentMessage } from './protocol.ts';

const CHILD_ENTRY = fileURLToPath(new URL('./child.ts', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');
const STDERR_TAIL_LINES = 20;
const STDERR_LINE_CHARS = 300;

interface Pending {
  resolve: (o: VlmOutput) => void;
  reject: (e: unknown) => void;
  onToken?: GenerateOptions['onToken'];
}

interface Child {
  proc: ChildProcess;
  ready: Promise<{ info: ModelInfo; capabilities: BackendCapabilities }>;
  stderrTail: string[];
  /** Kill a child that does not answer an abort; its other requests fail retryable. */
  killHung(): void;
}

export interface IsolatedBackendOptions {
  /** How many times a dead child is restarted before every later request fails fast. */
  maxRestarts?: number;
  log?: (msg: string) => void;
  /** Aborting it while the model loads kills the child (Ctrl-C twice during a long load). */
  signal?: AbortSignal;
  /** How long an aborted request may take to come back before its child is taken for hung (default 10 s). */
  abortGraceMs?: number;
}

/**
 * A Backend whose real implementation runs in a child process. If the child dies (segfault, abort,
 * out of memory) its in-flight requests fail with E_CRASH naming the model file and signal, and the
 * next request starts a fresh child (bounded).
 */
export async function createIsolatedBackend(modulePath: string, model: ModelConfig, opts: IsolatedBackendOptions = {}): Promise<Backend> {
  const maxRestarts = opts.maxRestarts ?? 3;
  const abortGraceMs = opts.abortGraceMs ?? 10_000;
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let restarts = 0;
  let closing = false;
  let child: Child | undefined;
  const modelFile = modelFileOf(model);

  function start(): Child {
    const proc = fork(CHILD_ENTRY, [], {
      execArgv: ['--import', TSX_LOADER],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const stderrTail: string[] = [];
    let hung = false;
    // Lines span chunks; each is kept clipped, since a crash message quotes one into every failed record.
    let partial = '';
    const logPrefix = `[${model.id}] `;
    const keep = (line: string) => {
      // The backend's own ctx.log lines (child.ts prefixes them) reach the run log, not only crash reports.
      if (line.startsWith(logPrefix)) opts.log?.(line.slice(logPrefix.length));
      if (line.trim()) stderrTail.push(line.length > STDERR_LINE_CHARS ? `${line.slice(0, STDERR_LINE_CHARS)}…` : line);
      if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.splice(0, stderrTail.length - STDERR_TAIL_LINES);
    };
    proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!.slice(0, STDERR_LINE_CHARS + 1);
      lines.forEach(keep);
    });
    const ready = new Promise<{ info: ModelInfo; capabilities: BackendCapabilities }>((resolve, reject) => {
      proc.on('message', (msg: ChildMessage) => {
        switch (msg.type) {
          case 'ready': resolve({ info: msg.info, capabilities: msg.capabilities }); break;
          case 'init-error': reject(fromErrorRecord(msg.error)); break;
          case 'token': pending.get(msg.id)?.onToken?.(msg.event); break;
          case 'result': settle(msg.id, (p) => p.resolve(msg.output)); break;
          case 'error': settle(msg.id, (p) => p.reject(fromErrorRecord(msg.error))); break;
          case 'closed': break;
        }
      });
      // A failed spawn or a send to a child that just died: fail what depends on it instead of throwing.
      proc.on('error', (err) => {
        const failure = new BackendError(`backend process for model '${model.id}' (${modelFile}) failed: ${err.message}`, {
          code: 'E_CRASH', file: modelFile, retryable: true, cause: err,
        });
        reject(failure);
        for (const id of [...pending.keys()]) settle(id, (p) => p.reject(failure));
      });
      proc.on('exit', (code, signal) => {
        keep(partial);
        partial = '';
        const crash = hung ? hungError() : crashError(code, signal, stderrTail);
        reject(crash);
        if (child?.proc === proc) child = undefined;
        for (const id of [...pending.keys()]) settle(id, (p) => p.reject(crash));
      });
    });
    ready.catch(() => undefined);
    const c: Child = { proc, ready, stderrTail, killHung: () => { hung = true; proc.kill('SIGKILL'); } };
    proc.send({ type: 'init', modulePath, model } satisfies ParentMessage);
    return c;
  }

  function settle(id: number, fn: (p: Pending) => void) {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    fn(p);
  }

  function crashError(code: number | null, signal: NodeJS.Signals | null, tail: string[]) {
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    const last = tail.filter((l) => /error|assert|fault|abort|fail/i.test(l)).at(-1) ?? tail.at(-1);
    return new BackendError(
      `backend process for model '${model.id}' (${modelFile}) died with ${how}${last ? `: ${last.trim()}` : ''}`,
      { code: 'E_CRASH', file: modelFile, retryable: false, hint: 'the runtime crashed on this input; other samples continue in a fresh process' },
    );
  }

  function hungError() {
    return new BackendError(`backend process for model '${model.id}' (${modelFile}) did not stop an aborted request within ${abortGraceMs} ms and was restarted`, {
      code: 'E_CRASH', file: modelFile, retryable: true, hint: 'the runtime hung; raise run.timeoutMs if the model is only slow',
    });
  }

  async function ensureChild(): Promise<Child> {
    if (child) return child;
    if (closing) throw new BackendError('backend is closed', { code: 'E_BACKEND' });
    if (restarts > maxRestarts) {
      throw new BackendError(`backend process for model '${model.id}' crashed ${restarts} times; giving up`, { code: 'E_CRASH', file: modelFile });
    }
    restarts++;
    child = start();
    return child;
  }

  // First start: surface load errors (ModelFileError etc.) to the caller right away.
  const first = await ensureChild();
  restarts = 0;
  const { info, capabilities } = await untilLoaded(first.ready, opts.signal, model.id).catch((err) => { first.proc.kill(); throw err; });

  return {
    info,
    capabilities,
    async generate(req: VlmRequest, gopts: GenerateOptions): Promise<VlmOutput> {
      const c = await ensureChild();
      // A restarted child may load for long (or hang loading): the request's abort still applies.
      await untilLoaded(c.ready, gopts.signal, model.id);
      const id = nextId++;
      return new Promise<VlmOutput>((resolve, reject) => {
        pending.set(id, { resolve, reject, onToken: gopts.onToken });
        // A child stuck in native code never answers the abort: kill it after a grace period, which
        // fails its requests (retryable) and lets the next one start a fresh child.
        let killTimer: NodeJS.Timeout | undefined;
        const onAbort = () => {
          if (c.proc.connected) c.proc.send({ type: 'abort', id } satisfies ParentMessage);
          killTimer = setTimeout(c.killHung, abortGraceMs);
        };
        gopts.signal.addEventListener('abort', onAbort, { once: true });
        const cleanup = () => { clearTimeout(killTimer); gopts.signal.removeEventListener('abort', onAbort); };
        const p = pending.get(id)!;
        p.resolve = (o) => { cleanup(); resolve(o); };
        p.reject = (e) => { cleanup(); reject(e); };
        c.proc.send({ type: 'generate', id, req, wantsTokens: gopts.onToken !== undefined } satisfies ParentMessage);
        if (gopts.signal.aborted) onAbort();
      });
    },
    async close() {
      closing = true;
      const c = child;
      if (!c) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { c.proc.kill('SIGKILL'); }, 5000);
        c.proc.once('exit', () => { clearTimeout(timer); resolve(); });
        if (c.proc.connected) c.proc.send({ type: 'close' } satisfies ParentMessage);
        else c.proc.kill();
      });
    },
  };
}

/** `ready`, or an E_ABORTED error as soon as `signal` aborts. */
function untilLoaded<T>(ready: Promise<T>, signal: AbortSignal | undefined, modelId: string): Promise<T> {
  if (!signal) return ready;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new BackendError(`loading model '${modelId}' was interrupted`, { code: 'E_ABORTED' }));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    ready.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function modelFileOf(model: ModelConfig): string {
  const b = model.backend;
  switch (b.type) {
    case 'llama-cpp': return b.model;
    case 'onnx': return b.dir;
    case 'custom': return b.module;
    case 'http': return b.endpoints.map((e) => (typeof e === 'string' ? e : e.url)).join(',');
  }
}
