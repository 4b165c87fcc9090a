// Devices verbs of the CLI. (Filled by the device work.)
import type { Verb } from '../verb';

export const deviceVerbs: Verb[] = [];
