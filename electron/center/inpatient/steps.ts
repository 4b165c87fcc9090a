// The stay queue's steps → the inpatient adapter (client.ts). The inpatient part writes each
// step's facts when it commits (a JSON payload per outbox row: `{stayId, psnNo, …}` by kind) and
// its sender hands them here with the stay's center id filled in at send time; this turns them
// into the typed facts of one adapter call and the adapter's answer into the output the sender
// applies:
//   admit            → output.mdtrt_id
//   settle (2304)    → output in 2207's layout ({setlinfo: yuan strings, setl_id, mdtrt_id})
//   preSettle (2303) → output.setlinfo in fen under our names (total, fundPay,
//                      criticalIllnessPay, accountPay, cashPay, personalTotal …) beside the wire ones
// What the stored facts do not carry (the certificate and insutype for 2304, the center's
// setl_id for 2305, the national code of a clinic code) comes from the deps, read at send time.
// Facts that do not read as their kind's are never sent: `unknown`, held and shown.
import { z } from 'zod';
import type { CenterOutcome } from '../client';
import type { StayFacts, StayFeeLine, StayRef } from '../wire/national/inpatient';
import { SYSTEM_OPERATOR } from '../national/session';
import type { InpatientCenter, InpatientOutcome, StaySettlement } from './client';

/** A queued step as the inpatient sender passes it (its facts as written at commit). */
export interface StayStepMessage {
  kind: string;
  infno: string;
  msgid: string;
  facts: Record<string, unknown>;
  centerStayId: string | null;
}

/** What the stay store knows that the stored facts may not carry. */
export interface StayBasics {
  psnNo: string;
  insutype: string;
  certType: string;
  certNo: string;
  medType: string;
  hospitalLevel: number;
  doctor: { code: string; name: string };
}

export interface StayStepDeps {
  /** The national code of a clinic item code (the catalogue mapping; ours: the same code). */
  nationalCodeFor(code: string): string;
  /** The stay as the store has it now; null when unknown. */
  stayOf(stayId: string): StayBasics | null;
  /** The center's setl_id of a journal settlement (from its 2304 answer); null before it. */
  centerSetlIdOf(settlementId: string): string | null;
  /** A fresh message id (the direct 2303 has no queued one). */
  newMsgId(): string;
}

const codeName = z.object({ code: z.string(), name: z.string() });
const operator = z.object({ id: z.string().min(1), name: z.string() });
const base = z.object({ stayId: z.string().min(1), psnNo: z.string().min(1) });
const diagnoses = z.array(z.union([z.string().min(1), z.object({ code: z.string().min(1), name: z.string().optional() })])).min(1);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}/);

const stayFactsSchema = base.extend({
  insutype: z.string().min(1),
  certType: z.string().min(1),
  certNo: z.string().min(1),
  medType: z.string().min(1),
  admittedOn: day,
  hisStayNo: z.string().nullish(),
  dept: codeName,
  ward: z.string(),
  bed: z.string().nullish(),
  doctor: codeName,
  diagnoses,
  hospitalLevel: z.number().int().min(1).max(3).nullish(),
  operator: operator.optional(),
});
const feesSchema = base.extend({
  batchId: z.string().min(1),
  medType: z.string().min(1),
  lines: z.array(z.object({ lineNo: z.number().int(), code: z.string().min(1), unitPrice: z.string(), quantity: z.string(), amount: z.number().int(), ownPay: z.boolean().optional(), feeDate: day })).min(1),
  dept: codeName,
  doctor: codeName,
});
const revokeSchema = base.extend({ batchId: z.string().min(1), lineNos: z.array(z.number().int()).optional() });
const dischargeSchema = base.extend({ dischargedOn: day, diagnoses, dischargeWay: z.string().min(1), dept: codeName, doctor: codeName.optional() });
const settleSchema = base.extend({ settlementId: z.string().min(1), midStay: z.boolean(), useAccount: z.boolean(), total: z.number().int() });
const cancelSettlementSchema = base.extend({ settlementId: z.string().min(1) });
const preSettleSchema = z.object({
  psnNo: z.string().min(1), centerStayId: z.string().min(1), certType: z.string().min(1), certNo: z.string().min(1), insutype: z.string().min(1),
  total: z.number().int(), midStay: z.boolean(), useAccount: z.boolean(), stayId: z.string().optional(),
});

