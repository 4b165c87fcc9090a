// Shared by the settlement integration tests, the crash child, the long runs and the bench:
// a sandbox center on 127.0.0.1, a client data dir prepared against it, and random bills.
import { startSandboxCenter, type SandboxCenter } from '../../../electron/center/sandbox/server';
import { DEMO_PERSONS } from '../../../electron/center/sandbox/demo-persons';
import { createApp, type App } from '../../../electron/app/create-app';
import type { Clock } from '../../../electron/app/clock';
import type { SettleInput } from '../../../electron/api/contract/settlement';
import { seedDemoOperators } from '../../../electron/auth/demo-operators';
import { rng } from '../../../electron/policy/generate';

export const INSTITUTION = { code: 'H99010000001', secret: 'sandbox-secret-0001' };

export function startCenter(dataDir: string, clock?: Clock): Promise<SandboxCenter> {
  return startSandboxCenter({ dataDir, institutionCode: INSTITUTION.code, secret: INSTITUTION.secret, port: 0, controlPort: null, ...(clock ? { clock } : {}) });
}

/** Demo persons who can be settled (insured, card valid, local region). */
export const SETTLEABLE = DEMO_PERSONS.filter((p) => !/暂停|过有效期|异地/.test(p.note ?? ''));

/** Outpatient items of the demo catalog (A, B, a price-capped A, a C item). */
export const ITEMS = [
  { code: 'XJ01CAA040A001010101445', unitPrice: '12.50' },
  { code: 'XJ01DCC040A001010101234', unitPrice: '28.00' },
  { code: 'XC10AAA050A001010104321', unitPrice: '45.30' },
  { code: 'XN02BEA010A001010105555', unitPrice: '4.20' },
  { code: 'XA11GAA001E001010100999', unitPrice: '15.00' },
  { code: '001102000010000', unitPrice: '10.00' },
  { code: '250101015000000', unitPrice: '20.00' },
];

/** The generator's deterministic PRNG (mulberry32), so failures can be replayed from the seed. */
export { rng };

export function randomBill(r: () => number, personIndex?: number): SettleInput {
  const p = SETTLEABLE[personIndex ?? Math.floor(r() * SETTLEABLE.length)]!;
  const n = 1 + Math.floor(r() * 3);
  const items = Array.from({ length: n }, () => {
    const it = ITEMS[Math.floor(r() * ITEMS.length)]!;
    return { code: it.code, unitPrice: it.unitPrice, quantity: String(1 + Math.floor(r() * 3)) };
  });
  return { person: { certType: '02', certNo: p.certno }, visit: { visitType: 'outpatient' }, items, useAccount: r() < 0.7 };
}

export interface ClientOptions {
  dataDir: string;
  centerUrl: string;
  clock?: Clock;
  flags?: Record<string, string>;
}

/** A client app on `dataDir` talking to the given center. */
export function openClient(o: ClientOptions): Promise<App> {
  return createApp({
    dataDir: o.dataDir,
    runtime: 'test',
    env: {},
    flags: { centerUrl: o.centerUrl, institutionCode: INSTITUTION.code, institutionSecret: INSTITUTION.secret, ...(o.flags ?? {}) },
    ...(o.clock ? { clock: o.clock } : {}),
  });
}

/** First start of a client: policy synced, every settleable person looked up once, a shift open for 1001. */
export async function prepareClient(app: App): Promise<void> {
  // A configured center URL is not demo mode, so the demo operators are added here.
  seedDemoOperators(app.auth);
  await app.center.probeNow();
  await app.center.syncPolicy();
  for (const p of SETTLEABLE) await app.center.lookupPerson({ certType: '02', certNo: p.certno });
  if (!app.shift.currentShiftId('1001')) app.shift.shifts.open('1001', [{ denomination: 10000, count: 5 }]);
}
