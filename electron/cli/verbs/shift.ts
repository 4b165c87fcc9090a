// Shift verbs of the CLI. (Filled by the shift work.)
import type { Verb } from '../verb';

export const shiftVerbs: Verb[] = [];
