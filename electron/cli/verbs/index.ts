// Every verb of `npm run cli`, gathered from the parts.
import type { Verb } from '../verb';
import { centerVerbs } from './center';
import { clinicVerbs } from './clinic';
import { deviceVerbs } from './device';
import { policyVerbs } from './policy';
import { securityVerbs } from './security';
import { settlementVerbs } from './settlement';
import { shiftVerbs } from './shift';
import { systemVerbs } from './system';

export const verbs: Verb[] = [
  ...systemVerbs,
  ...policyVerbs,
  ...centerVerbs,
  ...settlementVerbs,
  ...deviceVerbs,
  ...shiftVerbs,
  ...securityVerbs,
  ...clinicVerbs,
];
