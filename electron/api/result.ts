// The shape every API call returns. Nothing throws across a transport: a handler's
// AppError becomes {ok:false,error}, anything else becomes INTERNAL with the cause logged.
// Pure: imported by the renderer too.
import { redactCredentials } from './redact';

export interface ApiError {
  /** Stable machine code the UI and tests switch on, e.g. UNKNOWN_ITEM. */
  code: string;
  /** What the cashier reads, in Chinese, including what to do next. */
  message: string;
  /** Optional structured facts (the bad field, the unknown codes...). */
  details?: unknown;
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** An error with a code and a Chinese message; the only kind handlers are meant to throw. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    // A message never carries a connection URL's password, whoever built it (api/redact.ts).
    super(redactCredentials(message));
    this.name = 'AppError';
  }

  toApiError(): ApiError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export const ok = <T>(value: T): ApiResult<T> => ({ ok: true, value });
export const fail = (code: string, message: string, details?: unknown): ApiResult<never> => ({
  ok: false,
  error: details === undefined ? { code, message } : { code, message, details },
});

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
