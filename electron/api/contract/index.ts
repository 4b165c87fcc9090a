// The one API contract: every call's name, input schema, output type and required role.
// Pure (zod and types only): the renderer, the preload and the main process all import it.
import type { z } from 'zod';
import { authCalls } from './auth';
import type { CallDef } from './define';
import { systemCalls } from './system';
import { policyCalls } from './policy';
import { centerCalls } from './center';
import { settlementCalls } from './settlement';
import { deviceCalls } from './device';
import { shiftCalls } from './shift';
import { securityCalls } from './security';
import { clinicCalls } from './clinic';
import { mappingCalls } from './mapping';
import { clearingCalls } from './clearing';
import { stockCalls } from './stock';
import { inpatientCalls } from './inpatient';

export const contract = {
  ...systemCalls,
  ...authCalls,
  ...policyCalls,
  ...centerCalls,
  ...settlementCalls,
  ...deviceCalls,
  ...shiftCalls,
  ...securityCalls,
  ...clinicCalls,
  ...mappingCalls,
  ...clearingCalls,
  ...stockCalls,
  ...inpatientCalls,
} satisfies Record<string, CallDef>;

export type Contract = typeof contract;
export type CallName = keyof Contract;
export type CallInput<N extends CallName> = z.input<Contract[N]['input']>;
export type CallParsedInput<N extends CallName> = z.output<Contract[N]['input']>;
export type CallOutput<N extends CallName> = Contract[N] extends CallDef<z.ZodType, infer O> ? O : never;

export const callNames = Object.keys(contract) as CallName[];
