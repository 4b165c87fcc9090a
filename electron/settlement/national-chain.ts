// The window's settlement in the national protocol (issue 16, centerProtocol = national): what a
// committed settlement becomes as a national chain (2201 → 2203 → 2204 → 2206 → 2207), and what
// the chain's end means for the outbox item that carries it. The chain itself is run by
// center/national/chain-runner.ts from its own journal; the outbox item (one per chain,
// outbox/store.ts enqueueChain) keeps the person's commit order, the retries, the deadline and
// the queue screen, exactly as for a simple-protocol upload. The center's 2207 answer is then
// applied by outbox/outcome.ts like a 2207 of the simple protocol: its figures become the record
// and every difference from the local split is an adjustment.
import type { OutboxChainView } from '../api/contract/settlement';
import { chinaDateTime } from '../app/clock';
import type { ChainSpec, NationalChainRunner } from '../center/national/chain-runner';
import type { ChainStore } from '../center/national/chain-store';
import type { FeeLine } from '../center/wire/national/messages';
import type { ChainDriver } from '../outbox/worker';
import { CHAIN_UNDO_INFNO, chainIdOf, type OutboxRow } from '../outbox/store';
import { MED_TYPE } from './mapping';
import type { CenterOutcome } from './ports';

/**
 * The national code (医保目录编码) a line of the clinic's own code is sent under in 2204
 * (med_list_codg; the clinic's code goes as medins_list_codg). The seam of the catalog mapping
 * (对照, 3301): until a mapping is configured, the clinic's code is taken as the national one —
 * which is what the demo catalog and the sandbox center use.
 */
export type NationalCodeFor = (clinicCode: string) => string;
export const sameCode: NationalCodeFor = (clinicCode) => clinicCode;

/** The chain's id for a settlement: one chain per settlement, found again from either side. */
export function chainIdFor(settlementId: string): string {
  return `NC${settlementId}`;
}

/** What of a committed settlement the chain carries. */
export interface WindowSettlementFacts {
  settlementId: string;
  now: Date;
  person: { psnNo: string; insutype: string; insuplcAdmdvs?: string };
  credential: { certType: '01' | '02' | '03'; certNo: string };
  visit: { visitType: string; date: string; diagnoses: string[]; useAccount: boolean };
  lines: readonly { lineNo: number; code: string; unitPrice: string; quantity: string; amount: number; ownPay: boolean }[];
  operator: { id: string; name: string };
}

/** The chain spec of a window settlement (ChainSpec: the person, the visit, its fee lines). */
export function chainSpecFor(f: WindowSettlementFacts, nationalCodeFor: NationalCodeFor = sameCode): ChainSpec {
  const fee: FeeLine[] = f.lines.map((l) => ({
    feedetlSn: String(l.lineNo),
    medListCodg: nationalCodeFor(l.code),
    medinsListCodg: l.code,
    unitPrice: l.unitPrice,
    quantity: l.quantity,
    amount: l.amount,
    ...(l.ownPay ? { ownPay: true } : {}),
  }));
  // The visit's day with the moment of settling: the center's policy is that of the visit's day.
  const begntime = `${f.visit.date} ${chinaDateTime(f.now).slice(11)}`;
  return {
    psnNo: f.person.psnNo,
    insutype: f.person.insutype,
    certType: f.credential.certType,
    certNo: f.credential.certNo,
    ...(f.person.insuplcAdmdvs ? { insuplcAdmdvs: f.person.insuplcAdmdvs } : {}),
    medType: MED_TYPE[f.visit.visitType] ?? '11',
    begntime,
    // The clinic's own visit number and fee batch: the settlement id, unique without coordination.
    iptOtpNo: f.settlementId,
    // The window knows no doctor or department (the bill's HIS does not send them): the cashier
    // registers the visit, under the outpatient department.
    doctor: { no: f.operator.id, name: f.operator.name },
    dept: { code: 'A03', name: '门诊' },
    // The bill carries diagnosis codes only; the code stands for its name.
    diagnoses: f.visit.diagnoses.map((code) => ({ code, name: code })),
    lines: fee,
    chrgBchno: f.settlementId,
    useAccount: f.visit.useAccount,
    operator: f.operator,
  };
}

/** A chain's progress as the queue screen shows it (the contract's view of it). */
export type ChainProgress = OutboxChainView;

