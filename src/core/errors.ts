import { redactSecrets } from './redact.ts';

/**
 * Typed errors. Every error the harness raises on purpose is a VlmbenchError with a stable code,
 * the file and/or field it concerns, and whether retrying may help. The CLI prints `message` (plus
 * file/field) and exits 2 for usage/input errors; stack traces only with --verbose.
 */
export const ERROR_CODES = {
  E_CONFIG: 'invalid configuration',
  E_DATASET: 'invalid dataset',
  E_IMAGE: 'unreadable image',
  E_MODEL_FILE: 'invalid model file',
  E_BACKEND: 'backend failure',
  E_HTTP: 'HTTP error',
  E_RATE_LIMIT: 'rate limited',
  E_TIMEOUT: 'timed out',
  E_ABORTED: 'aborted',
  E_CRASH: 'backend process crashed',
  E_PARSE: 'unparseable output',
  E_JUDGE: 'judge failure',
  E_USAGE: 'invalid command usage',
  E_RESUME: 'resume refused',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorDetails {
  /** File the error concerns (config, dataset line, model file, image). */
  file?: string;
  /** Field path inside that file, e.g. `models[0].backend.threads`. */
  field?: string;
  /** 1-based line/column in `file`, when known. */
  line?: number;
  column?: number;
  /** Retrying the same request may succeed (timeouts, 429, 5xx, resets, crashes). */
  retryable?: boolean;
  /** Server-suggested delay before retrying (Retry-After), ms. */
  retryAfterMs?: number;
  /** What the user should do about it. */
  hint?: string;
  cause?: unknown;
}

export class VlmbenchError extends Error {
  readonly code: ErrorCode;
  readonly file?: string;
  readonly field?: string;
  readonly line?: number;
  readonly column?: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.file = details.file;
    this.field = details.field;
    this.line = details.line;
    this.column = details.column;
    this.retryable = details.retryable ?? false;
    this.retryAfterMs = details.retryAfterMs;
    this.hint = details.hint;
  }
}

export class ConfigError extends VlmbenchError {
  constructor(message: string, details: ErrorDetails = {}) { super('E_CONFIG', message, details); }
}
export class DatasetError extends VlmbenchError {
  constructor(message: string, details: ErrorDetails = {}) { super('E_DATASET', message, details); }
}
export class ImageError extends VlmbenchError {
  constructor(message: string, details: ErrorDetails = {}) { super('E_IMAGE', message, details); }
}
export class ModelFileError extends VlmbenchError {
  constructor(message: string, details: ErrorDetails = {}) { super('E_MODEL_FILE', message, details); }
}
export class UsageError extends VlmbenchError {
  constructor(message: string, details: ErrorDetails = {}) { super('E_USAGE', message, details); }
}
export class BackendError extends VlmbenchError {
  constructor(
    message: string,
    details: ErrorDetails & { code?: Extract<ErrorCode, 'E_BACKEND' | 'E_HTTP' | 'E_RATE_LIMIT' | 'E_TIMEOUT' | 'E_ABORTED' | 'E_CRASH' | 'E_PARSE' | 'E_JUDGE'> } = {},
  ) {
    super(details.code ?? 'E_BACKEND', message, details);
  }
}

/** The plain-data form of an error, as written to samples.jsonl and sent between processes. */
export interface ErrorRecord {
  code: ErrorCode;
  message: string;
  file?: string;
  field?: string;
  /** 1-based line in `file` (a dataset line). */
  line?: number;
  retryable: boolean;
  hint?: string;
}

/** The record of any error, its message redacted (redactSecrets) before it can be written anywhere. */
export function toErrorRecord(err: unknown): ErrorRecord {
  if (err instanceof VlmbenchError) {
    const rec: ErrorRecord = { code: err.code, message: redactSecrets(err.message), retryable: err.retryable };
    if (err.file !== undefined) rec.file = err.file;
    if (err.field !== undefined) rec.field = err.field;
    if (err.line !== undefined) rec.line = err.line;
    if (err.hint !== undefined) rec.hint = err.hint;
    return rec;
  }
  if (err instanceof Error && err.name === 'AbortError') {
    return { code: 'E_ABORTED', message: err.message || 'aborted', retryable: false };
  }
  const message = redactSecrets(err instanceof Error ? err.message : String(err));
  return { code: 'E_BACKEND', message, retryable: false };
}

/** Rebuild a typed error from its record (e.g. after crossing a process boundary). */
export function fromErrorRecord(rec: ErrorRecord): VlmbenchError {
  return new VlmbenchError(rec.code, rec.message, {
    file: rec.file, field: rec.field, line: rec.line, retryable: rec.retryable, hint: rec.hint,
  });
}

/** Errors that are the user's input, not a failure of the harness: exit code 2. */
export function isUserInputError(err: unknown): boolean {
  return err instanceof VlmbenchError &&
    ['E_CONFIG', 'E_DATASET', 'E_IMAGE', 'E_MODEL_FILE', 'E_USAGE', 'E_RESUME'].includes(err.code);
}

/** One-line-plus-hint rendering for terminals: names file, line and field. */
export function formatError(err: unknown): string {
  if (!(err instanceof VlmbenchError)) return err instanceof Error ? err.message : String(err);
  const where = [
    err.file ? `${err.file}${err.line ? `:${err.line}${err.column ? `:${err.column}` : ''}` : ''}` : undefined,
    err.field ? `field ${err.field}` : undefined,
  ].filter(Boolean).join(', ');
  return `${where ? `${where}: ` : ''}${err.message}${err.hint ? `\n  hint: ${err.hint}` : ''}`;
}
