import type { Command } from '../command.ts';

/** Every top-level command, in --help order. Each command lives in its own module. */
export const COMMANDS: Command[] = [];
