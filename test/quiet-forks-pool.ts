import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { ForksPoolWorker } from 'vitest/node';
import type { PoolOptions, PoolRunnerInitializer } from 'vitest/node';

/**
 * vitest's forks pool with the workers' raw stdout/stderr written to a file instead of the terminal.
 *
 * llama.cpp (through @fugood/llama.node, whose log hook always calls llama.cpp's default stderr
 * logger too), libmtmd/clip and onnxruntime write straight to file descriptors 1 and 2: thousands
 * of lines per run that no JS option can turn off. Test output from JS (console.*) does not go
 * through these streams (vitest forwards it over its own channel), so only native output is moved.
 * Tests that check a native log spawn the CLI and read its stderr themselves.
 *
 * The file: test-artifacts/native-output.log. VLMBENCH_NATIVE_LOGS=1 prints it as before.
 */
const LOG = path.resolve(import.meta.dirname, '..', 'test-artifacts', 'native-output.log');

let file: WriteStream | undefined;
/**
 * One writer per worker stream onto the run's shared file: a worker's stream ending (pipe() ends its
 * destination) ends only its own writer, never the file the other workers still write to.
 */
function fileSink(): Writable {
  if (!file) {
    mkdirSync(path.dirname(LOG), { recursive: true });
    file = createWriteStream(LOG, { flags: 'w' });
  }
  const shared = file;
  return new Writable({ write(chunk, _enc, cb) { shared.write(chunk, () => cb()); } });
}

class QuietForksPoolWorker extends ForksPoolWorker {
  constructor(options: PoolOptions) {
    super(options);
    const self = this as unknown as { stdout: Writable; stderr: Writable };
    self.stdout = fileSink();
    self.stderr = fileSink();
  }
}

export const quietForks: PoolRunnerInitializer = {
  name: 'quiet-forks',
  createPoolWorker: (options) => new QuietForksPoolWorker(options),
};

export const nativeLogsShown = process.env.VLMBENCH_NATIVE_LOGS === '1';