const diagnosisOf = (d: z.output<typeof diagnoses>[number]) => (typeof d === 'string' ? { code: d } : d);
/** Midnight of a day, or the time as given. */
const at = (d: string): string => (d.length === 10 ? `${d} 00:00:00` : d.slice(0, 19));

function stayFactsOf(f: z.output<typeof stayFactsSchema>): StayFacts {
  return {
    psnNo: f.psnNo, insutype: f.insutype, certType: f.certType, certNo: f.certNo, medType: f.medType, iptNo: f.hisStayNo || f.stayId.slice(0, 30), admittedAt: at(f.admittedOn),
    department: f.dept, ward: f.ward, bed: f.bed ?? null, doctor: f.doctor, diagnoses: f.diagnoses.map(diagnosisOf), ...(f.hospitalLevel ? { hospitalLevel: f.hospitalLevel } : {}),
  };
}

/** A settlement's answer with the fen figures beside the wire ones (what the pre-settlement reads). */
function withFen(o: InpatientOutcome<StaySettlement>): CenterOutcome {
  if (o.kind !== 'success') return o;
  const out = (o.output ?? {}) as { setlinfo?: Record<string, unknown> };
  const a = o.value.amounts;
  const fen = { ...a, ...(o.value.coPay !== null ? { coPay: o.value.coPay } : {}) };
  return { ...o, output: { ...out, setlinfo: { ...(out.setlinfo ?? {}), ...fen } } };
}

function held(msgid: string, what: string, issue: z.ZodError | string): CenterOutcome {
  const why = typeof issue === 'string' ? issue : (issue.issues[0] ? `${issue.issues[0].path.join('.')} ${issue.issues[0].message}` : '');
  return { kind: 'unknown', msgid, reason: `待上传的${what}报文内容不完整，未发送：${why}` };
}

/**
 * The sender's adapter: `send(step)` for a queued step, `preSettle(facts)` for the direct 2303.
 * Never throws: every outcome is a CenterOutcome.
 */
