// Shared setup for the center tests: a real sandbox center on 127.0.0.1 with its own SQLite
// file, and a real client on a migrated app database file.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../../electron/app/clock';
import { silentLogger } from '../../../electron/app/log';
import { CenterClient, type CenterClientConfig } from '../../../electron/center/client';
import { startSandboxCenter, type SandboxCenter, type SandboxOptions } from '../../../electron/center/sandbox/server';
import { computeSplit } from '../../../electron/policy/split';
import type { BillItem, SplitResult, Visit } from '../../../electron/policy/split/types';
import type { PersonView } from '../../../electron/api/contract/center';
import { openDatabase, type Db } from '../../../electron/db/open';
import { visitTypeToMedType, type VisitType } from '../../../electron/center/wire/codes';
import { amountsToWire } from '../../../electron/center/wire/settlement';
import { fenToYuan } from '../../../electron/api/money';
import { tempDir } from '../../helpers/temp-app';

export const INSTITUTION = 'H99010000001';
export const SECRET = 'sandbox-secret-0001';

export interface Rig {
  dir: string;
  clock: ManualClock;
  center: SandboxCenter;
  db: Db;
  client: CenterClient;
  /** Another client on the same database (a second process), e.g. with a wrong secret. */
  clientWith(over: Partial<CenterClientConfig>): CenterClient;
  close(): Promise<void>;
}

export async function startRig(opts: Partial<SandboxOptions> = {}): Promise<Rig> {
  const dir = tempDir('center-test-');
  const clock = new ManualClock(new Date('2026-03-15T09:00:00+08:00'));
  const center = await startSandboxCenter({ dataDir: join(dir, 'sandbox'), institutionCode: INSTITUTION, secret: SECRET, clock, controlPort: 0, ...opts });
  const { db } = openDatabase({ file: join(dir, 'cashier.db') });
  const clients: CenterClient[] = [];
  const clientWith = (over: Partial<CenterClientConfig>) => {
    const c = new CenterClient(db, clock, silentLogger, {
      url: center.url,
      institutionCode: INSTITUTION,
      terminalNo: '01',
      institutionName: '示范社区卫生服务中心',
      institutionSecret: SECRET,
      areaCode: '990100',
      caFile: '',
      ...over,
    });
    clients.push(c);
    return c;
  };
  const client = clientWith({});
  return {
    dir,
    clock,
    center,
    db,
    client,
    clientWith,
    async close() {
      for (const c of clients) c.close();
      await center.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The client side of a settlement: split locally from what 1101 said, build the 2207 input. */
export function localSettlement(
  center: SandboxCenter,
  person: PersonView,
  visit: Visit & { visitType: VisitType },
  items: BillItem[],
  medinsSetlId: string,
  offline = false,
): { result: SplitResult; input: object } {
  const out = computeSplit(center.currentPolicy(), { insuranceType: person.insuranceType, personGroup: person.personGroup, status: person.status, accountBalance: person.accountBalance, accumulators: person.accumulators }, visit, items);
  if (!out.ok) throw new Error(`local split failed: ${out.error.code} ${out.error.message}`);
  const r = out.result;
  return {
    result: r,
    input: {
      setlinfo: {
        medins_setl_id: medinsSetlId,
        psn_no: person.psnNo,
        mdtrt_cert_type: '02',
        mdtrt_cert_no: person.certNo,
        insutype: person.insutype,
        psn_type: person.psnType,
        med_type: visitTypeToMedType(visit.visitType),
        hosp_lv: String(visit.hospitalLevel),
        setl_time: `${visit.date} 10:00:00`,
        dise_codg: visit.diagnoses ?? [],
        acct_used_flag: visit.useAccount === false ? '0' : '1',
        policy_seq: center.currentPolicy().seq,
        offline_flag: offline ? '1' : '0',
        ...amountsToWire(r),
      },
      feedetail: items.map((it, i) => ({ feedetl_sn: String(i + 1), med_list_codg: it.code, pric: it.unitPrice, cnt: it.quantity, det_item_fee_sumamt: fenToYuan(r.items[i]!.amount), own_pay_flag: it.ownPay ? '1' : '0' })),
    },
  };
}

/** Codes from the sample table (kept in the demo catalog). */
export const CODES = {
  amoxicillin: 'XJ01CAA040A001010101445', // A
  cefuroxime: 'XJ01DCC040A001010101234', // B 0.1
  consult: '001102000010000', // A, cap 10.00
  bloodTest: '250101015000000', // A
  vitaminC: 'XA11GAA001E001010100999', // C
};
