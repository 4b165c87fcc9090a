// A refusal asserted by its code, for calls that throw rather than answer an ApiResult (the
// center's national lookups and reconciliation): app-call.ts callCode is the same for app calls.
import { AppError } from '../../electron/api/result';

/** 'OK' when `p` resolves; otherwise the AppError's code (any other error as text). */
export async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    return e instanceof AppError ? e.code : String(e);
  }
}
