// The national outpatient chain (NATIONAL-PLATFORM.md "How the pieces fit", 3 and 4), run from
// its journal (chain-store.ts) so that any crash, lost answer or outage ends in exactly one of:
// settled once at the center, or nothing left at the center — never a 单边账.
//
// drive() is a loop over the journal, never over memory: each turn reads what is durable and
// takes one action, writing the step BEFORE sending it. Rules:
// - forward steps in order 2201 → 2203 → 2204 → 2206 → 2207, each sent until it succeeds;
// - a committing step (2201, 2204, 2207) whose outcome is unknown (lost answer, timeout, crash
//   between journal and answer, infcode 0 with an err_msg, a gateway error) is reversed by 2601
//   naming its msgid, then sent again under a new msgid; a non-committing one (2203 overwrites
//   the visit's information, 2206 only prices) is simply sent again;
// - busy: nothing was done at the center; the step is sent again on the next drive;
// - the center asks for a sign-in: 9001, then the same msgid again (a refusal for want of a
//   sign-in is not stored by the center);
// - any other refusal of a forward step: the chain is undone in reverse, 2208 (if settled) →
//   2205 "0000" → 2202; undo steps and 2601s whose outcome is unknown are sent again under the
//   SAME msgid (the center answers a repeat from its store, so they take effect once);
// - an undo or a reversal the center refuses: blocked, for a person to look at (never guessed).
import { fenToYuan } from '../../api/money';
import type { Clock } from '../../app/clock';
import type { CenterClient } from '../client';
import type { NationalOutcome } from '../wire/national/envelope';
import { fee2204Input, register2201Output, settleOutput, type FeeLine, type SettleAnswer } from '../wire/national/messages';
import { ChainStore, type ChainRow, type StepRow } from './chain-store';

/** What the chain carries: the person, the visit and its fee lines (money in fen). */
export interface ChainSpec {
  psnNo: string;
  insutype: string;
  certType: '01' | '02' | '03';
  certNo: string;
  /** 参保地区划 from 1101 (the envelope's insuplc_admdvs). */
  insuplcAdmdvs?: string;
  medType: string;
  /** 'yyyy-MM-dd HH:mm:ss' China time. */
  begntime: string;
  /** The clinic's own visit number (院内唯一流水). */
  iptOtpNo: string;
  doctor: { no: string; name: string };
  dept: { code: string; name: string };
  diagnoses: Array<{ code: string; name: string }>;
  lines: FeeLine[];
  chrgBchno: string;
  useAccount: boolean;
  operator: { id: string; name: string };
}

export type ChainResult =
  | { kind: 'settled'; chainId: string; mdtrtId: string; setlId: string; answer: SettleAnswer | null }
  | { kind: 'undone'; chainId: string; refusal: { infno: string; code: string; message: string } }
  | { kind: 'pending'; chainId: string; reason: string }
  | { kind: 'blocked'; chainId: string; reason: string };

export type NationalPort = Pick<CenterClient, 'sendNational' | 'newMsgId' | 'setSignNo'>;

const FORWARD = ['2201', '2203', '2204', '2206', '2207'] as const;
const COMMITS = new Set(['2201', '2204', '2207']);
/** Actions one drive() may take before it reports pending (a center that keeps losing answers). */
const MAX_ACTIONS = 40;
/** Reversal rounds per forward step within one drive before it is left for a later drive. */
const MAX_REVERSALS = 3;

export class NationalChainRunner {
  private readonly store: ChainStore;

  constructor(
    store: ChainStore,
    private readonly port: NationalPort,
    private readonly clock: Clock,
  ) {
    this.store = store;
  }

  /** Journal a new chain (call inside or right after the local settlement's commit). */
  start(chainId: string, spec: ChainSpec, settlementId: string | null = null): void {
    this.store.create({ chainId, settlementId, psnNo: spec.psnNo, spec, now: this.clock.now() });
  }

