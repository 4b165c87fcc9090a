// Shared by the national chain tests and their SIGKILL run: a chain spec for a demo person, and
// the independent check that the client's journal and the sandbox center agree one to one.
import { z } from 'zod';
import type { Db } from '../../../electron/db/open';
import { many, values } from '../../../electron/db/sql';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import { DEMO_PERSONS } from '../../../electron/center/sandbox/demo-persons';
import type { ChainSpec } from '../../../electron/center/national/chain-runner';
import { lineAmountFen } from '../../../electron/api/money';
import { CODES } from './helpers';

export const ZHANG = DEMO_PERSONS[0]!;

/** A two-line visit for a demo person (an employee with an account by default). */
export function chainSpec(n: number, person = ZHANG): ChainSpec {
  const lines = [
    { feedetlSn: '1', medListCodg: CODES.amoxicillin, medinsListCodg: 'H-AMX-01', unitPrice: '12.5', quantity: String(1 + (n % 3)) },
    { feedetlSn: '2', medListCodg: CODES.cefuroxime, medinsListCodg: 'H-CEF-02', unitPrice: '36.8', quantity: '1' },
  ].map((l) => ({ ...l, amount: lineAmountFen(l.unitPrice, l.quantity)! }));
  return {
    psnNo: person.psn_no, insutype: person.insutype, certType: '02', certNo: person.certno, insuplcAdmdvs: person.insuplc_admdvs,
    medType: '11', begntime: '2026-03-15 09:00:00', iptOtpNo: `OP${String(n).padStart(6, '0')}`,
    doctor: { no: 'D01', name: '医生甲' }, dept: { code: 'A03', name: '内科' }, diagnoses: [{ code: 'J06.900', name: '急性上呼吸道感染' }],
    lines, chrgBchno: 'B001', useAccount: true, operator: { id: '1001', name: '收费员甲' },
  };
}

export interface Agreement {
  settled: number;
  undone: number;
  open: number;
  problems: string[];
}

const ChainRow = z.object({ chain_id: z.string(), state: z.string(), mdtrt_id: z.string().nullable(), setl_id: z.string().nullable() });
const LiveRow = z.object({ setl_id: z.string(), msgid: z.string(), mdtrt_id: z.string() });
const MsgidRow = z.object({ msgid: z.string() });

/**
 * The client's journal against the center's own tables, read independently of the runner:
 * a settled chain has exactly one live settlement at the center, made by the 2207 the journal
 * names; an undone chain leaves its visit cancelled with no live lines or settlement; the
 * center holds no live settlement and no open visit that no settled chain accounts for.
 */
export function checkAgreement(db: Db, center: SandboxCenter): Agreement {
  const problems
: string[] = [];
  const chains = many(db, 'SELECT chain_id, state, mdtrt_id, setl_id FROM national_chains', {}, ChainRow);
  const live = many(
    center.db,
    "SELECT s.setl_id, s.msgid, n.mdtrt_id FROM settlements s JOIN nat_settlements n ON n.setl_id = s.setl_id WHERE s.kind = 'settle' AND s.state = 'active' AND s.cancelled_by IS NULL",
    {},
    LiveRow,
  );
  const openVisits = values(center.db, "SELECT mdtrt_id FROM nat_visits WHERE state = 'open'", {}, z.string());
  const liveByVisit = new Map<string, string[]>();
  for (const s of live) liveByVisit.set(s.mdtrt_id, [...(liveByVisit.get(s.mdtrt_id) ?? []), s.setl_id]);
  const settledVisits = new Set<string>();
  let settled = 0;
  let undone = 0;
  let open = 0;
  for (const c of chains) {
    if (c.state === 'settled') {
      settled++;
      settledVisits.add(c.mdtrt_id ?? '');
      const at = liveByVisit.get(c.mdtrt_id ?? '') ?? [];
      if (at.length !== 1 || at[0] !== c.setl_id) problems.push(`${c.chain_id}: settled as ${c.setl_id}, center has ${JSON.stringify(at)}`);
      const made = many(db, "SELECT msgid FROM national_steps WHERE chain_id = :chainId AND infno = '2207' AND state = 'success'", { chainId: c.chain_id }, MsgidRow);
      const byMsg = live.find((s) => s.setl_id === c.setl_id)?.msgid;
      if (made.length !== 1 || made[0]!.msgid !== byMsg) problems.push(`${c.chain_id}: journal's 2207 ${JSON.stringify(made)} is not the center's ${byMsg}`);
    } else if (c.state === 'undone') {
      undone++;
      if (c.mdtrt_id && liveByVisit.has(c.mdtrt_id)) problems.push(`${c.chain_id}: undone but the center settled ${JSON.stringify(liveByVisit.get(c.mdtrt_id))}`);
      if (c.mdtrt_id && openVisits.includes(c.mdtrt_id)) problems.push
(`${c.chain_id}: undone but its visit ${c.mdtrt_id} is open at the center`);
    } else {
      open++;
      problems.push(`${c.chain_id}: still ${c.state}`);
    }
  }
  for (const s of live) if (!settledVisits.has(s.mdtrt_id)) problems.push(`center settled ${s.setl_id} (visit ${s.mdtrt_id}) that no settled chain holds: 单边账`);
  for (const v of openVisits) if (!settledVisits.has(v)) problems.push(`center has visit ${v} open that no settled chain holds`);
  return { settled, undone, open, problems };
}
