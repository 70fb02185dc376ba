import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.ts';
import { CLI, REPO } from './run-config.ts';

/** Runs the CLI in process with captured output (fast; for argument and error handling tests). */
export function runCli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCliIn(REPO, argv, { ...process.env, ...env });
}

/** Like runCli, in `cwd` and with exactly `env` (nothing inherited): for commands given relative paths. */
export async function runCliIn(cwd: string, argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) => new Writable({ write(chunk, _enc, cb) { append(String(chunk)); cb(); } });
  const code = await main(argv, {
    stdout: sink((s) => { stdout += s; }),
    stderr: sink((s) => { stderr += s; }),
    env,
    cwd,
  });
  return { code, stdout, stderr };
}

/** Runs the real CLI binary in its own process (for signals, exit codes, crashes). */
export function spawnCli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [CLI, ...argv], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}
