// The hospital window's center steps, protocol-neutral (issue 19). One function per step: it
// takes typed facts (the stay, the center's stay id, fee lines, amounts in fen), builds the
// message of the protocol (national: wire/national/inpatient.ts through the signed-in national
// session, 9001 on demand; ours: wire/inpatient.ts through the client's /tx), sends it ONCE under
// the caller's msgid and classifies the answer as the existing CenterOutcome, with a typed value
// on success. Nothing here stores anything: the caller (the inpatient part's outbox sender)
// writes the msgid before sending and applies the outcome after, exactly as for a 2207.
//
// How to call it (inpt-core's outbox sender):
//
//   const center = inpatientCenter(portOfCenterPart(deps.center));
//   const o = await center.admit(stayFacts, { msgid: row.msgid, timeoutMs, operator });
//   if (o.kind === 'success') stays.setCenterId(stayId, o.value.centerStayId);
//   // o.kind 'rejected' (final; o.code, o.message) | 'busy' (nothing done; same msgid later) |
//   // 'unknown' (maybe done; send again under the SAME msgid: the center answers a repeat from
//   // its store). code 'ANSWER_INVALID' on unknown = the center answered, but not in a shape we
//   // take (nothing of it is used); the same msgid again gets its stored answer.
//   await center.uploadFees({ psnNo, centerStayId }, medType, lines, opts);     // → value.lines[]
//   await center.revokeFees(ref, 'all' | ['sn1', 'sn2'], opts);
//   await center.discharge(ref, { insutype }, dischargeFacts, opts);
//   await center.preSettle(ref, settleFacts, opts);                              // → value: StaySettlement (no setlId)
//   await center.settle(ref, settleFacts, opts);                                 // → value: StaySettlement
//   await center.cancelSettlement(ref, setlId, opts); undoDischarge / cancelAdmission / change
//
// `opts.protocol` sends under the protocol an item was written under (default: the port's).
// A settlement's success carries `output` in the shape a 2207's answer has ({ setlinfo: yuan
// strings, setl_id, mdtrt_id }), so outbox/outcome.ts's upload path applies it as it is; the
// same figures are in `value.amounts` as fen.
import { AppError } from '../../api/result';
import type { CenterPart } from '../part';
import type { CenterOutcome, SendOptions } from '../client';
import { moneyToFen } from '../wire/national/decimal';
import {
  admit2401, admit2401Output, cancelAdmission2404, cancelSettlement2305, change2403, discharge2402, fees2301, fees2301Output, INPATIENT_INFNO, preSettle2303,
  revokeFees2302, settle2304, settle2304Output, undoDischarge2405, type DischargeFacts, type StayFacts, type StayFeeLine, type StayRef, type StaySettleFacts,
} from '../wire/national/inpatient';
import { amountsOfSetlinfo, setlinfoOfAmounts, type NationalAmounts } from '../wire/national/messages';
import { ourAdmit2401, ourChange2403, ourPreSettle2303, ourSettle2304, type OurSettleExtras } from '../wire/inpatient';
import { fenToYuan } from '../../api/money';

export type CenterProtocol = 'simple' | 'national';

/** How the adapter reaches the center: our /tx, and the national session (signed in on demand). */
export interface InpatientCenterPort {
  protocol(): CenterProtocol;
  send(infno: string, input: object, opts: SendOptions): Promise<CenterOutcome>;
  sendNational(infno: string, input: object, opts: SendOptions): Promise<CenterOutcome>;
}

/** The port over the app's center part (the same exchanges the trace reports use). */
export function portOfCenterPart(center: Pick<CenterPart, 'client' | 'national'>): InpatientCenterPort {
  return {
    protocol: () => (center.national.enabled ? 'national' : 'simple'),
    send: (infno, input, opts) => center.client.send(infno, input, opts),
    sendNational: (infno, input, opts) => center.national.send(infno, input, opts),
  };
}

export interface StepOptions {
  /** The item's own message id, written before sending; the same id on every resend. */
  msgid: string;
  timeoutMs?: number;
  operator?: { id: string; name: string };
  /** The person's insurance region (insuplc_admdvs, from 1101). */
  insuplcAdmdvs?: string;
  /** The protocol the item was written under; default the port's. */
  protocol?: CenterProtocol;
}

