// How a call is declared. Pure (zod only) so the renderer and the preload may import it.
import type { z } from 'zod';
import type { RequiredRole } from '../roles';

export interface CallDef<I extends z.ZodType = z.ZodType, O = unknown> {
  /** zod schema the dispatch checks the input against before anything runs. */
  readonly input: I;
  /** Least role allowed to make the call. */
  readonly role: RequiredRole;
  /** Whether a successful call is written to the audit log. */
  readonly audit: boolean;
  /** One line for docs and logs. */
  readonly summary: string;
  /** Phantom: the output type, never set at run time. */
  readonly __output?: O;
}

/**
 * Declare a call: `call({input, role, summary}).returns<Output>()`.
 * The two steps let the output type be written out while the input type is inferred.
 */
export function call<I extends z.ZodType>(def: {
  input: I;
  role: RequiredRole;
  summary: string;
  audit?: boolean;
}) {
  return {
    returns<O>(): CallDef<I, O> {
      return { input: def.input, role: def.role, summary: def.summary, audit: def.audit ?? false };
    },
  };
}
