// What every parser returns: a value, or a clear error with a code and a Chinese message.
// Parsers never throw on bad bytes: a reader must not crash on a scratched card.
import type { ErrorCode } from '../../electron/api/error-codes';

export interface ParseError {
  /** Stable machine code, e.g. SSC_FIELDS_MISSING. */
  code: ErrorCode;
  /** What the cashier reads: what went wrong and what to do next. */
  message: string;
  details?: Record<string, unknown>;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ParseError };

export const parsed = <T>(value: T): ParseResult<T> => ({ ok: true, value });
export const parseFail = (code: ErrorCode, message: string, details?: Record<string, unknown>): ParseResult<never> => ({
  ok: false,
  error: details ? { code, message, details } : { code, message },
});