  /** Take the chain as far as the center lets it go now. Never throws for a center's answer. */
  async drive(chainId: string): Promise<ChainResult> {
    let signIns = 0;
    const reversedAtStart = new Map<string, number>();
    for (let action = 0; action < MAX_ACTIONS; action++) {
      const chain = this.store.get(chainId);
      if (!chain) throw new Error(`no national chain ${chainId}`);
      const done = finished(chain);
      if (done) return done;
      const spec = JSON.parse(chain.spec) as ChainSpec;
      const steps = this.store.steps(chainId);

      // 1. What may have reached the center and is not known: resolve it first.
      // An undo or a 2601 left open goes first: a 2601 in flight already resolves its step.
      const open = steps.find((s) => s.purpose !== 'forward' && unresolved(s)) ?? steps.find(unresolved);
      if (open) {
        const r = open.purpose === 'forward' ? await this.reverse(chain, spec, open) : await this.resend(spec, open);
        if (r) return r;
        continue;
      }

      // 2. The next step of the chain, or of its undoing.
      const next = chain.state === 'running' ? nextForward(steps) : nextUndo(steps);
      if (!next) {
        if (chain.state === 'compensating') this.store.finish(chainId, 'undone', JSON.parse(chain.result ?? '{}') as object, this.clock.now());
        else this.settleFrom(chain, steps.filter((s) => s.purpose === 'forward' && s.infno === '2207' && s.state === 'success').at(-1)!);
        continue;
      }
      // Counted within this drive only: a step reversed in earlier drives (a crash run, an outage)
      // must still be tried again now, or the chain stays pending for ever.
      const reversedNow = steps.filter((s) => s.infno === next.infno && s.state === 'reversed').length;
      if (!reversedAtStart.has(next.infno)) reversedAtStart.set(next.infno, Math.max(0, reversedNow - 1));
      if (next.purpose === 'forward' && reversedNow - reversedAtStart.get(next.infno)! >= MAX_REVERSALS) {
        return { kind: 'pending', chainId, reason: `交易 ${next.infno} 多次结果未知，稍后再试` };
      }
      const body = this.inputOf(spec, steps, next.infno);
      const o = await this.send(chain, spec, next.infno, next.purpose, body, undefined, (ok) => this.afterSuccess(chain, next, ok));
      if (o.kind === 'rejected' && o.code === 'SIGN_IN_REQUIRED') {
        if (++signIns > 2 || !(await this.signIn(spec))) return { kind: 'pending', chainId, reason: o.message };
        continue;
      }
      if (o.kind === 'busy') return { kind: 'pending', chainId, reason: o.message };
      if (o.kind === 'rejected' && next.purpose === 'forward') {
        this.store.compensate(chainId, { infno: next.infno, code: o.code, message: o.message }, this.clock.now());
      } else if (o.kind === 'rejected') {
        this.store.finish(chainId, 'blocked', { infno: next.infno, code: o.code, message: o.message }, this.clock.now());
      }
    }
    return { kind: 'pending', chainId, reason: '本次处理步数已用完，稍后继续' };
  }

  /**
   * A refund (issue 16): take back whatever the chain holds at the center — a settled chain is
   * undone 2208 → 2205 "0000" → 2202, one still running is undone from where it stands (an
   * unknown step reversed by 2601 first). Only journals the intent; drive() does the sending, so
   * a crash between the two changes nothing. Undone, blocked or already undoing: nothing to do.
   */
  cancel(chainId: string, reason: string): void {
    const chain = this.store.get(chainId);
    if (!chain) throw new Error(`no national chain ${chainId}`);
    if (chain.state === 'settled' || chain.state === 'running') this.store.compensate(chainId, { infno: 'refund', code: 'REFUND', message: reason }, this.clock.now());
  }

  /** Every chain a crash or an outage left open, oldest first. */
  async resumeAll(): Promise<ChainResult[]> {
    const out: ChainResult[] = [];
    for (const id of this.store.openChains()) out.push(await this.drive(id));
    return out;
  }

  // ---- actions ----

