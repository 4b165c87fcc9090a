// Policy verbs of the CLI. (Filled by the policy work.)
import type { Verb } from '../verb';

export const policyVerbs: Verb[] = [];