/**
 * Drives the outbox's chain items through the runner and turns the chain's end into the item's
 * answer (outbox/outcome.ts applies it, as for one message):
 * - an upload chain settled → success with the center's 2207 answer (its setlinfo, setl_id,
 *   mdtrt_id): confirmed, or adjusted where it differs from the local split;
 * - refused and undone at the center → rejected with the center's reason (the settlement shows
 *   it and goes to the supervisor's rejection list; nothing is left at the center);
 * - still under way (busy, answer lost, offline) → busy / unknown: driven again later, from the
 *   journal, never started afresh;
 * - blocked (an undo the center refused) → unknown with the reason: stays open and visible in
 *   the queue for a person to look at (its settlement is neither confirmed nor rejected).
 * A refund's item (kind cancel / reversal) first journals the undoing (runner.cancel), then drives
 * it: the chain undone → success with the center's 2208 answer when there was one.
 */
export class NationalChainDriver implements ChainDriver {
  constructor(
    private readonly runner: NationalChainRunner,
    private readonly store: ChainStore,
  ) {}

  async drive(row: OutboxRow): Promise<CenterOutcome> {
    const chainId = chainIdOf(row);
    if (!chainId || !this.store.get(chainId)) {
      return { kind: 'unknown', msgid: row.msgid, reason: `结算链 ${chainId ?? '(无)'} 不在本机日志中，请联系技术支持` };
    }
    const undo = row.infno === CHAIN_UNDO_INFNO;
    if (undo) this.runner.cancel(chainId, `退费 ${row.settlement_id}`);
    const r = await this.runner.drive(chainId);
    switch (r.kind) {
      case 'settled':
        if (undo) return { kind: 'unknown', msgid: row.msgid, reason: '结算链仍为已结算状态，退费撤销尚未开始' };
        return {
          kind: 'success',
          msgid: row.msgid,
          refmsgid: this.lastMsgid(chainId, '2207') ?? '',
          output: this.rawAnswer(chainId),
          // What the center priced on the way (2204 line by line, 2206): every difference is kept.
          evidence: { fees: this.standingAnswer(chainId, '2204'), preSettlement: this.standingAnswer(chainId, '2206') },
        };
      case 'undone':
        if (undo) return { kind: 'success', msgid: row.msgid, refmsgid: this.lastMsgid(chainId, '2208') ?? '', output: this.cancelAnswer(chainId) };
        return { kind: 'rejected', msgid: row.msgid, code: r.refusal.code || 'CHAIN_REFUSED', message: `${r.refusal.infno} 被拒绝：${r.refusal.message}（已按顺序撤销，中心无遗留）`, output: { infno: r.refusal.infno, reject_code: r.refusal.code } };
      case 'blocked':
        return { kind: 'unknown', msgid: row.msgid, reason: `结算链需人工核实：${r.reason}` };
      case 'pending':
        return { kind: 'unknown', msgid: row.msgid, reason: `结算链未完成（${this.where(chainId)}）：${r.reason}` };
    }
  }

  /** The chain of a settlement (its upload), for the queue screen. */
  progress(chainId: string): ChainProgress | undefined {
    const p = this.store.progress(chainId);
    return p && { chainId, ...p };
  }

  /** The center's 2207 answer as it came (yuan strings: outcome.ts reads it as any 2207's). */
  private rawAnswer(chainId: string): unknown {
    const step = this.store.steps(chainId).filter((s) => s.purpose === 'forward' && s.infno === '2207' && s.output !== null && (s.state === 'success' || s.state === 'undone')).at(-1);
    return step ? (JSON.parse(step.output!) as unknown) : null;
  }

  /** The answer of the forward step of `infno` that stands (the last one the center took), or undefined. */
  private standingAnswer(chainId: string, infno: string): unknown {
    const step = this.store.steps(chainId).filter((s) => s.purpose === 'forward' && s.infno === infno && s.state === 'success' && s.output !== null).at(-1);
    return step ? (JSON.parse(step.output!) as unknown) : undefined;
  }

  /** The 2208 answer of a refund's undoing (the center's negated figures), or null (nothing was settled). */
  private cancelAnswer(chainId: string): unknown {
    const step = this.store.steps(chainId).filter((s) => s.purpose === 'undo' && s.infno === '2208' && s.output !== null).at(-1);
    return step ? (JSON.parse(step.output!) as unknown) : null;
  }

  private lastMsgid(chainId: string, infno: string): string | null {
    return this.store.steps(chainId).filter((s) => s.infno === infno).at(-1)?.msgid ?? null;
  }

  private where(chainId: string): string {
    const p = this.store.progress(chainId);
    return p?.infno ? `${p.infno} ${p.msgid ?? ''} ${p.stepState ?? ''}`.trim() : '尚未发送';
  }
}