export function stayStepSender(center: InpatientCenter, deps: StayStepDeps) {
  const opts = (msgid: string, timeoutMs: number | undefined, op?: { id: string; name: string }) => ({ msgid, ...(timeoutMs ? { timeoutMs } : {}), operator: op ?? SYSTEM_OPERATOR });

  async function send(step: StayStepMessage, o: { timeoutMs?: number } = {}): Promise<CenterOutcome> {
    const f = step.facts;
    const { msgid } = step;
    if (step.kind === 'admit') {
      const p = stayFactsSchema.safeParse(f);
      if (!p.success) return held(msgid, '入院登记', p.error);
      return center.admit(stayFactsOf(p.data), opts(msgid, o.timeoutMs, p.data.operator));
    }
    if (!step.centerStayId) return { kind: 'busy', msgid, message: '等待入院登记的中心就诊号（mdtrt_id）' };
    const parsedBase = base.safeParse(f);
    if (!parsedBase.success) return held(msgid, '住院', parsedBase.error);
    const ref: StayRef = { psnNo: parsedBase.data.psnNo, centerStayId: step.centerStayId };
    const stay = deps.stayOf(parsedBase.data.stayId);
    switch (step.kind) {
      case 'change': {
        const p = stayFactsSchema.safeParse(f);
        if (!p.success) return held(msgid, '入院变更', p.error);
        return center.change(ref, stayFactsOf(p.data), opts(msgid, o.timeoutMs));
      }
      case 'cancelAdmission':
        return center.cancelAdmission(ref, opts(msgid, o.timeoutMs));
      case 'fees': {
        const p = feesSchema.safeParse(f);
        if (!p.success) return held(msgid, '费用明细', p.error);
        const lines: StayFeeLine[] = p.data.lines.map((l) => ({
          feedetlSn: String(l.lineNo), medListCodg: deps.nationalCodeFor(l.code), medinsListCodg: l.code, unitPrice: l.unitPrice, quantity: l.quantity, amount: l.amount,
          feeTime: at(l.feeDate), department: p.data.dept, doctor: p.data.doctor, ...(l.ownPay ? { ownPay: true } : {}),
        }));
        return center.uploadFees(ref, p.data.medType, lines, opts(msgid, o.timeoutMs));
      }
      case 'revokeFees': {
        const p = revokeSchema.safeParse(f);
        if (!p.success) return held(msgid, '撤销明细', p.error);
        if (p.data.batchId === '0000' || p.data.batchId === 'all') return center.revokeFees(ref, 'all', opts(msgid, o.timeoutMs));
        if (!p.data.lineNos?.length) return held(msgid, '撤销明细', '没有要撤销的明细行号');
        return center.revokeFees(ref, p.data.lineNos.map(String), opts(msgid, o.timeoutMs));
      }
      case 'discharge': {
        const p = dischargeSchema.safeParse(f);
        if (!p.success) return held(msgid, '出院登记', p.error);
        if (!stay) return held(msgid, '出院登记', '找不到这次住院');
        return center.discharge(
          ref,
          { insutype: stay.insutype },
          { dischargedAt: at(p.data.dischargedOn), diagnoses: p.data.diagnoses.map(diagnosisOf), dischargeWay: p.data.dischargeWay, department: p.data.dept, doctor: p.data.doctor ?? stay.doctor },
          opts(msgid, o.timeoutMs),
        );
      }
      case 'undoDischarge':
        return center.undoDischarge(ref, opts(msgid, o.timeoutMs));
      case 'settle': {
        const p = settleSchema.safeParse(f);
        if (!p.success) return held(msgid, '住院结算', p.error);
        if (!stay) return held(msgid, '住院结算', '找不到这次住院');
        const facts = { certType: stay.certType, certNo: stay.certNo, insutype: stay.insutype, total: p.data.total, useAccount: p.data.useAccount, midStay: p.data.midStay };
        return center.settle(ref, facts, { ...opts(msgid, o.timeoutMs), extras: { medinsSetlId: p.data.settlementId, hospitalLevel: stay.hospitalLevel } });
      }
      case 'cancelSettlement': {
        const p = cancelSettlementSchema.safeParse(f);
        if (!p.success) return held(msgid, '撤销结算', p.error);
        const setlId = deps.centerSetlIdOf(p.data.settlementId);
        // The 2304 it undoes has no center answer yet: the 2305 waits (same msgid later).
        if (!setlId) return { kind: 'busy', msgid, message: '等待住院结算（2304）的中心结算号' };
        return center.cancelSettlement(ref, setlId, opts(msgid, o.timeoutMs));
      }
      default:
        return held(msgid, `（${step.kind.slice(0, 20)}）`, '不认识的住院步骤');
    }
  }

  /** 2303 now (not queued): a fresh msgid each time (nothing is committed by it). */
  async function preSettle(facts: Record<string, unknown>, o: { timeoutMs?: number; msgid?: string } = {}): Promise<CenterOutcome> {
    let msgid: string;
    try {
      msgid = o.msgid ?? deps.newMsgId();
    } catch (e) {
      return { kind: 'unknown', msgid: '', reason: `无法生成报文号：${e instanceof Error ? e.message : String(e)}` };
    }
    const p = preSettleSchema.safeParse(facts);
    if (!p.success) return held(msgid, '预结算', p.error);
    const stay = p.data.stayId ? deps.stayOf(p.data.stayId) : null;
    const d = p.data;
    return withFen(
      await center.preSettle(
        { psnNo: d.psnNo, centerStayId: d.centerStayId },
        { certType: d.certType, certNo: d.certNo, insutype: d.insutype, total: d.total, useAccount: d.useAccount, midStay: d.midStay },
        { ...opts(msgid, o.timeoutMs), ...(stay ? { extras: { hospitalLevel: stay.hospitalLevel } } : {}) },
      ),
    );
  }

  return { send, preSettle };
}

export type StayStepSender = ReturnType<typeof stayStepSender>;
