import { loadConfig } from '../../config/load.ts';
import { UsageError } from '../../core/errors.ts';
import { defaultFixturesDir } from '../../fixtures/paths.ts';
import { startServe } from '../../serve/start.ts';
import { configArgument, defineCommand, parseCommandArgs, print, QUICKSTART_CONFIG } from '../command.ts';

const HELP = `Usage: vlmbench serve [config] [options]

Serve the local models of a config (llama-cpp, onnx) over an OpenAI-compatible API:
GET /health, GET /v1/models, POST /v1/chat/completions (streamed and not, images as data URLs).
Default config: configs/quickstart.yaml.

Options:
  --model <id>          serve this model (repeatable; default: every local model)
  --host <addr>         address to bind (default 127.0.0.1: this machine only)
  --port <n>            port (default 8080; 0 picks a free one)
  --max-body-mb <n>     largest request body accepted (default 32)
  --max-image-mb <n>    largest decoded image accepted (default 20)

Stops on Ctrl-C or SIGTERM.`;

function positiveNumber(flag: string, v: string | undefined, dflt: number, allowZero = false): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new UsageError(`--${flag} '${v}' is not a valid number`);
  return n;
}

export default defineCommand({
  name: 'serve',
  summary: 'serve local models over an OpenAI-compatible HTTP API',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      model: { type: 'string', multiple: true }, host: { type: 'string' }, port: { type: 'string' },
      'max-body-mb': { type: 'string' }, 'max-image-mb': { type: 'string' },
    });
    const file = configArgument(positionals, io) ?? QUICKSTART_CONFIG;
    const port = positiveNumber('port', values.port, 8080, true);
    if (!Number.isInteger(port) || port > 65535) throw new UsageError(`--port '${values.port}' is not a port number`);
    const { config } = await loadConfig(file, io.env);
    const log = (msg: string) => { if (io.verbose) print(io.stderr, msg); };
    const server = await startServe({
      config, models: values.model, host: values.host ?? '127.0.0.1', port,
      maxBodyBytes: positiveNumber('max-body-mb', values['max-body-mb'], 32) * 1024 * 1024,
      maxImageBytes: positiveNumber('max-image-mb', values['max-image-mb'], 20) * 1024 * 1024,
      fixturesDir: config.run.fixturesDir ?? defaultFixturesDir(io.env), log,
    });
    print(io.stdout, `serving ${server.models.join(', ')} at ${server.url}/v1 (Ctrl-C to stop)`);
    await new Promise<void>((resolve) => {
      const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await server.close();
    return 0;
  },
});
