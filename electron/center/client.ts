// The one adapter for the wire: message ids, envelope, signing, HTTP(S) with certificate
// verification, timeouts, size limits, and the classification of every outcome.
// Nothing else in the app builds a request or reads a response body.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { AppError } from '../api/result';
import { chinaDateTime, type Clock } from '../app/clock';
import type { Logger } from '../app/log';
import type { Db } from '../db/open';
import { z } from 'zod';
import { insertInto, one, run, value } from '../db/sql';
import { buildEnvelope, classifyResponse, type CenterOutcome } from './wire/envelope';
import { buildNationalRequest, classifyNationalResponse, type NationalOutcome } from './wire/national/envelope';
import { DEFAULT_VARIANT, timeoutFor, type NationalVariant } from './wire/national/variant';
import { formatMsgId, nextMsgIdState, TERMINAL_NO_PATTERN, type MsgIdState } from './wire/msgid';
import { readBoundedFile } from '../security/safe-files';

/** A CA bundle is a few hundred KB at most (the whole Mozilla set is ~220 KB). */
const CA_FILE_MAX_BYTES = 4 * 1024 * 1024;

export type { CenterOutcome } from './wire/envelope';

export interface CenterClientConfig {
  /** Base URL; requests go to `${url}/tx`. */
  url: string;
  institutionCode: string;
  /** This window's number '00'–'99' (terminal.ts): part of every message id. */
  terminalNo: string;
  institutionName: string;
  institutionSecret: string;
  areaCode: string;
  /** PEM file with the only CA trusted for https (pinning a private network's CA); '' = system CAs. */
  caFile: string;
  defaultTimeoutMs?: number;
  /** Larger answers are cut off and classified unknown (protects memory). */
  maxResponseBytes?: number;
  /** The province's variant of the national interface (sendNational); default the national one. */
  nationalVariant?: NationalVariant;
}

export interface SendOptions {
  /** Resend with a fixed id (retries, reversals); a new id is made when absent. */
  msgid?: string;
  timeoutMs?: number;
  /** Overrides the size limit (the full policy table is the one big answer). */
  maxResponseBytes?: number;
  /** Insured person's region for the envelope (from 1101). */
  insuplcAdmdvs?: string;
  operator?: { id: string; name: string };
  /** Download progress of the answer body. */
  onProgress?: (receivedBytes: number, totalBytes: number | null) => void;
  /** National: the person's insutype, where the province routes recer_sys_code by it. */
  insutype?: string;
}

