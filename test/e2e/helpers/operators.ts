// The demo operators the stories log in as, read from the seed itself
// (electron/auth/demo-operators.ts): a change of the demo PINs changes every story with it.
import { DEMO_OPERATORS } from '../../../electron/auth/demo-operators';

function demo(id: string): { id: string; pin: string } {
  const o = DEMO_OPERATORS.find((d) => d.id === id);
  if (!o) throw new Error(`no demo operator ${id}`);
  return { id: o.id, pin: o.pin };
}

export const CASHIER = demo('1001');
export const SUPERVISOR = demo('2001');

/** The two window sizes every story of issue 13 runs at. */
export const VIEWPORTS = [
  { width: 1024, height: 768 },
  { width: 1366, height: 768 },
] as const;
