import type { PerfDriver, PerfSuite } from '../core/suite.ts';
import type { TaskContext } from './context.ts';
import { sampleKey } from './journal.ts';

/** A performance suite drives its own request pattern; the runner lends it the scheduler and journal. */
export async function executePerfSuite(task: TaskContext, suite: PerfSuite<unknown>, existingIds: ReadonlySet<string>): Promise<void> {
  const t = { model: task.model.info.id, suite: task.suiteId };
  const driver: PerfDriver = {
    model: task.model,
    capabilities: task.backend.capabilities,
    done: existingIds,
    signal: task.stop,
    send: (req, signal) => task.scheduler.submit(task.backend, req, { signal, shouldStart: () => !task.stop.aborted && !task.errors.stopped(t.model) }),
    async record(rec) {
      if (rec.error?.code === 'E_ABORTED') return;
      task.journal.append({ ...rec, key: sampleKey(t.model, t.suite, rec.sampleId, rec.repeat), ...t, finishedAt: new Date().toISOString() });
      task.events.onSampleDone?.(t, !rec.error);
      task.errors.sampleDone(t.model, t.suite, rec.sampleId, rec.error);
    },
  };
  task.events.onTaskStart?.({ ...t, total: 0, alreadyDone: existingIds.size });
  await suite.run(driver, task.suiteCtx);
  task.events.onTaskEnd?.(t);
}
