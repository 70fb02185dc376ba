import type { PerfDriver, PerfSuite } from '../core/suite.ts';
import type { TaskContext } from './context.ts';
import { defaultPromptSource } from './execute-quality.ts';
import { sampleKey } from './journal.ts';

/** A performance suite drives its own request pattern; the runner lends it the scheduler and journal. */
export async function executePerfSuite(task: TaskContext, suite: PerfSuite<unknown>, existingIds: ReadonlySet<string>): Promise<void> {
  const t = { model: task.model.info.id, suite: task.suiteId };
  const driver: PerfDriver = {
    model: task.model,
    capabilities: task.backend.capabilities,
    done: existingIds,
    signal: task.stop,
    // Perf requests are for timing: backends whose streamed text is lossy may stream only these.
    send: (req, signal) => task.scheduler.submit(task.backend, { ...req, purpose: 'timing' }, { signal, shouldStart: () => !task.stop.aborted && !task.errors.stopped(t.model) }),
    async record(rec) {
      if (rec.error?.code === 'E_ABORTED') return;
      // ModelInfo.promptSource describes timing requests (perf records are built by the suite, not from one result).
      task.journal.append({ ...rec, promptSource: rec.promptSource ?? defaultPromptSource(task), key: sampleKey(t.model, t.suite, rec.sampleId, rec.repeat), ...t, finishedAt: new Date().toISOString() });
      task.events.onSampleDone?.(t, !rec.error);
      task.errors.sampleDone(t.model, t.suite, rec.sampleId, rec.error);
    },
  };
  task.events.onTaskStart?.({ ...t, total: 0, alreadyDone: existingIds.size });
  await suite.run(driver, task.suiteCtx);
  task.events.onTaskEnd?.(t);
}

