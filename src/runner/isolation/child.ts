/**
 * Entry point of a backend child process: loads one backend module and serves generate calls over
 * IPC. A native crash here kills only this process; the parent fails the in-flight requests.
 */
import { pathToFileURL } from 'node:url';
import type { Backend } from '../../core/backend.ts';
import type { BackendModule } from '../../core/backend-module.ts';
import { toErrorRecord } from '../../core/errors.ts';
import type { TokenEvent } from '../../core/response.ts';
import type { ChildMessage, ParentMessage } from './protocol.ts';

const send = (msg: ChildMessage) => process.send?.(msg);
const inFlight = new Map<number, AbortController>();
let backend: Backend | undefined;

async function init(modulePath: string, model: Extract<ParentMessage, { type: 'init' }>['model']) {
  try {
    const mod = (await import(pathToFileURL(modulePath).href)) as BackendModule;
    backend = await mod.createBackend(model, { log: (m) => process.stderr.write(`[${model.id}] ${m}\n`) });
    send({ type: 'ready', info: backend.info, capabilities: backend.capabilities });
  } catch (err) {
    send({ type: 'init-error', error: toErrorRecord(err) });
  }
}

async function generate(id: number, req: Extract<ParentMessage, { type: 'generate' }>['req'], wantsTokens: boolean) {
  const ctrl = new AbortController();
  inFlight.set(id, ctrl);
  try {
    // Backends may choose how to generate by whether tokens are wanted (llama-server answers a score
    // request in one piece); without a listener, per-token IPC would only cost CPU.
    const onToken = wantsTokens ? (event: TokenEvent) => send({ type: 'token', id, event }) : undefined;
    const output = await backend!.generate(req, { signal: ctrl.signal, onToken });
    send({ type: 'result', id, output });
  } catch (err) {
    send({ type: 'error', id, error: toErrorRecord(err) });
  } finally {
    inFlight.delete(id);
  }
}

process.on('message', (msg: ParentMessage) => {
  switch (msg.type) {
    case 'init': void init(msg.modulePath, msg.model); break;
    case 'generate': void generate(msg.id, msg.req, msg.wantsTokens); break;
    case 'abort': inFlight.get(msg.id)?.abort(); break;
    case 'close':
      void (async () => {
        for (const c of inFlight.values()) c.abort();
        await backend?.close?.().catch(() => undefined);
        send({ type: 'closed' });
        process.disconnect?.();
      })();
      break;
  }
});
process.on('disconnect', () => process.exit(0));
// A terminal's Ctrl-C reaches the whole process group. The parent decides (drain, then close): if this
// process died on SIGINT, its in-flight requests would be journaled as crashes instead of finishing.
process.on('SIGINT', () => undefined);
