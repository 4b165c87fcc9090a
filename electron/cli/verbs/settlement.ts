// Settlement verbs of the CLI. (Filled by the settlement work.)
import type { Verb } from '../verb';

export const settlementVerbs: Verb[] = [];
