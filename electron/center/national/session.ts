// Each operator's sign-in with the national platform (NATIONAL-PLATFORM.md 9001/9002): the
// platform gives every operator at a terminal a `sign_no` that each later message carries.
// Signed in at shift open (and on demand before the first message, so nothing ever leaves
// without one), renewed when the center says it is missing or expired, signed out (9002) at
// shift close. The numbers live in center_state per operator (CenterClient.signNo(operatorId)),
// so a restarted window keeps using the number it had.
//
// `send` is the national exchange the rest of the app uses (person lookup, reconciliation):
// sign in first when needed, and on a "sign in again" refusal sign in and send the SAME msgid
// again (the center does not store a refusal for want of a sign-in, so the retry is processed
// once). The settlement chain (chain-runner.ts) has its own journaled equivalent.
import type { Logger } from '../../app/log';
import type { CenterClient, SendOptions } from '../client';
import type { NationalOutcome } from '../wire/national/envelope';
import { signIn9001, signIn9001Output, signOut9002 } from '../wire/national/messages';

export interface NationalOperator {
  id: string;
  name: string;
}

/** Background exchanges (no one at the window asked): the system operator. */
export const SYSTEM_OPERATOR: NationalOperator = { id: 'system', name: '系统' };

export type SignInResult = { ok: true; signNo: string } | { ok: false; kind: 'rejected' | 'busy' | 'unknown'; message: string };

export interface NationalSessionDeps {
  client(): Promise<CenterClient>;
  /** This window's terminal number (sent as the 9001 `mac`: the terminal the operator signs in at). */
  terminalNo(): string;
  log: Logger;
  /** Deadline of 9001 / 9002; default: the variant's for that transaction. */
  signInTimeoutMs?: number;
  signOutTimeoutMs?: number;
}

export class NationalSession {
  /** Concurrent senders of one operator without a sign-in share one 9001. */
  private readonly signingIn = new Map<string, Promise<SignInResult>>();

  constructor(private readonly deps: NationalSessionDeps) {}

  /** The operator's sign-in number at this terminal, '' when none is held. */
  async signNo(operator: NationalOperator): Promise<string> {
    return (await this.deps.client()).signNo(operator.id);
  }

  /** 9001 for this operator now (a new number replaces the one held). */
  signIn(operator: NationalOperator): Promise<SignInResult> {
    let p = this.signingIn.get(operator.id);
    if (!p) {
      p = this.doSignIn(operator).finally(() => this.signingIn.delete(operator.id));
      this.signingIn.set(operator.id, p);
    }
    return p;
  }

  private async doSignIn(operator: NationalOperator): Promise<SignInResult> {
    let c: CenterClient;
    try {
      c = await this.deps.client();
    } catch (e) {
      return { ok: false, kind: 'unknown', message: e instanceof Error ? e.message : String(e) };
    }
    const o = await c.sendNational('9001', signIn9001(operator.id, `T${this.deps.terminalNo()}`, '127.0.0.1'), {
      operator,
      ...(this.deps.signInTimeoutMs ? { timeoutMs: this.deps.signInTimeoutMs } : {}),
    });
    if (o.kind === 'success') {
      const out = signIn9001Output.safeParse(o.output);
      if (!out.success) return { ok: false, kind: 'unknown', message: '签到应答中没有签到编号 sign_no' };
      c.setSignNo(out.data.signinoutb.sign_no, operator.id);
      this.deps.log.info('national sign-in', { operator: operator.id });
      return { ok: true, signNo: out.data.signinoutb.sign_no };
    }
    return o.kind === 'rejected' ? { ok: false, kind: 'rejected', message: `中心拒绝签到：${o.message}` } : o.kind === 'busy' ? { ok: false, kind: 'busy', message: o.message } : { ok: false, kind: 'unknown', message: o.reason };
  }

  /**
   * 9002 for this operator (shift close). A final answer (signed out, or the center no longer
   * knows the number) forgets the number; no answer keeps it (the next message renews it if the
   * center has dropped it). Never throws.
   */
  async signOut(operator: NationalOperator): Promise<NationalOutcome['kind'] | 'not-signed-in'> {
    let c: CenterClient;
    try {
      c = await this.deps.client();
    } catch {
      return 'unknown';
    }
    const signNo = c.signNo(operator.id);
    if (!signNo) return 'not-signed-in';
    const o = await c.sendNational('9002', signOut9002(signNo, operator.id), { operator, ...(this.deps.signOutTimeoutMs ? { timeoutMs: this.deps.signOutTimeoutMs } : {}) });
    if (o.kind === 'success' || o.kind === 'rejected') c.clearSignNo(operator.id);
    this.deps.log.info('national sign-out', { operator: operator.id, kind: o.kind });
    return o.kind;
  }

  /**
   * One national exchange as `operator`, signed in. Without a sign-in number a 9001 goes first;
   * if it fails the message is not sent and answered `busy` (nothing was processed). A "sign in
   * again" refusal renews the sign-in once and sends the same msgid again.
   */
  async send(infno: string, input: object, opts: SendOptions & { operator?: NationalOperator } = {}): Promise<NationalOutcome> {
    const operator = opts.operator ?? SYSTEM_OPERATOR;
    let c: CenterClient;
    try {
      c = await this.deps.client();
    } catch (e) {
      return { kind: 'unknown', msgid: opts.msgid ?? '', reason: e instanceof Error ? e.message : String(e) };
    }
    if (!c.signNo(operator.id)) {
      const s = await this.signIn(operator);
      if (!s.ok) return { kind: 'busy', msgid: opts.msgid ?? '', message: `未能签到，报文未发送：${s.message}` };
    }
    let msgid: string;
    try {
      msgid = opts.msgid ?? c.newMsgId();
    } catch (e) {
      return { kind: 'unknown', msgid: '', reason: `无法生成报文号：${e instanceof Error ? e.message : String(e)}` };
    }
    const o = await c.sendNational(infno, input, { ...opts, operator, msgid });
    if (o.kind !== 'rejected' || o.code !== 'SIGN_IN_REQUIRED') return o;
    c.clearSignNo(operator.id);
    const s = await this.signIn(operator);
    if (!s.ok) return { kind: 'busy', msgid, message: `签到已失效且未能重新签到：${s.message}` };
    return c.sendNational(infno, input, { ...opts, operator, msgid });
  }
}