/** A success with what the step means, typed; the other outcomes as the wire classified them. */
export type InpatientOutcome<T> =
  | (Extract<CenterOutcome, { kind: 'success' }> & { value: T; warning?: string })
  | Extract<CenterOutcome, { kind: 'rejected' }>
  | Extract<CenterOutcome, { kind: 'busy' }>
  | (Extract<CenterOutcome, { kind: 'unknown' }> & { code?: 'ANSWER_INVALID' });

/** 2301: the center's figures for one line (fen; the ratio as a 4-place decimal string). */
export interface CenterFeeLine {
  feedetlSn: string;
  amount: number;
  fullOwnPay: number;
  overLimitSelfPay: number;
  preSelfPay: number;
  eligible: number;
  selfPayRatio: string;
  /** 甲 A / 乙 B / 丙 C from chrgitm_lv 01 / 02 / 03; null for a level we do not know. */
  itemClass: 'A' | 'B' | 'C' | null;
  memo: string | null;
}

/** 2303 / 2304 (and 2305, negated): the center's settlement. */
export interface StaySettlement {
  /** The center's settlement id (2304, 2305); null for a pre-settlement. */
  setlId: string | null;
  centerStayId: string;
  /** fen. The national setlinfo has no co-pay amount: see coPay. */
  amounts: NationalAmounts;
  /** pool_prop_selfpay where the center gave it (ours does), else null. */
  coPay: number | null;
  /** The personal account's balance after it, fen; null when not answered. */
  accountBalance: number | null;
  setlTime: string | null;
  /** 21 for an inpatient settlement (clr_type), as answered. */
  clrType: string | null;
  /** Ours: whether the center's split differed from the window's (2207's stmt). */
  stmt: 'accepted' | 'adjusted' | null;
}

type Ok = Record<string, never>;

const CLASS_OF_LEVEL: Record<string, 'A' | 'B' | 'C'> = { '01': 'A', '02': 'B', '03': 'C' };

function sendStep(port: InpatientCenterPort, infno: string, input: object, o: StepOptions): Promise<CenterOutcome> {
  const protocol = o.protocol ?? port.protocol();
  const opts: SendOptions = {
    msgid: o.msgid,
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.operator ? { operator: o.operator } : {}),
    ...(o.insuplcAdmdvs ? { insuplcAdmdvs: o.insuplcAdmdvs } : {}),
  };
  return protocol === 'national' ? port.sendNational(infno, input, opts) : port.send(infno, input, opts);
}

/** The answer's value, or an unknown outcome naming what was wrong with it (never a throw). */
async function step<T>(port: InpatientCenterPort, infno: string, build: () => object, o: StepOptions, read: (output: unknown) => T | string): Promise<InpatientOutcome<T>> {
  let input: object;
  try {
    input = build();
  } catch (e) {
    // A price or quantity the wire cannot carry: nothing was sent, and sending again cannot help.
    const code = e instanceof AppError ? e.code : 'INVALID_INPUT';
    return { kind: 'rejected', msgid: o.msgid, code, message: `报文未发送：${e instanceof Error ? e.message : String(e)}` };
  }
  const out = await sendStep(port, infno, input, o);
  if (out.kind !== 'success') return out;
  let value: T | string;
  try {
    value = read(out.output);
  } catch (e) {
    value = e instanceof Error ? e.message : String(e);
  }
  if (typeof value === 'string') {
    return { kind: 'unknown', msgid: out.msgid, code: 'ANSWER_INVALID', reason: `中心应答（${infno}）格式不正确，未采用：${value.slice(0, 300)}` };
  }
  const warning = (out as { warning?: unknown }).warning;
  return { ...out, value, ...(typeof warning === 'string' && warning ? { warning } : {}) };
}