/** What one exchange told us about reachability: `reached` false = network-level failure. */
export interface ContactReport {
  reached: boolean;
  at: string;
  error: string | null;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 2 * 1024 * 1024;

export function signBody(body: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * A new 30-character message id. The sequence is persisted in the same step it is taken
 * (an IMMEDIATE transaction), so ids are unique across restarts and across processes
 * sharing one database file, whatever the clock does; the terminal number in the sequence
 * keeps them apart from the ids of the clinic's other windows (wire/msgid.ts).
 */
/** One prepared "take the next id" transaction per database: an id is taken for every exchange. */
const MsgIdRow = z.object({ stamp: z.string(), seq: z.number().int() }) satisfies z.ZodType<MsgIdState>;
const msgIdTakers = new WeakMap<Db, (now: Date, terminalNo: string) => MsgIdState>();

function msgIdTaker(db: Db): (now: Date, terminalNo: string) => MsgIdState {
  let take = msgIdTakers.get(db);
  if (!take) {
    const tx = db.transaction((now: Date, terminalNo: string) => {
      const last = one(db, 'SELECT stamp, seq FROM center_msgid WHERE id = 1', {}, MsgIdRow);
      const next = nextMsgIdState(last ?? { stamp: '', seq: 0 }, now, terminalNo);
      insertInto(db, 'center_msgid', { id: 1, stamp: next.stamp, seq: next.seq }, 'ON CONFLICT(id) DO UPDATE SET stamp = excluded.stamp, seq = excluded.seq');
      return next;
    });
    take = (now, terminalNo) => tx.immediate(now, terminalNo);
    msgIdTakers.set(db, take);
  }
  return take;
}

export function takeMsgId(db: Db, clock: Clock, institutionCode: string, terminalNo: string): string {
  return formatMsgId(institutionCode, msgIdTaker(db)(clock.now(), terminalNo));
}

/**
 * Connections to the center at once. The upload worker keeps at most its concurrency in flight
 * (4 by default); the rest are for the window's own calls, so a person lookup or a settlement
 * never queues behind a week's backlog being drained (with 4, it did: a lookup waited for an
 * upload's answer, or timed out).
 */
const MAX_SOCKETS = 16;

export class CenterClient {
  private readonly agent: http.Agent;
  private readonly contactListeners = new Set<(r: ContactReport) => void>();
  private readonly target: URL;
  private readonly nationalTarget: URL;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly config: CenterClientConfig,
  ) {
    if (!TERMINAL_NO_PATTERN.test(config.terminalNo)) {
      throw new AppError('SETTING_INVALID', `收费终端号 terminalNo 应为两位数字 00–99：${config.terminalNo}`, { key: 'terminalNo' });
    }
    this.target = new URL(config.url.replace(/\/+$/, '') + '/tx');
    this.nationalTarget = new URL(config.url.replace(/\/+$/, '') + this.variant.path);
    if (this.target.protocol === 'https:') {
      // rejectUnauthorized stays on: a pinned CA narrows trust, it never switches checks off.
      const ca = config.caFile ? readCa(config.caFile) : undefined;
      this.agent = new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS, rejectUnauthorized: true, ...(ca ? { ca } : {}) });
    } else if (this.target.protocol === 'http:') {
      this.agent = new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
    } else {
      throw new AppError('CENTER_URL_INVALID', `医保中心地址必须以 http:// 或 https:// 开头：${config.url}`);
    }
  }

  get url(): string {
    return this.config.url;
  }

  /** A new 30-character message id (see takeMsgId). */
  newMsgId(): string {
    return takeMsgId(this.db, this.clock, this.config.institutionCode, this.config.terminalNo);
  }

  /**
   * The sign-in number from the last 9001, '' before the first. With an operator: that
   * operator's own sign-in at this terminal (the national platform signs in each operator;
   * center_state key `sign_no:<operator>`); without: the window's (the simple protocol's).
   */
  signNo(operatorId?: string): string {
    return value(this.db, 'SELECT value FROM center_state WHERE key = :key', { key: signNoKey(operatorId) }, z.string()) ?? '';
  }

  setSignNo(signNo: string, operatorId?: string): void {
    insertInto(
      this.db,
      'center_state',
      { key: signNoKey(operatorId), value: signNo, updated_at: this.clock.now().toISOString() },
      'ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    );
  }

  /** Forget a sign-in number (after 9002, or when the center no longer knows it). */
  clearSignNo(operatorId?: string): void {
    run(this.db, 'DELETE FROM center_state WHERE key = :key', { key: signNoKey(operatorId) });
  }

  onContact(fn: (r: ContactReport) => void): () => void {
    this.contactListeners.add(fn);
    return () => this.contactListeners.delete(fn);
  }

  /** Send one transaction. Never throws: every outcome is classified. */
  async send(infno: string, input: object, opts: SendOptions = {}): Promise<CenterOutcome> {
    let msgid: string;
    try {
      msgid = opts.msgid ?? this.newMsgId();
    } catch (e) {
      return { kind: 'unknown', msgid: opts.msgid ?? '', reason: `无法生成报文号：${e instanceof Error ? e.message : String(e)}` };
    }
    const envelope = buildEnvelope(infno, msgid, input, {
      institutionCode: this.config.institutionCode,
      institutionName: this.config.institutionName,
      areaCode: this.config.areaCode,
      ...(opts.insuplcAdmdvs ? { insuplcAdmdvs: opts.insuplcAdmdvs } : {}),
      signNo: this.signNo(),
      operatorId: opts.operator?.id ?? 'system',
      operatorName: opts.operator?.name ?? '系统',
      infTime: chinaDateTime(this.clock.now()),
    });
    const body = Buffer.from(JSON.stringify(envelope), 'utf8');
    const r = await this.exchange(this.target, 'x-signature', body, opts);
    return this.outcomeOf(infno, msgid, r, (text) => classifyResponse(msgid, text));
  }

  /** The national variant this client speaks (sendNational). */
  get variant(): NationalVariant {
    return this.config.nationalVariant ?? DEFAULT_VARIANT;
  }

  /**
   * One national exchange (NATIONAL-PLATFORM.md §1) at the variant's path, under its field names,
   * signed in its header, within its per-transaction deadline. Never throws: every outcome is
   * classified through both error layers (wire/national/envelope.ts).
   */
  async sendNational(infno: string, input: object, opts: SendOptions = {}): Promise<NationalOutcome> {
    let msgid: string;
    try {
      msgid = opts.msgid ?? this.newMsgId();
    } catch (e) {
      return { kind: 'unknown', msgid: opts.msgid ?? '', reason: `无法生成报文号：${e instanceof Error ? e.message : String(e)}` };
    }
    const v = this.variant;
    const request = buildNationalRequest(v, infno, msgid, input, {
      institutionCode: this.config.institutionCode,
      institutionName: this.config.institutionName,
      areaCode: this.config.areaCode,
      ...(opts.insuplcAdmdvs ? { insuplcAdmdvs: opts.insuplcAdmdvs } : {}),
      ...(opts.insutype ? { insutype: opts.insutype } : {}),
      // National: each operator's own sign-in at this terminal (an operator not signed in sends
      // none and is asked to sign in); without an operator, the window's.
      signNo: this.signNo(opts.operator?.id),
      operatorId: opts.operator?.id ?? 'system',
      operatorName: opts.operator?.name ?? '系统',
      infTime: chinaDateTime(this.clock.now()),
    });
    const body = Buffer.from(JSON.stringify(request), 'utf8');
    const r = await this.exchange(this.nationalTarget, v.signatureHeader, body, { ...opts, timeoutMs: opts.timeoutMs ?? timeoutFor(v, infno) });
    return this.outcomeOf(infno, msgid, r, (text) => classifyNationalResponse(v, infno, msgid, text));
  }

  /**
   * What an exchange came to: no answer or an HTTP error is `unknown` (the center may have
   * acted), a 200 body is classified by its protocol. Reachability is reported either way.
   */
  private outcomeOf<O extends CenterOutcome>(infno: string, msgid: string, r: Awaited<ReturnType<CenterClient['post']>>, classify: (text: string) => O): O | CenterOutcome {
    const at = this.clock.now().toISOString();
    let outcome: O | CenterOutcome;
    if (r.kind === 'network') {
      outcome = { kind: 'unknown', msgid, reason: r.reason };
      this.report({ reached: false, at, error: r.reason });
    } else if (r.status !== 200) {
      outcome = { kind: 'unknown', msgid, reason: `中心返回 HTTP ${r.status}` };
      this.report({ reached: true, at, error: outcome.reason });
    } else {
      outcome = classify(r.text);
      this.report({ reached: true, at, error: outcome.kind === 'unknown' ? outcome.reason : null });
    }
    // Bodies carry identities: the log gets the transaction, the id and the class only.
    if (outcome.kind !== 'success') this.log.warn('center exchange', { infno, msgid, kind: outcome.kind, detail: 'reason' in outcome ? outcome.reason : outcome.message });
    return outcome;
  }

  /** Post a signed body; a kept-alive socket the server had already closed is retried once. */
  private async exchange(target: URL, signatureHeader: string, body: Buffer, opts: SendOptions): ReturnType<CenterClient['post']> {
    const signature = signBody(body, this.config.institutionSecret);
    const r = await this.post(target, signatureHeader, body, signature, opts);
    // The stale socket failed before the request left; the same body (same msgid) is safe to
    // send again: the center answers a repeat from its store.
    return r.kind === 'network' && r.staleSocket ? this.post(target, signatureHeader, body, signature, opts) : r;
  }

  close(): void {
    this.agent.destroy();
    this.contactListeners.clear();
  }

  private report(r: ContactReport): void {
    for (const fn of this.contactListeners) {
      try {
        fn(r);
      } catch (e) {
        this.log.error('center contact listener failed', { error: e instanceof Error ? e.message : String(e) });
      }
    }
  }

  private post(
    target: URL,
    signatureHeader: string,
    body: Buffer,
    signature: string,
    opts: SendOptions,
  ): Promise<{ kind: 'network'; reason: string; staleSocket?: boolean } | { kind: 'http'; status: number; text: string }> {
    const timeoutMs = opts.timeoutMs ?? this.config.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxBytes = opts.maxResponseBytes ?? this.config.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const lib = target.protocol === 'https:' ? https : http;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (v: { kind: 'network'; reason: string; staleSocket?: boolean } | { kind: 'http'; status: number; text: string }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(v);
      };
      const req = lib.request(target, {
        method: 'POST',
        agent: this.agent,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-length': body.length,
          [signatureHeader]: signature,
        },
      });
      // One deadline for the whole exchange (connect, send, wait, read), not per socket event.
      const timer = setTimeout(() => {
        finish({ kind: 'network', reason: `等待中心应答超时（${timeoutMs} 毫秒）` });
        req.destroy();
      }, timeoutMs);
      let gotResponse = false;
      req.on('error', (e: NodeJS.ErrnoException) =>
        finish({ kind: 'network', reason: describeNetworkError(e), staleSocket: req.reusedSocket && !gotResponse && (e.code === 'ECONNRESET' || e.code === 'EPIPE') }),
      );
      req.on('response', (res) => {
        gotResponse = true;
        const declared = Number(res.headers['content-length']);
        const total = Number.isFinite(declared) && declared >= 0 ? declared : null;
        if (total !== null && total > maxBytes) {
          finish({ kind: 'network', reason: `中心应答过大（${total} 字节，上限 ${maxBytes}）` });
          res.destroy();
          req.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        let received = 0;
        res.on('data', (c: Buffer) => {
          received += c.length;
          if (received > maxBytes) {
            finish({ kind: 'network', reason: `中心应答过大（超过 ${maxBytes} 字节）` });
            res.destroy();
            req.destroy();
            return;
          }
          chunks.push(c);
          opts.onProgress?.(received, total);
        });
        res.on('end', () => {
          if (total !== null && received < total) {
            finish({ kind: 'network', reason: `中心应答不完整（收到 ${received}/${total} 字节）` });
            return;
          }
          finish({ kind: 'http', status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('aborted', () => finish({ kind: 'network', reason: `中心应答中途断开（收到 ${received} 字节）` }));
        res.on('error', (e: NodeJS.ErrnoException) => finish({ kind: 'network', reason: describeNetworkError(e) }));
      });
      req.end(body);
    });
  }
}

/** center_state key of a sign-in number: the window's, or one operator's. */
function signNoKey(operatorId?: string): string {
  return operatorId ? `sign_no:${operatorId}` : 'sign_no';
}

function readCa(file: string): Buffer {
  // A configured path (often a link under /etc/ssl): followed, but bounded and a regular file.
  return readBoundedFile(file, { maxBytes: CA_FILE_MAX_BYTES, codePrefix: 'CENTER_CA', what: '医保中心 CA 证书文件', allowSymlink: true });
}

function describeNetworkError(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ECONNREFUSED':
      return '中心拒绝连接（ECONNREFUSED）';
    case 'ECONNRESET':
      return '连接被中心重置（ECONNRESET），交易结果未知';
    case 'ENOTFOUND':
      return '找不到中心主机（ENOTFOUND）';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `网络不可达（${e.code}）`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'CERT_HAS_EXPIRED':
      return `中心证书校验失败（${e.code}）：请检查 centerCaFile 设置`;
    default:
      return `与中心通信失败（${e.code ?? e.message}）`;
  }
}
