// The shape every API call returns. Nothing throws across a transport: a handler's
// AppError becomes {ok:false,error}, anything else becomes INTERNAL with the cause logged.
// Pure: imported by the renderer too.
import type { ErrorCode } from './error-codes';
import { redactCredentials } from './redact';

/** An error a window shows: one of the main process's, or a window's own (a PIN typed twice differently). */
export interface ShownError {
  code: string;
  /** What the cashier reads, in Chinese, including what to do next. */
  message: string;
  /** Optional structured facts (the bad field, the unknown codes...). */
  details?: unknown;
}

/** An error the main process gives: its code is on the one list (error-codes.ts). */
export interface ApiError extends ShownError {
  /** Stable machine code the UI and tests switch on, e.g. UNKNOWN_ITEM. */
  code: ErrorCode;
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** An error with a code and a Chinese message; the only kind handlers are meant to throw. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
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
export const fail = (code: ErrorCode, message: string, details?: unknown): ApiResult<never> => ({
  ok: false,
  error: details === undefined ? { code, message } : { code, message, details },
});

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
