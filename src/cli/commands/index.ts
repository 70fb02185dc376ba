import type { Command } from '../command.ts';
import doctor from './doctor.ts';
import merge from './merge.ts';
import models from './models.ts';
import run from './run.ts';
import score from './score.ts';
import summary from './summary.ts';

/** Every top-level command, in --help order. Each command lives in its own module. */
export const COMMANDS: Command[] = [
  run,
  summary,
  score,
  merge,
  doctor,
  models,
];
