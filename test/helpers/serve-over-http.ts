import { createBackend as createHttpBackend } from '../../backends/http/index.ts';
import { ModelConfig } from '../../src/config/schema.ts';
import type { Backend } from '../../src/core/backend.ts';
import { createOpenAiServer } from '../../src/serve/server.ts';

export interface ServedOverHttp {
  /** The HTTP backend (server: vlmbench) reaching the served model, streaming. */
  streamed: Backend;
  /** The same, one-shot (stream: false). */
  oneShot: Backend;
  /** Closes both HTTP backends, then the server; the served backend stays the caller's to close. */
  close(): Promise<void>;
}

/** `backend` behind `vlmbench serve`'s server core as model `id`, reached through the HTTP backend. */
export async function serveOverHttp(id: string, backend: Backend): Promise<ServedOverHttp> {
  const server = await createOpenAiServer({ backends: new Map([[id, backend]]) });
  const http = (stream: boolean) => createHttpBackend(ModelConfig.parse({
    id: 'tiny-http', family: 'llava-1.5', backend: { type: 'http', server: 'vlmbench', model: id, endpoints: [`${server.url}/v1`], stream },
  }), { log: () => {} });
  const streamed = await http(true);
  const oneShot = await http(false);
  return {
    streamed,
    oneShot,
    async close() {
      await streamed.close?.();
      await oneShot.close?.();
      await server.close();
    },
  };
}
