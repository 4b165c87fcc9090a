// The hospital window's calls (electron/api/contract/inpatient.ts), typed by that contract. A
// wrapper rather than api.call directly so the screen builds whether or not the contract index
// has registered the inpatient calls yet (the inpatient part registers them with its handlers);
// hasInpatient() says whether this build's contract has them (otherwise the screen says so).
import type { z } from 'zod';
import type { CallDef } from '../../../electron/api/contract/define';
import type { inpatientCalls } from '../../../electron/api/contract/inpatient';
import type { ApiResult } from '../../../electron/api/result';
import { api } from '../api/client';
import { hasCall } from '../api/capabilities';

type Calls = typeof inpatientCalls;
export type InpatientCall = keyof Calls;
type Input<N extends InpatientCall> = z.input<Calls[N]['input']>;
type Output<N extends InpatientCall> = Calls[N] extends CallDef<z.ZodType, infer O> ? O : never;

/** The untyped entry of the client: the name is checked by the transport and the main process. */
const untyped = api as unknown as { call(name: string, input: unknown): Promise<ApiResult<unknown>> };

export function ipCall<N extends InpatientCall>(name: N, input: Input<N>): Promise<ApiResult<Output<N>>> {
  return untyped.call(name, input) as Promise<ApiResult<Output<N>>>;
}

export function hasInpatient(): boolean {
  return hasCall('inpatient.list');
}
