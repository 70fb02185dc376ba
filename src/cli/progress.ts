import type { RunEvents } from '../runner/context.ts';

interface TaskState { model: string; suite: string; total: number; done: number; errors: number; startedAt: number; alreadyDone: number }

const fmtDuration = (s: number) => (!Number.isFinite(s) ? '?' : s >= 3600 ? `${(s / 3600).toFixed(1)}h` : s >= 60 ? `${Math.floor(s / 60)}m${Math.round(s % 60)}s` : `${Math.round(s)}s`);

/**
 * Progress display: a redrawn bar on a TTY (done/total, rate, ETA, errors), plain periodic lines
 * otherwise (CI logs).
 */
export type Progress = Required<Pick<RunEvents, 'log'>> & RunEvents & { finish(): void };

export function createProgress(stream: NodeJS.WriteStream | NodeJS.WritableStream, opts: { intervalMs?: number } = {}): Progress {
  const tty = 'isTTY' in stream && stream.isTTY === true;
  const intervalMs = opts.intervalMs ?? (tty ? 100 : 10_000);
  let current: TaskState | undefined;
  let lastDraw = 0;

  const line = (t: TaskState) => {
    const elapsed = (Date.now() - t.startedAt) / 1000;
    const rate = elapsed > 0 ? t.done / elapsed : 0;
    const total = t.total - t.alreadyDone;
    const eta = rate > 0 && total > 0 ? (total - t.done) / rate : NaN;
    const width = 24;
    const frac = t.total > 0 ? (t.done + t.alreadyDone) / t.total : 0;
    const bar = tty && t.total > 0 ? `[${'#'.repeat(Math.round(frac * width)).padEnd(width, '.')}] ` : '';
    const of = t.total > 0 ? `/${t.total}` : '';
    return `${t.model} › ${t.suite} ${bar}${t.done + t.alreadyDone}${of} ${rate.toFixed(1)}/s${Number.isFinite(eta) ? ` ETA ${fmtDuration(eta)}` : ''} errors ${t.errors}`;
  };
  const draw = (force = false) => {
    if (!current) return;
    const nowMs = Date.now();
    if (!force && nowMs - lastDraw < intervalMs) return;
    lastDraw = nowMs;
    stream.write(tty ? `\r\x1b[2K${line(current)}` : `${line(current)}\n`);
  };
  return {
    onTaskStart(t) {
      current = { ...t, done: 0, errors: 0, startedAt: Date.now() };
      if (t.alreadyDone) stream.write(`${tty ? '\r\x1b[2K' : ''}resuming ${t.model} › ${t.suite}: ${t.alreadyDone} already done\n`);
      draw(true);
    },
    onSampleDone(_t, ok) {
      if (!current) return;
      current.done++;
      if (!ok) current.errors++;
      draw();
    },
    onTaskEnd() {
      draw(true);
      if (tty) stream.write('\n');
      current = undefined;
    },
    log(msg) {
      stream.write(`${tty && current ? '\r\x1b[2K' : ''}${msg}\n`);
      if (tty) draw(true);
    },
    finish() { current = undefined; },
  };
}
