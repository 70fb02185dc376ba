import type { ModelConfig } from '../../config/schema.ts';
import type { BackendCapabilities, ModelInfo } from '../../core/backend.ts';
import type { ErrorRecord } from '../../core/errors.ts';
import type { VlmRequest } from '../../core/request.ts';
import type { TokenEvent, VlmOutput } from '../../core/response.ts';

/** Messages between the runner and a backend child process (structured-clone IPC). */
export type ParentMessage =
  | { type: 'init'; modulePath: string; model: ModelConfig }
  /** `wantsTokens`: the caller passed onToken; without it the child sends no per-token messages. */
  | { type: 'generate'; id: number; req: VlmRequest; wantsTokens: boolean }
  | { type: 'abort'; id: number }
  | { type: 'close' };

export type ChildMessage =
  | { type: 'ready'; info: ModelInfo; capabilities: BackendCapabilities }
  | { type: 'init-error'; error: ErrorRecord }
  | { type: 'token'; id: number; event: TokenEvent }
  | { type: 'result'; id: number; output: VlmOutput }
  | { type: 'error'; id: number; error: ErrorRecord }
  | { type: 'closed' };
