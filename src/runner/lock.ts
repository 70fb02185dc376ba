import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VlmbenchError } from '../core/errors.ts';

/** The lock file in a run folder while a run writes to it. */
export const RUN_LOCK_FILE = 'run.lock';

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

export class RunLockedError extends VlmbenchError {
  constructor(message: string, file: string, hint: string) {
    super('E_RESUME', message, { file, hint });
  }
}

/** Run folders this process holds (two runs in one process, e.g. tests, share a pid). */
const heldHere = new Set<string>();

/** Is `pid` a live process on this machine? EPERM means it exists but belongs to someone else. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? { pid: h.pid, host: h.host, startedAt: String(h.startedAt ?? '?') } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Take the run folder for this process: an O_EXCL lock file holding pid, host and start time. Two runs
 * appending to one samples.jsonl would each skip only what they had read and duplicate the rest. A lock
 * whose pid is gone on this host (killed, crashed) is stale and taken over; a lock from another host
 * cannot be checked and is honoured. Returns the release function.
 */
export function acquireRunLock(runDir: string): () => void {
  const file = path.join(runDir, RUN_LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readHolder(file);
      if (holder && holder.host !== me.host) {
        throw new RunLockedError(`run folder is in use by pid ${holder.pid} on host ${holder.host} (since ${holder.startedAt})`, file,
          `wait for that run to finish; if it is gone, delete ${file}`);
      }
      const heldByUs = holder?.pid === process.pid && heldHere.has(file);
      if (holder && (heldByUs || (holder.pid !== process.pid && alive(holder.pid)))) {
        throw new RunLockedError(`run folder is in use by another vlmbench run (pid ${holder.pid}, since ${holder.startedAt})`, file,
          `wait for it to finish (or stop it), then resume; two runs writing one folder would duplicate samples. If pid ${holder.pid} is no vlmbench run, delete ${file}`);
      }
      if (!holder && attempt === 0) {
        // Written by a process between open and write: give it a moment before calling it stale.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
        continue;
      }
      rmSync(file, { force: true }); // stale: its holder is gone
      continue;
    }
    try {
      writeSync(fd, `${JSON.stringify(me)}\n`);
    } finally {
      closeSync(fd);
    }
    heldHere.add(file);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      heldHere.delete(file);
      // Only our own lock: never remove one a later run took over.
      if (readHolder(file)?.pid === me.pid) rmSync(file, { force: true });
    };
  }
  throw new RunLockedError('run folder lock could not be taken', file, `another run is starting in this folder; if none is, delete ${file}`);
}
