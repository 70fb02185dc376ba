import type { ErrorCode, ErrorRecord } from '../core/errors.ts';
import type { SampleRecord } from '../core/record.ts';

/** Errors of one kind in a run: what the user reads on the terminal (code, message, hint) and how many. */
export interface ErrorKind {
  code: ErrorCode;
  message: string;
  hint?: string;
  field?: string;
  /** The first occurrence. */
  model: string;
  suite: string;
  sampleId: string;
  file?: string;
  line?: number;
  count: number;
}

/**
 * Two errors are of one kind when code, field, hint and message agree once the sample id and numbers
 * are taken out of the message (the same missing mmproj fails every sample with its id in the text).
 * The file is not part of the kind: ten truncated images are one kind, counted ten times.
 */
export function errorKindKey(err: ErrorRecord, sampleId: string): string {
  const message = (sampleId ? err.message.split(sampleId).join('<sample>') : err.message).replace(/\d+(\.\d+)?/g, '#');
  return [err.code, err.field ?? '', err.hint ?? '', message].join('\0');
}

/** Errors tied to one input (a bad image or dataset line, a failed judgement): never a reason to stop a model. */
const INPUT_ERRORS = new Set<ErrorCode>(['E_IMAGE', 'E_DATASET', 'E_JUDGE', 'E_ABORTED']);

export interface StopRule {
  /** Consecutive errors of one kind that stop a model's remaining samples; 0 = never. */
  after: number;
}

/**
 * Follows a run's errors as samples finish: reports the first error of each kind once (live), and
 * stops a model after `after` consecutive errors of one kind — a dead endpoint or a missing file fails
 * every sample the same way, so the rest would only cost time (each after all its retries).
 */
export class ErrorTracker {
  private readonly kinds = new Map<string, ErrorKind>();
  private readonly streak = new Map<string, { key: string; n: number }>();
  private readonly stoppedModels = new Map<string, string>();

  constructor(private readonly rule: StopRule, private readonly report: (msg: string) => void) {}

  /** Every finished sample of `model` in completion order, ok or not. */
  sampleDone(model: string, suite: string, sampleId: string, error: ErrorRecord | undefined): void {
    if (!error) {
      this.streak.delete(model);
      return;
    }
    const key = errorKindKey(error, sampleId);
    const kind = this.kinds.get(key);
    if (kind) kind.count++;
    else {
      this.kinds.set(key, { ...describe(error), model, suite, sampleId, count: 1 });
      this.report(`error (first of its kind) in ${model} › ${suite}, sample ${sampleId}:\n${indent(formatErrorLines(error))}`);
    }
    if (INPUT_ERRORS.has(error.code)) return;
    const s = this.streak.get(model);
    const n = s?.key === key ? s.n + 1 : 1;
    this.streak.set(model, { key, n });
    if (this.rule.after > 0 && n >= this.rule.after && !this.stoppedModels.has(model)) {
      const why = `stopped: ${model} after ${n} consecutive identical errors (${error.code}: ${error.message}); its remaining samples were not run (run.stopAfterErrors; resume with --retry-errors once fixed)`;
      this.stoppedModels.set(model, why);
      this.report(why);
    }
  }

  /** Why `model` was stopped, if it was. */
  stopped(model: string): string | undefined {
    return this.stoppedModels.get(model);
  }
}

function describe(e: ErrorRecord): Pick<ErrorKind, 'code' | 'message' | 'hint' | 'field' | 'file' | 'line'> {
  return { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}), ...(e.field ? { field: e.field } : {}), ...(e.file ? { file: e.file } : {}), ...(e.line ? { line: e.line } : {}) };
}

const indent = (s: string): string => s.split('\n').map((l) => `  ${l}`).join('\n');

export function formatErrorLines(e: Pick<ErrorRecord, 'code' | 'message' | 'hint' | 'file' | 'field' | 'line'>): string {
  const where = [e.file && (e.line ? `${e.file}:${e.line}` : e.file), e.field ? `field ${e.field}` : undefined].filter(Boolean).join(', ');
  return `${e.code}: ${where ? `${where}: ` : ''}${e.message}${e.hint ? `\nhint: ${e.hint}` : ''}`;
}

/** Every error kind in a run's records (resumed runs included), most frequent first. */
export function collectErrorKinds(records: readonly SampleRecord[]): ErrorKind[] {
  const kinds = new Map<string, ErrorKind>();
  for (const r of records) {
    if (!r.error) continue;
    const key = errorKindKey(r.error, r.sampleId);
    const k = kinds.get(key);
    if (k) k.count++;
    else kinds.set(key, { ...describe(r.error), model: r.model, suite: r.suite, sampleId: r.sampleId, count: 1 });
  }
  return [...kinds.values()].sort((a, b) => b.count - a.count);
}

/** The closing summary's error section: one entry per kind with its count and first sample. */
export function formatErrorKinds(kinds: readonly ErrorKind[]): string {
  if (kinds.length === 0) return '';
  const total = kinds.reduce((n, k) => n + k.count, 0);
  const lines = [`errors: ${total} in ${kinds.length} kind${kinds.length === 1 ? '' : 's'} (details in samples.jsonl)`];
  for (const k of kinds) {
    lines.push(`  ×${k.count}  first: ${k.model} › ${k.suite}, sample ${k.sampleId}`);
    lines.push(indent(indent(formatErrorLines(k))));
  }
  return lines.join('\n');
}
