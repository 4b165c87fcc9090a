// Security verbs of the CLI. (Filled by the security work.)
import type { Verb } from '../verb';

export const securityVerbs: Verb[] = [];
