/**
 * Test-only preload (`node --import`): SIGKILLs the process half-way through the Nth fs.promises.writeFile
 * whose target's base name starts with a given name (VLMBENCH_TEST_CRASH_ON_WRITE="manifest.json:2"),
 * to reproduce a crash while the run writes its result files.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

const [name, nth] = (process.env.VLMBENCH_TEST_CRASH_ON_WRITE ?? '').split(':');
if (name) {
  const original = fsp.writeFile;
  let seen = 0;
  fsp.writeFile = async (file, data, ...rest) => {
    if (typeof file === 'string' && path.basename(file).startsWith(name) && ++seen === Number(nth ?? 1)) {
      fs.writeFileSync(file, String(data).slice(0, Math.floor(String(data).length / 2)));
      process.kill(process.pid, 'SIGKILL');
    }
    return original(file, data, ...rest);
  };
  syncBuiltinESMExports();
}
