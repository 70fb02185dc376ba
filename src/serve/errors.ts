import { VlmbenchError } from '../core/errors.ts';

/** An error the OpenAI-compatible server answers with: status + `{error:{message,type,param,code}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

export function errorBody(e: ApiError): { error: { message: string; type: string; param: string | null; code: string | null } } {
  return { error: { message: e.message, type: e.type, param: e.param, code: e.code } };
}

/** A backend failure as an API error: input problems are 400, overload 429/503, the rest 500. */
export function fromBackendError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof VlmbenchError) {
    switch (err.code) {
      // The client's image is named as the request numbers it (image-0 is its first image).
      case 'E_IMAGE': return new ApiError(400, err.file ? `${err.file}: ${err.message}` : err.message, 'invalid_request_error', 'messages', 'invalid_image');
      case 'E_RATE_LIMIT': return new ApiError(429, err.message, 'rate_limit_error', null, 'rate_limited');
      case 'E_TIMEOUT': return new ApiError(504, err.message, 'timeout_error', null, 'timeout');
      case 'E_ABORTED': return new ApiError(499, err.message, 'aborted', null, 'aborted');
      default:
        // A deterministic failure tied to the request (context too long, a bad option) is the client's
        // to fix, as vLLM answers it: 400 keeps clients from retrying it; the hint says what to change.
        if (!err.retryable && err.field) {
          return new ApiError(400, err.hint ? `${err.message} (${err.hint})` : err.message, 'invalid_request_error', err.field, err.code.toLowerCase());
        }
        return new ApiError(500, err.message, 'server_error', null, err.code.toLowerCase());
    }
  }
  return new ApiError(500, err instanceof Error ? err.message : String(err), 'server_error', null, 'internal_error');
}