  /**
   * Journal (unless resending), send, and record the answer. `onSuccess` runs in the same
   * transaction as the answer, so a crash never separates a step's success from what it means
   * (the visit id, the settlement, the steps it undoes or reverses).
   */
  private async send(chain: ChainRow, spec: ChainSpec, infno: string, purpose: StepRow['purpose'], body: object, msgid?: string, onSuccess?: (o: Extract<NationalOutcome, { kind: 'success' }>) => void): Promise<NationalOutcome> {
    const id = msgid ?? this.port.newMsgId();
    if (!msgid) this.store.beginStep({ chainId: chain.chain_id, infno, purpose, msgid: id, body, now: this.clock.now() });
    const raw = await this.port.sendNational(infno, body, { msgid: id, operator: spec.operator, insutype: spec.insutype, ...(spec.insuplcAdmdvs ? { insuplcAdmdvs: spec.insuplcAdmdvs } : {}) });
    // A gateway refusal may be its own timeout towards the business system: maybe committed.
    const o: NationalOutcome = raw.kind === 'rejected' && raw.code === 'GATEWAY_REJECTED' ? { kind: 'unknown', msgid: id, reason: raw.message } : raw;
    // A refusal for want of a sign-in was not processed (nor stored by the center): journaled as
    // busy, so a forward step goes again after 9001 and an undo or 2601 again under its msgid.
    const journaled: NationalOutcome = o.kind === 'rejected' && o.code === 'SIGN_IN_REQUIRED' ? { kind: 'busy', msgid: id, message: o.message } : o;
    this.store.atomically(() => {
      this.store.answerStep(id, journaled, this.clock.now());
      if (o.kind === 'success') onSuccess?.(o);
    });
    return o;
  }

  /** What a step's success means for the chain; runs inside the answer's transaction. */
  private afterSuccess(chain: ChainRow, step: { infno: string; purpose: StepRow['purpose'] }, o: Extract<NationalOutcome, { kind: 'success' }>): void {
    const now = this.clock.now();
    if (step.purpose === 'forward' && step.infno === '2201') {
      const out = register2201Output.safeParse(o.output);
      if (out.success) this.store.setVisit(chain.chain_id, out.data.data.mdtrt_id, now);
      else this.store.finish(chain.chain_id, 'blocked', { infno: '2201', code: 'ANSWER_INVALID', message: '挂号应答缺少就诊ID（mdtrt_id），请人工核实' }, now);
    }
    if (step.purpose === 'forward' && step.infno === '2207') this.settleFrom(chain, { output: JSON.stringify(o.output ?? null) });
    if (step.purpose === 'undo') {
      // The forward steps this undo takes back (2205 "0000" takes back every 2204).
      const undoes = UNDO_OF[step.infno]!;
      for (const s of this.store.steps(chain.chain_id)) if (s.purpose === 'forward' && s.infno === undoes && s.state === 'success') this.store.markStep(s.msgid, 'undone', now);
    }
  }

  private settleFrom(chain: ChainRow, step: Pick<StepRow, 'output'>): void {
    const output = JSON.parse(step.output ?? 'null') as unknown;
    const out = settleOutput.safeParse(output);
    const setlId = out.success ? (out.data.setlinfo.setl_id ?? '') : '';
    this.store.finish(chain.chain_id, 'settled', { answer: out.success ? output : null, problem: out.success ? null : '中心结算应答格式不正确，金额以对账为准' }, this.clock.now(), setlId);
  }

  /** 2601 for a committing forward step whose outcome is unknown. */
  private async reverse(chain: ChainRow, spec: ChainSpec, step: StepRow): Promise<ChainResult | null> {
    const now = this.clock.now();
    if (!COMMITS.has(step.infno)) {
      this.store.markStep(step.msgid, 'reversed', now);
      return null;
    }
    const o = await this.send(chain, spec, '2601', 'reverse', { data: { psn_no: spec.psnNo, omsgid: step.msgid, oinfno: step.infno } }, undefined, () => this.store.markStep(step.msgid, 'reversed', this.clock.now()));
    if (o.kind === 'success') return null;
    if (o.kind === 'rejected' && o.code === 'SIGN_IN_REQUIRED') return (await this.signIn(spec)) ? null : { kind: 'pending', chainId: chain.chain_id, reason: o.message };
    if (o.kind === 'rejected') {
      this.store.finish(chain.chain_id, 'blocked', { infno: '2601', code: o.code, message: `冲正 ${step.infno}（${step.msgid}）被拒绝：${o.message}` }, this.clock.now());
      return finished(this.store.get(chain.chain_id)!);
    }
    return { kind: 'pending', chainId: chain.chain_id, reason: o.kind === 'unknown' ? o.reason : o.message };
  }