const issue = (e: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string => {
  const i = e.issues[0];
  return i ? `${i.path.map(String).join('.') || '(整体)'} ${i.message}` : '';
};

const nothing = (): Ok => ({});

/** 2301's answer: every line sent answered once, each in fen. */
function readFees(sent: readonly StayFeeLine[]) {
  return (output: unknown): { lines: CenterFeeLine[] } | string => {
    const r = fees2301Output.safeParse(output);
    if (!r.success) return issue(r.error);
    const bySn = new Map<string, (typeof r.data.result)[number]>();
    for (const l of r.data.result) {
      if (bySn.has(l.feedetl_sn)) return `明细流水号 ${l.feedetl_sn.slice(0, 30)} 应答了两次`;
      bySn.set(l.feedetl_sn, l);
    }
    const lines: CenterFeeLine[] = [];
    for (const s of sent) {
      const l = bySn.get(s.feedetlSn);
      if (!l) return `明细流水号 ${s.feedetlSn} 没有应答`;
      lines.push({
        feedetlSn: l.feedetl_sn,
        amount: l.det_item_fee_sumamt,
        fullOwnPay: l.fulamt_ownpay_amt,
        overLimitSelfPay: l.overlmt_amt,
        preSelfPay: l.preselfpay_amt,
        eligible: l.inscp_scp_amt,
        selfPayRatio: l.selfpay_prop,
        itemClass: CLASS_OF_LEVEL[l.chrgitm_lv] ?? null,
        memo: l.memo ?? null,
      });
    }
    if (bySn.size !== sent.length) return `应答了 ${bySn.size} 条明细，上传的是 ${sent.length} 条`;
    return { lines };
  };
}

/**
 * A settlement's answer in fen, and the normalised output a 2207's answer has (canonical yuan
 * strings, so outbox/outcome.ts reads it whatever the center wrote: numbers or strings).
 */
function readSettlement(ref: StayRef, needsSetlId: boolean) {
  return (output: unknown): { value: StaySettlement; normalised: Record<string, unknown> } | string => {
    const r = settle2304Output.safeParse(output);
    if (!r.success) return issue(r.error);
    const s = r.data.setlinfo;
    const setlId = s.setl_id ?? (typeof (output as { setl_id?: unknown }).setl_id === 'string' ? (output as { setl_id: string }).setl_id : undefined);
    if (needsSetlId && !setlId) return '结算应答缺少结算ID（setl_id）';
    if (s.mdtrt_id && s.mdtrt_id !== ref.centerStayId) return `结算应答的就诊ID ${s.mdtrt_id.slice(0, 30)} 与本次住院（${ref.centerStayId}）不符`;
    if (s.psn_no && s.psn_no !== ref.psnNo) return '结算应答的人员编号与本次住院不符';
    const amounts = amountsOfSetlinfo(s);
    const coPay = moneyToFen(s.pool_prop_selfpay);
    const balance = s.balc ?? null;
    const stmtRaw = (output as { stmt?: unknown }).stmt;
    const stmt = stmtRaw === 'accepted' || stmtRaw === 'adjusted' ? stmtRaw : null;
    const value: StaySettlement = {
      setlId: setlId ?? null,
      centerStayId: ref.centerStayId,
      amounts,
      coPay,
      accountBalance: balance,
      setlTime: s.setl_time ?? null,
      clrType: s.clr_type ?? null,
      stmt,
    };
    const setlinfo: Record<string, unknown> = {
      ...setlinfoOfAmounts(amounts),
      ...(coPay !== null ? { pool_prop_selfpay: fenToYuan(coPay) } : {}),
      ...(setlId ? { setl_id: setlId } : {}),
      mdtrt_id: ref.centerStayId,
      psn_no: ref.psnNo,
      ...(balance !== null ? { balc: fenToYuan(balance) } : {}),
      ...(s.setl_time ? { setl_time: s.setl_time } : {}),
      ...(s.clr_type ? { clr_type: s.clr_type } : {}),
    };
    const normalised: Record<string, unknown> = { setlinfo, setldetail: r.data.setldetail, mdtrt_id: ref.centerStayId, ...(setlId ? { setl_id: setlId } : {}), ...(stmt ? { stmt } : {}) };
    return { value, normalised };
  };
}

async function settlementStep(port: InpatientCenterPort, infno: string, build: () => object, o: StepOptions, ref: StayRef, needsSetlId: boolean): Promise<InpatientOutcome<StaySettlement>> {
  const read = readSettlement(ref, needsSetlId);
  let normalised: Record<string, unknown> | null = null;
  const out = await step(port, infno, build, o, (output) => {
    const r = read(output);
    if (typeof r === 'string') return r;
    normalised = r.normalised;
    return r.value;
  });
  return out.kind === 'success' && normalised ? { ...out, output: normalised } : out;
}

/** Extras of our protocol's 2303 / 2304 (see wire/inpatient.ts); the national ignores them. */
export type SettleExtras = OurSettleExtras;

export interface InpatientCenter {
  /** 2401 → the center's stay id (mdtrt_id). */
  admit(stay: StayFacts, o: StepOptions): Promise<InpatientOutcome<{ centerStayId: string }>>;
  /** 2403: the stay as it now is. */
  change(ref: StayRef, stay: StayFacts, o: StepOptions): Promise<InpatientOutcome<Ok>>;
  /** 2404: only a stay without fees (the center refuses otherwise). */
  cancelAdmission(ref: StayRef, o: StepOptions): Promise<InpatientOutcome<Ok>>;
  /** 2301: one batch → the center's figures per line. */
  uploadFees(ref: StayRef, medType: string, lines: readonly StayFeeLine[], o: StepOptions): Promise<InpatientOutcome<{ lines: CenterFeeLine[] }>>;
  /** 2302: the named lines (a batch), or 'all' unsettled ("0000"). */
  revokeFees(ref: StayRef, which: 'all' | readonly string[], o: StepOptions): Promise<InpatientOutcome<Ok>>;
  /** 2402. */
  discharge(ref: StayRef, stay: { insutype: string }, d: DischargeFacts, o: StepOptions): Promise<InpatientOutcome<Ok>>;
  /** 2405: only while not settled. */
  undoDischarge(ref: StayRef, o: StepOptions): Promise<InpatientOutcome<Ok>>;
  /** 2303: the center's figures, nothing committed. */
  preSettle(ref: StayRef, f: StaySettleFacts, o: StepOptions & { extras?: SettleExtras }): Promise<InpatientOutcome<StaySettlement>>;
  /** 2304: committed; mid-stay when f.midStay. */
  settle(ref: StayRef, f: StaySettleFacts, o: StepOptions & { extras?: SettleExtras }): Promise<InpatientOutcome<StaySettlement>>;
  /** 2305: the settlement undone (the answer's amounts are the negated ones). */
  cancelSettlement(ref: StayRef, setlId: string, o: StepOptions): Promise<InpatientOutcome<StaySettlement>>;
}

export function inpatientCenter(port: InpatientCenterPort): InpatientCenter {
  const national = (o: StepOptions) => (o.protocol ?? port.protocol()) === 'national';
  const extrasOf = (x: SettleExtras | undefined): OurSettleExtras => x ?? {};
  return {
    admit: async (stay, o) => {
      const out = await step(port, INPATIENT_INFNO.admit, () => (national(o) ? admit2401(stay) : ourAdmit2401(stay)), o, (output) => {
        const r = admit2401Output.safeParse(output);
        if (!r.success) return `缺少就诊ID（mdtrt_id）：${issue(r.error)}`;
        if (r.data.psn_no && r.data.psn_no !== stay.psnNo) return '入院应答的人员编号与登记的不符';
        return { centerStayId: r.data.mdtrt_id };
      });
      // The stay id also at the top of the output, whichever key the center answered it under.
      return out.kind === 'success' ? { ...out, output: { mdtrt_id: out.value.centerStayId, answer: out.output ?? null } } : out;
    },
    change: (ref, stay, o) => step(port, INPATIENT_INFNO.change, () => (national(o) ? change2403(ref, stay) : ourChange2403(ref, stay)), o, nothing),
    cancelAdmission: (ref, o) => step(port, INPATIENT_INFNO.cancelAdmission, () => cancelAdmission2404(ref), o, nothing),
    uploadFees: (ref, medType, lines, o) => step(port, INPATIENT_INFNO.fees, () => fees2301(ref, medType, lines), o, readFees(lines)),
    revokeFees: (ref, which, o) => step(port, INPATIENT_INFNO.revokeFees, () => revokeFees2302(ref, which), o, nothing),
    discharge: (ref, stay, d, o) => step(port, INPATIENT_INFNO.discharge, () => discharge2402(ref, stay, d), o, nothing),
    undoDischarge: (ref, o) => step(port, INPATIENT_INFNO.undoDischarge, () => undoDischarge2405(ref), o, nothing),
    preSettle: (ref, f, o) =>
      settlementStep(port, INPATIENT_INFNO.preSettle, () => (national(o) ? preSettle2303(ref, f) : ourPreSettle2303(ref, f, extrasOf(o.extras))), o, ref, false),
    settle: (ref, f, o) => settlementStep(port, INPATIENT_INFNO.settle, () => (national(o) ? settle2304(ref, f) : ourSettle2304(ref, f, extrasOf(o.extras))), o, ref, true),
    cancelSettlement: (ref, setlId, o) => settlementStep(port, INPATIENT_INFNO.cancelSettlement, () => cancelSettlement2305(ref, setlId), o, ref, true),
  };
}
