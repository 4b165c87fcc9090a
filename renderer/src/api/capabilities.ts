// Which calls this build's contract has. Screens whose calls are missing show themselves
// disabled with a note instead of inventing data.
import { callNames } from '../../../electron/api/contract';

const names = new Set<string>(callNames);

export function hasCall(name: string): boolean {
  return names.has(name);
}
