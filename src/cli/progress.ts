import type { RunEvents } from '../runner/context.ts';

interface TaskState { model: string; suite: string; total: number; done: number; errors: number; startedAt: number; alreadyDone: number }

export const fmtDuration = (s: number) => (!Number.isFinite(s) ? '?' : s >= 3600 ? `${(s / 3600).toFixed(1)}h` : s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`);

/**
 * Whole-run ETA from the fraction of tasks done, the current one counted by its samples done (a perf
 * task with no known total counts as not started). Undefined until there is something to go on.
 */
export function runEta(elapsedS: number, tasksDone: number, tasks: number, current?: { done: number; total: number; alreadyDone: number }): number | undefined {
  if (tasks <= 0) return undefined;
  const part = current && current.total > 0 ? Math.min(1, (current.done + current.alreadyDone) / current.total) : 0;
  const frac = Math.min(1, (tasksDone + part) / tasks);
  if (frac <= 0.01 || elapsedS <= 0) return undefined;
  return (elapsedS * (1 - frac)) / frac;
}

/**
 * Progress display: a redrawn line on a TTY, plain periodic lines otherwise (CI logs). Each line names
 * the task among all of the run's tasks ("task 9/28"), the task's own progress (done/total, rate, ETA,
 * errors) and an ETA for the whole run.
 */
export type Progress = Required<Pick<RunEvents, 'log'>> & RunEvents & { finish(): void };

export function createProgress(stream: NodeJS.WriteStream | NodeJS.WritableStream, opts: { intervalMs?: number; now?: () => number } = {}): Progress {
  const tty = 'isTTY' in stream && stream.isTTY === true;
  const intervalMs = opts.intervalMs ?? (tty ? 100 : 10_000);
  const now = opts.now ?? Date.now;
  let current: TaskState | undefined;
  let lastDraw = 0;
  let tasks = 0;
  let tasksStarted = 0;
  let runStartedAt: number | undefined;

  const line = (t: TaskState) => {
    const elapsed = (now() - t.startedAt) / 1000;
    const rate = elapsed > 0 ? t.done / elapsed : 0;
    const total = t.total - t.alreadyDone;
    const eta = rate > 0 && total > 0 ? (total - t.done) / rate : NaN;
    const width = 20;
    const frac = t.total > 0 ? (t.done + t.alreadyDone) / t.total : 0;
    const bar = tty && t.total > 0 ? `[${'#'.repeat(Math.round(frac * width)).padEnd(width, '.')}] ` : '';
    const of = t.total > 0 ? `/${t.total}` : '';
    const task = tasks > 0 ? `task ${tasksStarted}/${tasks} ` : '';
    const whole = tasks > 0 && runStartedAt !== undefined ? runEta((now() - runStartedAt) / 1000, tasksStarted - 1, tasks, t) : undefined;
    return `${task}${t.model} › ${t.suite} ${bar}${t.done + t.alreadyDone}${of} ${rate.toFixed(1)}/s` +
      `${Number.isFinite(eta) ? ` ETA ${fmtDuration(eta)}` : ''} errors ${t.errors}${whole !== undefined ? ` · run ETA ${fmtDuration(whole)}` : ''}`;
  };
  const draw = (force = false) => {
    if (!current) return;
    const nowMs = now();
    if (!force && nowMs - lastDraw < intervalMs) return;
    lastDraw = nowMs;
    stream.write(tty ? `\r\x1b[2K${line(current)}` : `${line(current)}\n`);
  };
  return {
    onRunStart(run) {
      tasks = run.tasks;
      runStartedAt = now();
    },
    onTaskStart(t) {
      tasksStarted++;
      runStartedAt ??= now();
      current = { ...t, done: 0, errors: 0, startedAt: now() };
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