  /** An undo or a 2601 not known to have been answered: the same msgid again. */
  private async resend(spec: ChainSpec, step: StepRow): Promise<ChainResult | null> {
    const chain = this.store.get(step.chain_id)!;
    const onSuccess = (ok: Extract<NationalOutcome, { kind: 'success' }>) => {
      if (step.purpose === 'reverse') this.store.markStep((JSON.parse(step.body) as { data: { omsgid: string } }).data.omsgid, 'reversed', this.clock.now());
      else this.afterSuccess(chain, step, ok);
    };
    const o = await this.send(chain, spec, step.infno, step.purpose, JSON.parse(step.body) as object, step.msgid, onSuccess);
    if (o.kind === 'rejected' && o.code === 'SIGN_IN_REQUIRED') return (await this.signIn(spec)) ? null : { kind: 'pending', chainId: chain.chain_id, reason: o.message };
    if (o.kind === 'success') return null;
    if (o.kind === 'rejected') {
      this.store.finish(chain.chain_id, 'blocked', { infno: step.infno, code: o.code, message: o.message }, this.clock.now());
      return finished(this.store.get(chain.chain_id)!);
    }
    return { kind: 'pending', chainId: chain.chain_id, reason: o.kind === 'unknown' ? o.reason : o.message };
  }

  private async signIn(spec: ChainSpec): Promise<boolean> {
    const o = await this.port.sendNational('9001', { signIn: { opter_no: spec.operator.id, mac: '', ip: '127.0.0.1' } }, { operator: spec.operator });
    const signNo = o.kind === 'success' ? (o.output as { signinoutb?: { sign_no?: unknown } } | null)?.signinoutb?.sign_no : undefined;
    if (typeof signNo !== 'string' || !signNo) return false;
    this.port.setSignNo(signNo, spec.operator.id);
    return true;
  }

  // ---- inputs ----

  private inputOf(spec: ChainSpec, steps: StepRow[], infno: string): object {
    const mdtrtId = standingVisit(steps) ?? '';
    const total = spec.lines.reduce((s, l) => s + l.amount, 0);
    const settle = {
      data: {
        psn_no: spec.psnNo, mdtrt_cert_type: spec.certType, mdtrt_cert_no: spec.certNo, med_type: spec.medType, medfee_sumamt: fenToYuan(total), psn_setlway: '01',
        mdtrt_id: mdtrtId, chrg_bchno: spec.chrgBchno, acct_used_flag: spec.useAccount ? '1' : '0', insutype: spec.insutype,
      },
    };
    switch (infno) {
      case '2201':
        return {
          data: {
            psn_no: spec.psnNo, insutype: spec.insutype, begntime: spec.begntime, mdtrt_cert_type: spec.certType, mdtrt_cert_no: spec.certNo, ipt_otp_no: spec.iptOtpNo,
            atddr_no: spec.doctor.no, dr_name: spec.doctor.name, dept_code: spec.dept.code, dept_name: spec.dept.name, caty: spec.dept.code,
          },
        };
      case '2203': {
        const main = spec.diagnoses[0];
        return {
          mdtrtinfo: { mdtrt_id: mdtrtId, psn_no: spec.psnNo, med_type: spec.medType, begntime: spec.begntime, ...(main ? { dise_codg: main.code, dise_name: main.name } : {}) },
          diseinfo: spec.diagnoses.map((d, i) => ({
            diag_type: '1', diag_srt_no: i + 1, diag_code: d.code, diag_name: d.name, diag_dept: spec.dept.name, dise_dor_no: spec.doctor.no, dise_dor_name: spec.doctor.name, diag_time: spec.begntime, vali_flag: '1',
          })),
        };
      }
      case '2204':
        return fee2204Input(mdtrtId, spec.psnNo, spec.chrgBchno, spec.diagnoses[0]?.code ?? '', spec.begntime, spec.lines);
      case '2206':
      case '2207':
        return settle;
      case '2208': {
        const settled = [...steps].reverse().find((s) => s.purpose === 'forward' && s.infno === '2207' && s.state === 'success');
        const setlId = settled ? (settleOutput.safeParse(JSON.parse(settled.output ?? 'null')).data?.setlinfo.setl_id ?? '') : '';
        return { data: { setl_id: setlId, mdtrt_id: mdtrtId, psn_no: spec.psnNo } };
      }
      case '2205':
        return { data: { mdtrt_id: mdtrtId, chrg_bchno: '0000', psn_no: spec.psnNo } };
      case '2202':
        return { data: { psn_no: spec.psnNo, mdtrt_id: mdtrtId, ipt_otp_no: spec.iptOtpNo } };
      default:
        throw new Error(`no input for ${infno}`);
    }
  }
}

