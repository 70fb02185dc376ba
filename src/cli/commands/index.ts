import type { Command } from '../command.ts';
import baseline from './baseline.ts';
import compare from './compare.ts';
import datasets from './datasets.ts';
import doctor from './doctor.ts';
import gate from './gate.ts';
import merge from './merge.ts';
import models from './models.ts';
import report from './report.ts';
import run from './run.ts';
import runtimes from './runtimes.ts';
import score from './score.ts';
import serve from './serve.ts';
import summary from './summary.ts';

/** Every top-level command, in --help order. Each command lives in its own module. */
export const COMMANDS: Command[] = [
  run,
  summary,
  score,
  merge,
  gate,
  baseline,
  doctor,
  models,
  datasets,
  report,
  compare,
  serve,
  runtimes,
];
