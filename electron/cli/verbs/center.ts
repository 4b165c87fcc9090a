// Center verbs of the CLI. (Filled by the center work.)
import type { Verb } from '../verb';

export const centerVerbs: Verb[] = [];
