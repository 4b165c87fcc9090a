// The center part's link to the center: the wire client (made on first use, against the demo
// sandbox or the configured URL), this window's terminal number, reachability with its probe,
// the status bar's center slice, and the 9002 sign-out on an orderly close.
import { AppError } from '../api/result';
import type { CenterStatusView } from '../api/contract/center';
import type { CoreApp } from '../app/core';
import { CenterClient, takeMsgId, type CenterOutcome, type SendOptions } from './client';
import type { NationalOutcome } from './wire/national/envelope';
import { Connectivity, type ConnectivityState } from './connectivity';
import type { DemoSandboxHost } from './demo-sandbox';
import { resolveTerminalNo, type TerminalNo } from './terminal';
import type { NationalVariant } from './wire/national/variant';
import { readVariantFile } from './variant-file';

/** Signing out is a courtesy to the center: shutdown never waits longer than this for it. */
export const SIGN_OUT_TIMEOUT_MS = 1_500;

/** The 9001 sign-in (also the reachability probe) is given this long. */
const SIGN_IN_TIMEOUT_MS = 5_000;

/** The exchanges that manage the sign-in number themselves. */
const SIGN_IN_OUT = new Set(['9001', '9002']);

export interface CenterConnectionOptions {
  /** How long close() waits for the 9002 sign-out; default SIGN_OUT_TIMEOUT_MS. */
  signOutTimeoutMs?: number;
  /** Called after the listeners each time the center becomes reachable again. */
  onBackOnline?: () => void;
}

export type ConnectivityListener = (online: boolean, status: CenterStatusView) => void;

export class CenterConnection {
  readonly connectivity: Connectivity;
  private clientPromise: Promise<CenterClient> | null = null;
  /** The client once made (setSignNo needs it synchronously). */
  private made: CenterClient | null = null;
  private closed = false;
  private terminal: TerminalNo | null = null;
  private wasOnline = false;
  private readonly listeners = new Set<ConnectivityListener>();

  constructor(
    private readonly core: CoreApp,
    /** Demo mode's sandbox (the center to talk to); null = settings.centerUrl. */
    private readonly sandbox: DemoSandboxHost | null,
    private readonly opts: CenterConnectionOptions = {},
  ) {
    this.connectivity = new Connectivity({ probe: () => this.probe() });
    this.connectivity.onChange((s) => this.changed(s));
    this.publishStatus();
  }

  /** This window's number in every message id; drawn and kept on first use when not configured. */
  terminalNo(): string {
    if (!this.terminal) {
      const { db, settings, clock, log } = this.core;
      this.terminal = resolveTerminalNo(db, settings.terminalNo, clock.now());
      log.info('center terminal number', { ...this.terminal });
    }
    return this.terminal.terminalNo;
  }

  newMsgId(): string {
    const { db, clock, settings } = this.core;
    return takeMsgId(db, clock, settings.institutionCode, this.terminalNo());
  }

  /** The client; when it cannot even be made, the unknown outcome an exchange answers instead
   *  of a throw (and the center reported unreachable with the reason). */
  private async clientOrUnknown(msgid: string): Promise<CenterClient | Extract<CenterOutcome, { kind: 'unknown' }>> {
    try {
      return await this.client();
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      this.connectivity.report({ reached: false, at: this.core.clock.now().toISOString(), error: reason });
      return { kind: 'unknown', msgid, reason };
    }
  }

  /**
   * One exchange; a client that cannot even be made is an unknown outcome, never a throw.
   * Every exchange but the sign-in/out itself carries a sign-in number: without one (a fresh
   * data folder, a CLI verb after another process signed out with 9002, an `outbox drain`), a
   * 9001 goes first. If that sign-in fails, the message is not sent at all and answered `busy`
   * (not processed; the outbox retries it later with the same msgid).
   */
  readonly send = async (infno: string, input: object, sendOpts?: SendOptions): Promise<CenterOutcome> => {
    const c = await this.clientOrUnknown(sendOpts?.msgid ?? '');
    if (!(c instanceof CenterClient)) return c;
    if (!SIGN_IN_OUT.has(infno) && !c.signNo()) {
      const refused = await this.signIn(c);
      if (refused !== null) return { kind: 'busy', msgid: sendOpts?.msgid ?? '', message: `未能签到，报文未发送：${refused}` };
    }
    return c.send(infno, input, sendOpts);
  };

  /**
   * One national exchange (client.sendNational). A client that cannot be made is an unknown
   * outcome, never a throw. The sign-in is the caller's (the chain runner signs in on demand
   * when the center asks for it); the number kept is shared with `send`.
   */
  readonly sendNational = async (infno: string, input: object, sendOpts?: SendOptions): Promise<NationalOutcome> => {
    const c = await this.clientOrUnknown(sendOpts?.msgid ?? '');
    if (!(c instanceof CenterClient)) return c;
    return c.sendNational(infno, input, sendOpts);
  };

  /** Keep the sign-in number a national 9001 gave the operator (the chain runner's on-demand sign-in). */
  setSignNo(signNo: string, operatorId?: string): void {
    // The runner signs in only after an exchange, so the client exists; kept by the client (the
    // owner of center_state), read by every later message of either protocol.
    if (this.made) this.made.setSignNo(signNo, operatorId);
    else void this.client().then((c) => c.setSignNo(signNo, operatorId), () => undefined);
  }

  /** Concurrent senders without a sign-in number share one 9001. */
  private signingIn: Promise<string | null> | null = null;

