import type { ImageSource } from '../core/request.ts';
import type { SuiteConfig, ImageConfig } from '../config/schema.ts';
import type { Backend } from '../core/backend.ts';
import type { Suite, SuiteContext, SuiteModel } from '../core/suite.ts';
import type { ErrorTracker } from './error-kinds.ts';
import type { Journal } from './journal.ts';
import type { Scheduler } from './scheduler.ts';

/** Progress and log events a run emits; the CLI's progress display consumes them. */
export interface RunEvents {
  /** Once, before the first task: how many model × suite tasks the run has (for an overall n/N and ETA). */
  onRunStart?(run: { tasks: number }): void;
  onTaskStart?(task: { model: string; suite: string; total: number; alreadyDone: number }): void;
  onSampleDone?(task: { model: string; suite: string }, ok: boolean): void;
  onTaskEnd?(task: { model: string; suite: string }): void;
  log?(msg: string): void;
}

export interface Shard {
  index: number;
  count: number;
}

/** Everything one (model × suite) execution needs, passed explicitly (no globals). */
export interface TaskContext {
  suite: Suite;
  suiteId: string;
  suiteConfig: SuiteConfig;
  suiteCtx: SuiteContext<unknown>;
  model: SuiteModel;
  backend: Backend;
  scheduler: Scheduler;
  journal: Journal;
  events: RunEvents;
  /** Aborted on the first Ctrl-C: start nothing new. */
  stop: AbortSignal;
  /** First error of each kind reported live; a model stopped after repeated identical errors. */
  errors: ErrorTracker;
  shard?: Shard;
  /** Config `image`: how dataset images are decoded (EXIF rotation off unless asked for). */
  image?: ImageConfig;
  /** Where an image sent as bytes is kept (run folder); returns its path. */
  saveImage?: (image: ImageSource) => Promise<string>;
}

/**
 * The id a suite's records carry: its config id, else its name; a suite given by module path goes by
 * the `name` its module declares (`declared`), the file name only when that is unknown.
 */
export const suiteIdOf = (s: SuiteConfig, declared?: ReadonlyMap<string, string>): string =>
  s.id ?? (s.name.includes('/') ? declared?.get(s.name) ?? s.name.replace(/^.*\//, '').replace(/\.[cm]?[jt]s$/, '') : s.name);