/** The forward step each undo takes back. */
const UNDO_OF: Readonly<Record<string, string>> = { '2208': '2207', '2205': '2204', '2202': '2201' };

function unresolved(s: StepRow): boolean {
  if (s.purpose === 'forward') return COMMITS.has(s.infno) && (s.state === 'sending' || s.state === 'unknown');
  return s.state === 'sending' || s.state === 'unknown' || s.state === 'busy';
}

function nextForward(steps: StepRow[]): { infno: string; purpose: 'forward' } | null {
  for (const infno of FORWARD) if (!steps.some((s) => s.purpose === 'forward' && s.infno === infno && s.state === 'success')) return { infno, purpose: 'forward' };
  return null;
}

/** The next undo: the latest-standing forward step taken back first (2208, then 2205, then 2202). */
function nextUndo(steps: StepRow[]): { infno: string; purpose: 'undo' } | null {
  const standing = (infno: string) => steps.some((s) => s.purpose === 'forward' && s.infno === infno && s.state === 'success');
  if (standing('2207')) return { infno: '2208', purpose: 'undo' };
  if (standing('2204')) return { infno: '2205', purpose: 'undo' };
  if (standing('2201') && standingVisit(steps)) return { infno: '2202', purpose: 'undo' };
  return null;
}

/** The visit id (mdtrt_id) of the 2201 that stands, read from its journaled answer. */
function standingVisit(steps: StepRow[]): string | null {
  const reg = steps.filter((s) => s.purpose === 'forward' && s.infno === '2201' && s.state === 'success').at(-1);
  const out = reg ? register2201Output.safeParse(JSON.parse(reg.output ?? 'null')) : null;
  return out?.success ? out.data.data.mdtrt_id : null;
}

function finished(chain: ChainRow): ChainResult | null {
  const result = JSON.parse(chain.result ?? 'null') as Record<string, unknown> | null;
  switch (chain.state) {
    case 'settled': {
      const parsed = settleOutput.safeParse(result?.answer);
      return { kind: 'settled', chainId: chain.chain_id, mdtrtId: chain.mdtrt_id ?? '', setlId: chain.setl_id ?? '', answer: parsed.success ? parsed.data : null };
    }
    case 'undone': {
      const r = (result ?? {}) as { infno?: string; code?: string; message?: string };
      return { kind: 'undone', chainId: chain.chain_id, refusal: { infno: r.infno ?? '', code: r.code ?? '', message: r.message ?? '' } };
    }
    case 'blocked':
      return { kind: 'blocked', chainId: chain.chain_id, reason: String((result as { message?: unknown } | null)?.message ?? '需要人工核实') };
    default:
      return null;
  }
}