  /** 9001 sign-in; keeps the number. Null when signed in, else why not. */
  private signIn(c: CenterClient): Promise<string | null> {
    this.signingIn ??= (async () => {
      try {
        const outcome = await c.send('9001', { signIn: { opter_no: 'system', mac: '', ip: '127.0.0.1' } }, { timeoutMs: SIGN_IN_TIMEOUT_MS });
        if (outcome.kind === 'success') {
          const signNo = (outcome.output as { signinoutb?: { sign_no?: unknown } } | null)?.signinoutb?.sign_no;
          if (typeof signNo === 'string' && signNo !== '') {
            c.setSignNo(signNo);
            return null;
          }
          return '签到应答中没有签到编号 sign_no';
        }
        if (outcome.kind === 'rejected') {
          // Reachable but refusing us (wrong secret or institution code): show why on the status bar.
          this.connectivity.report({ reached: true, at: this.core.clock.now().toISOString(), error: `中心拒绝签到：${outcome.message}（请检查机构编码与签名密钥）` });
          return `中心拒绝签到：${outcome.message}`;
        }
        return outcome.kind === 'busy' ? `中心忙：${outcome.message}` : outcome.reason;
      } finally {
        this.signingIn = null;
      }
    })();
    return this.signingIn;
  }

  status(): CenterStatusView {
    const s: ConnectivityState = this.connectivity.get();
    const { db, settings } = this.core;
    const signedIn = (db.prepare("SELECT 1 FROM center_state WHERE key = 'sign_no'").get() as unknown) !== undefined;
    return {
      mode: s.online ? 'online' : 'offline',
      sandbox: this.sandbox !== null,
      url: this.sandbox ? this.sandbox.url : settings.centerUrl,
      lastContactAt: s.lastContactAt,
      lastError: s.lastError,
      nextProbeInMs: s.nextProbeAt === null || s.online ? null : Math.max(0, s.nextProbeAt - Date.now()),
      signedIn,
    };
  }

  /** Called with (online, status) whenever reachability changes. Returns an unsubscribe. */
  onConnectivity(fn: ConnectivityListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Stops probing and signs out (best effort, bounded); later sends are unknown outcomes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connectivity.stop();
    this.listeners.clear();
    const c = await this.clientPromise?.catch(() => null);
    if (c) await this.signOut(c).catch((e: unknown) => this.core.log.warn('center sign-out failed', { error: e instanceof Error ? e.message : String(e) }));
    c?.close();
  }

  /** The wire client (made on first use): the national session and chain speak through it. */
  readonly wireClient = (): Promise<CenterClient> => this.client();

  /** The province's variant of the national interface (setting nationalVariant), read once. */
  variant(): NationalVariant {
    this.variantCache ??= readVariantFile(this.core.settings.nationalVariant);
    return this.variantCache;
  }

  private variantCache: NationalVariant | null = null;

  private client(): Promise<CenterClient> {
    if (this.closed) return Promise.reject(new AppError('CENTER_CLOSED', '程序正在关闭，无法连接医保中心。'));
    if (!this.clientPromise) {
      this.clientPromise = this.makeClient().then((c) => (this.made = c));
      // A failed start is not cached: the next use tries again.
      this.clientPromise.catch(() => (this.clientPromise = null));
    }
    return this.clientPromise;
  }

  private async makeClient(): Promise<CenterClient> {
    const { db, clock, log, settings } = this.core;
    const url = this.sandbox ? (await this.sandbox.start()).url : settings.centerUrl;
    const c = new CenterClient(db, clock, log, {
      url,
      institutionCode: settings.institutionCode,
      terminalNo: this.terminalNo(),
      institutionName: settings.institutionName,
      institutionSecret: settings.institutionSecret,
      areaCode: settings.areaCode,
      caFile: settings.centerCaFile,
      nationalVariant: this.variant(),
    });
    c.onContact((r) => this.connectivity.report(r));
    return c;
  }

  /** 9001 sign-in as the probe: any well-formed answer means reachable. */
  private async probe(): Promise<void> {
    let c: CenterClient;
    try {
      c = await this.client();
    } catch (e) {
      this.connectivity.report({ reached: false, at: this.core.clock.now().toISOString(), error: e instanceof Error ? e.message : String(e) });
      return;
    }
    await this.signIn(c);
  }

  private publishStatus(): void {
    const v = this.status();
    this.core.status.set('center', { mode: v.mode, sandbox: v.sandbox, url: v.url, lastContactAt: v.lastContactAt, lastError: v.lastError });
  }

  private changed(s: ConnectivityState): void {
    this.publishStatus();
    if (s.online === this.wasOnline) return;
    this.wasOnline = s.online;
    this.core.log.info(s.online ? 'center reachable' : 'center unreachable', { error: s.lastError });
    const v = this.status();
    for (const fn of this.listeners) fn(s.online, v);
    if (s.online) this.opts.onBackOnline?.();
  }

  /**
   * 9002 on an orderly close, best effort: only when the center was reachable at the last
   * exchange (known offline = nothing to wait for) and never longer than a short deadline.
   * A final answer (signed out, or the center no longer knows the number) forgets the sign-in.
   */
  private async signOut(c: CenterClient): Promise<void> {
    const signNo = c.signNo();
    if (!signNo || !this.connectivity.get().online) return;
    const outcome = await c.send('9002', { signOut: { sign_no: signNo, opter_no: 'system' } }, { timeoutMs: this.opts.signOutTimeoutMs ?? SIGN_OUT_TIMEOUT_MS });
    if (outcome.kind === 'success' || outcome.kind === 'rejected') this.core.db.prepare("DELETE FROM center_state WHERE key = 'sign_no'").run();
    this.core.log.info('center sign-out', { kind: outcome.kind });
  }
}

