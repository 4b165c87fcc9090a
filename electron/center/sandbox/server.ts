// The sandbox insurance center: a real HTTP server on 127.0.0.1 implementing every
// transaction of CENTER-PROTOCOL.md against its own SQLite file, with faults on command
// (methods here, and a loopback control endpoint on a second port).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { systemClock, type Clock } from '../../app/clock';
import type { Logger } from '../../app/log';
import { silentLogger } from '../../app/log';
import { guardRequest, hardenHttpServer, SERVER_LIMITS } from '../../app/server-safety';
import type { CatalogEntry, PolicyTable, Scheme } from '../../policy/split/types';
import { msgStamp, MSGID_PATTERN, padInstitution } from '../wire/msgid';
import type { SettlementAmounts } from '../wire/settlement';
import { DEMO_PERSONS } from './demo-persons';
import { faultPatchSchema, noFaults, takeFault, type FaultSettings, type MalformedMode } from './faults';
import { many, value } from '../../db/sql';
import { latestPolicy, nextCounter, openSandboxDb, prepared, readYear, SandboxSettlementRow, type PersonYear, type SandboxDb } from './store';
import { TRANSACTIONS, type TxAnswer } from './transactions';
import { NATIONAL_TRANSACTIONS, needsSignIn } from './national/chain';
import { CATALOG_TRANSACTIONS, spoilCatalogPage } from './national/catalog';
import { NATIONAL_STOCK_TRANSACTIONS, SIMPLE_STOCK_TRANSACTIONS } from './stock';
import { clearingApps, NATIONAL_CLEARING_TRANSACTIONS, payClearing, SIMPLE_CLEARING_TRANSACTIONS, type SandboxClearing } from './clearing';
import { NATIONAL_INPATIENT_TRANSACTIONS, sandboxStay, SIMPLE_INPATIENT_TRANSACTIONS } from './inpatient';
import { readNationalRequest, renameKeys } from '../wire/national/envelope';
import { DEFAULT_VARIANT, type NationalVariant } from '../wire/national/variant';

export interface SandboxOptions {
  /** Folder for the sandbox's own database (sandbox-center.db); ':memory:' keeps nothing. */
  dataDir: string;
  institutionCode: string;
  secret: string;
  /** 0 = a free port. */
  port?: number;
  /** Port of the control endpoint; 0 = a free port; null = none. */
  controlPort?: number | null;
  faults?: Partial<FaultSettings>;
  clock?: Clock;
  log?: Logger;
  /** Request bodies above this are refused (413). */
  maxRequestBytes?: number;
  /** The province variant the national endpoint speaks (its path, field names, codes). */
  nationalVariant?: NationalVariant;
  /** The institution's hospital level as the center has it on file (national 2204/2206/2207). */
  hospitalLevel?: number;
}

export interface PolicyChange {
  version?: string;
  upserts?: CatalogEntry[];
  deletes?: string[];
  schemes?: Scheme[];
}

export interface NoticeSpec {
  type: 'paid' | 'rejected' | 'deducted';
  /** One settlement; absent = every active settlement without a notice of this type yet. */
  setlId?: string;
  /** fen; default: the settlement's fund payment (paid) or the whole fund payment (rejected/deducted). */
  amount?: number;
  reasonCode?: string;
  reason?: string;
}

export interface Notice {
  notice_id: number;
  type: string;
  setl_id: string;
  amount: number;
  reason_code: string | null;
  reason: string | null;
  time: string;
}

const HOST = '127.0.0.1';

const noticeSpecSchema = z
  .object({
    type: z.enum(['paid', 'rejected', 'deducted']),
    setlId: z.string().min(1).optional(),
    amount: z.number().int().optional(),
    reasonCode: z.string().optional(),
    reason: z.string().optional(),
  })
  .strict();

// Entries are checked by the client's policy part when they arrive; publishing a bad one is
// how tests make an invalid delta, so only the shape of the request is checked here.
const policyChangeSchema = z
  .object({
    version: z.string().min(1).optional(),
    upserts: z.array(z.object({ code: z.string().min(1) }).passthrough()).optional(),
    deletes: z.array(z.string().min(1)).optional(),
    schemes: z.array(z.object({ id: z.string() }).passthrough()).optional(),
  })
  .strict();

const EnvelopeRow = z.object({ msgid: z.string(), infno: z.string(), opter: z.string().nullable(), opter_name: z.string().nullable(), sign_no: z.string().nullable() });

export class SandboxCenter {
  private faultState: FaultSettings;
  private txServer: http.Server;
  private controlServer: http.Server | null = null;
  private readonly sockets = new Set<Socket>();
  private txPort = 0;
  private ctlPort: number | null = null;
  private closed = false;
  readonly db: SandboxDb;
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(private readonly opts: SandboxOptions) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? silentLogger;
    this.faultState = { ...noFaults(), ...(opts.faults ?? {}) };
    this.db = openSandboxDb(opts.dataDir === ':memory:' ? ':memory:' : join(opts.dataDir, 'sandbox-center.db'), this.clock.now());
    this.txServer = this.makeTxServer();
  }

  get port(): number {
    return this.txPort;
  }

  get url(): string {
    return `http://${HOST}:${this.txPort}`;
  }

  get controlUrl(): string | null {
    return this.ctlPort === null ? null : `http://${HOST}:${this.ctlPort}`;
  }

  get faults(): FaultSettings {
    return this.faultState;
  }

  async listen(): Promise<void> {
    if (!this.faultState.refuse) await this.listenTx(this.opts.port ?? 0);
    else this.txPort = this.opts.port || (await freePort());
    if (this.opts.controlPort !== null && this.opts.controlPort !== undefined) {
      // The same net as the app's own servers: an unparseable or slow request is answered and
      // logged, a handler that throws answers 500; the process (the app itself in demo mode) lives.
      this.controlServer = http.createServer(
        { maxHeaderSize: SERVER_LIMITS.maxHeaderBytes },
        guardRequest(this.log, 'sandbox center control', (req, res) => this.handleControl(req, res)),
      );
      hardenHttpServer(this.controlServer, this.log, 'sandbox center control');
      await new Promise<void>((resolve, reject) => {
        this.controlServer!.once('error', reject);
        this.controlServer!.listen(this.opts.controlPort ?? 0, HOST, () => resolve());
      });
      this.ctlPort = (this.controlServer.address() as AddressInfo).port;
    }
  }

  /** Merge fault settings (refuse switches the listener off or on). */
  async setFaults(patch: Partial<FaultSettings>): Promise<FaultSettings> {
    const wasRefusing = this.faultState.refuse;
    this.faultState = {
      ...this.faultState,
      ...patch,
      rejectItems: { ...this.faultState.rejectItems, ...(patch.rejectItems ?? {}) },
      rejectPersons: { ...this.faultState.rejectPersons, ...(patch.rejectPersons ?? {}) },
      outsideClaims: { ...this.faultState.outsideClaims, ...(patch.outsideClaims ?? {}) },
    };
    if (!wasRefusing && this.faultState.refuse) await this.stopTx();
    if (wasRefusing && !this.faultState.refuse && !this.closed) await this.listenTx(this.txPort);
    return this.faultState;
  }

  async clearFaults(): Promise<FaultSettings> {
    await this.setFaults({ ...noFaults(), rejectItems: {}, rejectPersons: {}, outsideClaims: {} });
    this.faultState.rejectItems = {};
    this.faultState.rejectPersons = {};
    this.faultState.outsideClaims = {};
    return this.faultState;
  }

  setOffline(offline: boolean): Promise<FaultSettings> {
    return this.setFaults({ refuse: offline });
  }

  /** Publish a policy change: a new table with seq + 1 (clients get it as a delta). */
  publishPolicyChange(change: PolicyChange = {}): { seq: number; version: string } {
    return this.db.transaction(() => {
      const cur = latestPolicy(this.db);
      const deletes = new Set(change.deletes ?? []);
      const upserts = change.upserts ?? (change.deletes || change.schemes ? [] : [defaultNewItem(cur)]);
      const byCode = new Map(cur.catalog.filter((e) => !deletes.has(e.code)).map((e) => [e.code, e]));
      for (const e of upserts) byCode.set(e.code, e);
      const seq = cur.seq + 1;
      const next: PolicyTable = { ...cur, seq, version: change.version ?? `${cur.version.replace(/\+\d+$/, '')}+${seq}`, catalog: [...byCode.values()], schemes: change.schemes ?? cur.schemes };
      this.db.prepare('INSERT INTO policy_versions (seq, table_json, published_at) VALUES (?,?,?)').run(seq, JSON.stringify(next), this.clock.now().toISOString());
      return { seq, version: next.version };
    })();
  }

  currentPolicy(): PolicyTable {
    return latestPolicy(this.db);
  }

  /** Post payment / rejection notices for uploaded settlements (fetched by 3301). */
  emitNotices(spec: NoticeSpec): Notice[] {
    return this.db.transaction(() => {
      const rows = spec.setlId
        ? many(this.db, "SELECT * FROM settlements WHERE setl_id = :setlId AND kind = 'settle'", { setlId: spec.setlId }, SandboxSettlementRow)
        : many(
            this.db,
            "SELECT * FROM settlements s WHERE kind = 'settle' AND state = 'active' AND cancelled_by IS NULL AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.setl_id = s.setl_id AND n.type = :type) ORDER BY created_at",
            { type: spec.type },
            SandboxSettlementRow,
          );
      const at = this.clock.now().toISOString();
      const out: Notice[] = [];
      for (const r of rows) {
        const a = JSON.parse(r.amounts) as SettlementAmounts;
        const amount = spec.amount ?? a.fundPay + a.criticalIllnessPay;
        const reasonCode = spec.reasonCode ?? (spec.type === 'paid' ? null : 'R-AUDIT');
        const reason = spec.reason ?? (spec.type === 'paid' ? null : '医保审核：不符合支付规定');
        const id = Number(this.db.prepare('INSERT INTO notices (type, setl_id, amount, reason_code, reason, time) VALUES (?,?,?,?,?,?)').run(spec.type, r.setl_id, amount, reasonCode, reason, at).lastInsertRowid);
        out.push({ notice_id: id, type: spec.type, setl_id: r.setl_id, amount, reason_code: reasonCode, reason, time: at });
      }
      return out;
    })();
  }

  /** The fund pays the clinic's clearing applications: every one applied (or the one named). Returns the ids paid. */
  payClearing(appyId?: string): string[] {
    return payClearing(this.db, this.clock.now(), appyId);
  }

  /** Every monthly clearing application the center holds (3203), oldest first. */
  clearings(): SandboxClearing[] {
    return clearingApps(this.db);
  }

  /** Every request's sender fields (opter, opter_name, sign_no), oldest first. */
  /** The catalogue mapping the center holds (3301 / 3302) and every upload or revocation it applied, in order. */
  mappings(): { held: { medins_list_codg: string; hilist_code: string; state: string }[]; log: { msgid: string; infno: string; medins_list_codg: string; hilist_code: string }[] } {
    return {
      held: z.array(z.object({ medins_list_codg: z.string(), hilist_code: z.string(), state: z.string() })).parse(this.db.prepare('SELECT medins_list_codg, hilist_code, state FROM nat_mappings ORDER BY medins_list_codg').all()),
      log: z.array(z.object({ msgid: z.string(), infno: z.string(), medins_list_codg: z.string(), hilist_code: z.string() })).parse(this.db.prepare('SELECT msgid, infno, medins_list_codg, hilist_code FROM nat_mapping_log ORDER BY rowid').all()),
    };
  }

  envelopes(): { msgid: string; infno: string; opter: string | null; opter_name: string | null; sign_no: string | null }[] {
    return many(this.db, 'SELECT msgid, infno, opter, opter_name, sign_no FROM envelopes ORDER BY rowid', {}, EnvelopeRow);
  }

  /** Every national sign-in (9001), oldest first: the operator and whether 9002 ended it. */
  signIns(): { sign_no: string; opter_no: string | null; signed_out: number }[] {
    const rows: unknown[] = this.db.prepare('SELECT sign_no, opter_no, signed_out FROM sign_ins ORDER BY rowid').all();
    return z.array(z.object({ sign_no: z.string(), opter_no: z.string().nullable(), signed_out: z.number() })).parse(rows);
  }

  settlements(): Array<Omit<SandboxSettlementRow, 'amounts'> & { amounts: SettlementAmounts }> {
    return many(this.db, 'SELECT * FROM settlements ORDER BY created_at, setl_id', {}, SandboxSettlementRow).map((r) => ({ ...r, amounts: JSON.parse(r.amounts) as SettlementAmounts }));
  }

  /** A hospital stay as the center holds it (issue 19): its state, fee lines, settlements that stand. */
  stay(mdtrtId: string): ReturnType<typeof sandboxStay> {
    return sandboxStay({ db: this.db }, mdtrtId);
  }

  personYear(psnNo: string): PersonYear | null {
    return readYear(this.db, psnNo);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stopTx();
    if (this.controlServer) {
      this.controlServer.closeAllConnections();
      await new Promise<void>((r) => this.controlServer!.close(() => r()));
    }
    this.db.close();
  }

  // ---- transaction server ----

  private makeTxServer(): http.Server {
    const server = http.createServer({ maxHeaderSize: SERVER_LIMITS.maxHeaderBytes }, guardRequest(this.log, 'sandbox center', (req, res) => this.handleTx(req, res)));
    hardenHttpServer(server, this.log, 'sandbox center');
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    return server;
  }

  private async listenTx(port: number): Promise<void> {
    this.txServer = this.makeTxServer();
    await new Promise<void>((resolve, reject) => {
      this.txServer.once('error', reject);
      this.txServer.listen(port, HOST, () => resolve());
    });
    this.txPort = (this.txServer.address() as AddressInfo).port;
  }

  private async stopTx(): Promise<void> {
    if (!this.txServer.listening) return;
    const closing = new Promise<void>((r) => this.txServer.close(() => r()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closing;
  }

  private async handleTx(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      // Both protocols on one port: ours at /tx, the national one at the variant's path.
      const path = (req.url ?? '').split('?')[0];
      const national = path === this.variant.path;
      if (req.method !== 'POST' || (path !== '/tx' && !national)) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const body = await readBody(req, this.opts.maxRequestBytes ?? 16 * 1024 * 1024);
      if (body === null) {
        res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end('request too large');
        return;
      }
      if (this.faultState.latencyMs > 0) await sleep(this.faultState.latencyMs);
      if (this.closed) return void res.destroy();
      const answered = national
        ? this.processNational(body, String(req.headers[this.variant.signatureHeader] ?? ''))
        : this.process(body, String(req.headers['x-signature'] ?? ''));
      if (answered.drop) {
        // Committed, never answered: the client sees a reset and must resolve the outcome.
        res.socket?.destroy();
        return;
      }
      if (answered.malformed) return this.writeMalformed(res, answered.malformed, answered.json);
      const text = JSON.stringify(answered.json);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
    } catch (e) {
      this.log.error('sandbox center failed', { error: e instanceof Error ? e.stack : String(e) });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
      else res.destroy();
    }
  }

  private envelope(infcode: number, errMsg: string, output: unknown, refmsgid: string): Record<string, unknown> {
    const now = this.clock.now();
    return { infcode, inf_refmsgid: refmsgid, refmsg_time: msgStamp(now), respond_time: `${msgStamp(now)}${String(now.getUTCMilliseconds()).padStart(3, '0')}`, err_msg: errMsg, output: output ?? null };
  }

  private newRefMsgId(): string {
    const n = nextCounter(this.db, 'refmsgid') % 10000;
    return padInstitution('990100000000') + msgStamp(this.clock.now()) + String(n).padStart(4, '0');
  }

  /** Check, replay or run one request; returns the answer and what to do with it. */
  private process(body: Buffer, signature: string): { json: Record<string, unknown>; drop?: boolean; malformed?: MalformedMode } {
    const expected = createHmac('sha256', this.opts.secret).update(body).digest();
    const given = /^[0-9a-f]{64}$/.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { json: this.envelope(-1, 'signature invalid: x-signature 与报文不符', { reject_code: 'SIGNATURE_INVALID' }, '') };
    }
    let env: { infno?: unknown; msgid?: unknown; fixmedins_code?: unknown; fixmedins_name?: unknown; input?: unknown; opter?: unknown; opter_name?: unknown; sign_no?: unknown };
    try {
      env = JSON.parse(body.toString('utf8')) as typeof env;
    } catch {
      return { json: this.envelope(-1, '报文不是有效的 JSON', { reject_code: 'ENVELOPE_INVALID' }, '') };
    }
    const infno = typeof env.infno === 'string' ? env.infno : '';
    const msgid = typeof env.msgid === 'string' ? env.msgid : '';
    if (!MSGID_PATTERN.test(msgid)) return { json: this.envelope(-1, '报文号 msgid 格式不正确（应为 30 位）', { reject_code: 'ENVELOPE_INVALID' }, '') };
    if (env.fixmedins_code !== this.opts.institutionCode) return { json: this.envelope(-1, `机构编码不符：${String(env.fixmedins_code)}`, { reject_code: 'INSTITUTION_UNKNOWN' }, '') };
    const tx = TRANSACTIONS[infno] ?? SIMPLE_CLEARING_TRANSACTIONS[infno] ?? SIMPLE_STOCK_TRANSACTIONS[infno] ?? SIMPLE_INPATIENT_TRANSACTIONS[infno];
    if (!tx) return { json: this.envelope(-1, `不支持的交易：${infno}`, { reject_code: 'INFNO_UNKNOWN' }, '') };

    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    prepared(this.db, 'INSERT INTO envelopes (msgid, infno, opter, opter_name, sign_no, at) VALUES (?,?,?,?,?,?)').run(
      msgid, infno, str(env.opter), str(env.opter_name), str(env.sign_no), this.clock.now().toISOString(),
    );
    if (takeFault(this.faultState.busy, infno)) return { json: this.envelope(-9, '中心繁忙，请稍后重试', null, '') };

    const run = this.db.transaction((): Record<string, unknown> => {
      if (prepared(this.db, 'SELECT 1 FROM reversals WHERE omsgid = ?').get(msgid)) {
        return this.envelope(-1, '该报文已被冲正（2601），不再受理', { reject_code: 'REVERSED' }, this.newRefMsgId());
      }
      const stored = value(this.db, 'SELECT response FROM messages WHERE msgid = :msgid', { msgid }, z.string());
      if (stored !== undefined) return JSON.parse(stored) as Record<string, unknown>;
      const answer: TxAnswer = tx({ db: this.db, now: this.clock.now(), faults: this.faultState, msgid, infno, institutionCode: this.opts.institutionCode, institutionName: str(env.fixmedins_name) ?? '' }, env.input);
      const json = this.envelope(answer.infcode, answer.err_msg, answer.output, this.newRefMsgId());
      prepared(this.db, 'INSERT INTO messages (msgid, infno, response, created_at) VALUES (?,?,?,?)').run(msgid, infno, JSON.stringify(json), this.clock.now().toISOString());
      return json;
    });
    const json = run.immediate();
    if (takeFault(this.faultState.dropAfterCommit, infno)) return { json, drop: true };
    if (this.faultState.malformed && takeFault(this.faultState.malformed, infno)) return { json, malformed: this.faultState.malformed.mode };
    return { json };
  }

  private get variant(): NationalVariant {
    return this.opts.nationalVariant ?? DEFAULT_VARIANT;
  }

  /** A national answer under the variant's names: both error layers' business half (the gateway's is apart). */
  private nationalEnvelope(infno: string, infcode: number, errMsg: string, output: unknown, refmsgid: string, warnMsg = ''): Record<string, unknown> {
    const v = this.variant;
    const now = this.clock.now();
    const ours: Record<string, unknown> = {
      infcode, inf_refmsgid: refmsgid, refmsg_time: msgStamp(now), respond_time: `${msgStamp(now)}${String(now.getUTCMilliseconds()).padStart(3, '0')}`,
      err_msg: errMsg, warn_msg: warnMsg, output: renameKeys(output ?? null, invertNames(v.outputNames[infno])),
    };
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(ours)) out[(v.responseNames as Record<string, string>)[k] ?? k] = val;
    return out;
  }

  /**
   * The national endpoint: the same checks, replay store, reversal rule and faults as `process`,
   * plus the sign-in every transaction but 9001 needs and the national-only faults (a gateway
   * refusal, an expired sign-in, infcode 0 with an err_msg after committing).
   */
  private processNational(body: Buffer, signature: string): { json: Record<string, unknown>; drop?: boolean; malformed?: MalformedMode } {
    const v = this.variant;
    const expected = createHmac('sha256', this.opts.secret).update(body).digest();
    const given = /^[0-9a-f]{64}$/.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { json: { [v.gateway.codeField]: 401, [v.gateway.messageField]: '报文签名校验失败' } };
    }
    let raw: unknown;
    try {
      raw = JSON.parse(body.toString('utf8'));
    } catch {
      return { json: { [v.gateway.codeField]: 400, [v.gateway.messageField]: '报文不是有效的 JSON' } };
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { json: { [v.gateway.codeField]: 400, [v.gateway.messageField]: '报文不是 JSON 对象' } };
    const env = readNationalRequest(v, raw as Record<string, unknown>);
    const infno = typeof env.infno === 'string' ? env.infno : '';
    const msgid = typeof env.msgid === 'string' ? env.msgid : '';
    if (takeFault(this.faultState.gatewayError, infno)) return { json: { [v.gateway.codeField]: 999, [v.gateway.messageField]: '网关转发超时（沙箱故障注入）' } };
    if (!MSGID_PATTERN.test(msgid)) return { json: this.nationalEnvelope(infno, -1, '报文号 msgid 格式不正确（应为 30 位）', null, '') };
    if (env.fixmedins_code !== this.opts.institutionCode) return { json: this.nationalEnvelope(infno, -1, `机构编码不符：${String(env.fixmedins_code).slice(0, 40)}`, null, '') };
    const tx = NATIONAL_TRANSACTIONS[infno] ?? (CATALOG_TRANSACTIONS as Record<string, (typeof NATIONAL_TRANSACTIONS)[string]>)[infno] ?? NATIONAL_CLEARING_TRANSACTIONS[infno] ?? NATIONAL_STOCK_TRANSACTIONS[infno] ?? NATIONAL_INPATIENT_TRANSACTIONS[infno];
    if (!tx) return { json: this.nationalEnvelope(infno, -1, `不支持的交易：${infno.slice(0, 10)}`, null, '') };

    const str = (x: unknown) => (typeof x === 'string' ? x : null);
    const signNo = str(env.sign_no) ?? '';
    prepared(this.db, 'INSERT INTO envelopes (msgid, infno, opter, opter_name, sign_no, at) VALUES (?,?,?,?,?,?)').run(
      msgid, infno, str(env.opter), str(env.opter_name), signNo || null, this.clock.now().toISOString(),
    );
    if (takeFault(this.faultState.busy, infno)) return { json: this.nationalEnvelope(infno, -9, '中心繁忙，请稍后重试', null, '') };
    if (needsSignIn(infno)) {
      // Refused before anything runs or is stored: a retry under the same msgid with a fresh sign_no is processed.
      if (!signNo) return { json: this.nationalEnvelope(infno, -1, '签到编码为空，请先去签到', null, this.newRefMsgId()) };
      const live = prepared(this.db, 'SELECT 1 FROM sign_ins WHERE sign_no = ? AND signed_out = 0').get(signNo);
      if (!live || takeFault(this.faultState.signInExpired, infno)) {
        if (live) prepared(this.db, 'UPDATE sign_ins SET signed_out = 1 WHERE sign_no = ?').run(signNo);
        return { json: this.nationalEnvelope(infno, -1, '签到信息已过期，请重新签到', null, this.newRefMsgId()) };
      }
    }

    const run = this.db.transaction((): Record<string, unknown> => {
      if (prepared(this.db, 'SELECT 1 FROM reversals WHERE omsgid = ?').get(msgid)) {
        return this.nationalEnvelope(infno, -1, '该报文已被冲正（2601），不再受理', null, this.newRefMsgId());
      }
      const stored = value(this.db, 'SELECT response FROM messages WHERE msgid = :msgid', { msgid }, z.string());
      if (stored !== undefined) return JSON.parse(stored) as Record<string, unknown>;
      const input = (env.input ?? null) as unknown;
      const answer: TxAnswer = tx({ db: this.db, now: this.clock.now(), faults: this.faultState, msgid, infno, hospitalLevel: this.opts.hospitalLevel ?? 1, institutionCode: this.opts.institutionCode, institutionName: str(env.fixmedins_name) ?? '' }, input);
      if (answer.infcode === 0 && ['1312', '1318', '1319'].includes(infno) && takeFault(this.faultState.hostileCatalog, infno)) answer.output = spoilCatalogPage(answer.output);
      const json = this.nationalEnvelope(infno, answer.infcode, answer.err_msg, answer.output, this.newRefMsgId());
      prepared(this.db, 'INSERT INTO messages (msgid, infno, response, created_at) VALUES (?,?,?,?)').run(msgid, infno, JSON.stringify(json), this.clock.now().toISOString());
      return json;
    });
    const json = run.immediate();
    if (takeFault(this.faultState.dropAfterCommit, infno)) return { json, drop: true };
    if (takeFault(this.faultState.errWithSuccess, infno)) {
      const errField = (v.responseNames as Record<string, string>).err_msg ?? 'err_msg';
      return { json: { ...json, [errField]: '交易处理异常，请核实（沙箱故障注入：infcode 0 带错误信息）' } };
    }
    if (this.faultState.malformed && takeFault(this.faultState.malformed, infno)) return { json, malformed: this.faultState.malformed.mode };
    return { json };
  }

  private writeMalformed(res: http.ServerResponse, mode: MalformedMode, json: Record<string, unknown>): void {
    switch (mode) {
      case 'garbage': {
        const bytes = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 97 + 13) % 256));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes.length }).end(bytes);
        return;
      }
      case 'not-json':
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>502 Bad Gateway</body></html>');
        return;
      case 'http-500':
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify(json));
        return;
      case 'wrong-types': {
        const text = JSON.stringify({ ...json, infcode: 'zero', output: 12345 });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
        return;
      }
      case 'missing-fields': {
        const { infcode: _drop, ...rest } = json;
        const text = JSON.stringify(rest);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
        return;
      }
      case 'truncated': {
        const text = Buffer.from(JSON.stringify(json));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': text.length });
        res.write(text.subarray(0, Math.floor(text.length / 2)));
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      case 'huge': {
        // 64 MB of JSON-looking filler without a content-length: the client must cut it off.
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let sent = 0;
        const pump = () => {
          while (sent < 1024) {
            sent++;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.write('{"infcode":0,"output":"');
        res.on('close', () => (sent = 1024));
        pump();
        return;
      }
    }
  }

  // ---- control endpoint (loopback only) ----

  private async handleControl(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const send = (status: number, value: unknown) => {
      const text = JSON.stringify(value);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(text);
    };
    try {
      const path = (req.url ?? '').split('?')[0];
      const raw = req.method === 'POST' ? await readBody(req, 1024 * 1024) : Buffer.from('{}');
      const input = raw && raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
      if (req.method === 'GET' && path === '/faults') return send(200, this.faultState);
      if (req.method === 'POST' && path === '/faults') {
        const patch = faultPatchSchema.safeParse(input);
        if (!patch.success) return send(400, { error: 'bad fault settings', issues: patch.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
        return send(200, await this.setFaults(patch.data as Partial<FaultSettings>));
      }
      if (req.method === 'POST' && path === '/faults/clear') return send(200, await this.clearFaults());
      if (req.method === 'POST' && path === '/policy/publish') {
        const change = policyChangeSchema.safeParse(input);
        if (!change.success) return send(400, { error: 'bad policy change', issues: change.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
        return send(200, this.publishPolicyChange(change.data as PolicyChange));
      }
      if (req.method === 'GET' && path === '/policy') return send(200, { seq: this.currentPolicy().seq, version: this.currentPolicy().version });
      if (req.method === 'POST' && path === '/notices') {
        const spec = noticeSpecSchema.safeParse(input);
        if (!spec.success) return send(400, { error: 'bad notice', issues: spec.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
        return send(200, this.emitNotices(spec.data as NoticeSpec));
      }
      if (req.method === 'POST' && path === '/clearing/pay') {
        const spec = z.object({ appyId: z.string().min(1).max(40).optional() }).strict().safeParse(input);
        if (!spec.success) return send(400, { error: 'bad clearing payment', issues: spec.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
        return send(200, { paid: this.payClearing(spec.data.appyId) });
      }
      if (req.method === 'GET' && path === '/clearing') return send(200, this.clearings());
      if (req.method === 'GET' && path === '/persons') return send(200, DEMO_PERSONS);
      if (req.method === 'GET' && path === '/settlements') return send(200, this.settlements());
      if (req.method === 'GET' && path === '/envelopes') return send(200, this.envelopes());
      send(404, { error: 'unknown control path', paths: ['GET /faults', 'POST /faults', 'POST /faults/clear', 'POST /policy/publish', 'GET /policy', 'POST /notices', 'POST /clearing/pay', 'GET /clearing', 'GET /persons', 'GET /settlements'] });
    } catch (e) {
      send(400, { error: e instanceof Error ? e.message : String(e) });
    }
  }
}

/** Start a sandbox center on 127.0.0.1; close() it when done. */
export async function startSandboxCenter(opts: SandboxOptions): Promise<SandboxCenter> {
  const c = new SandboxCenter(opts);
  try {
    await c.listen();
  } catch (e) {
    await c.close();
    throw e;
  }
  return c;
}

function defaultNewItem(cur: PolicyTable): CatalogEntry {
  let n = 1;
  while (cur.catalog.some((e) => e.code === `XR03AL${String(n).padStart(3, '0')}A001010109${String(n).padStart(3, '0')}`)) n++;
  return { code: `XR03AL${String(n).padStart(3, '0')}A001010109${String(n).padStart(3, '0')}`, name: `布地格福吸入气雾剂（新增第${n}批）`, kind: 'drug', spec: '160/7.2/5μg*120揿', unit: '支', class: 'B', selfPayRatio: '0.1' };
}

function readBody(req: http.IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) tooBig = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooBig ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function invertNames(names: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  return names ? Object.fromEntries(Object.entries(names).map(([a, b]) => [b, a])) : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = http.createServer();
    s.once('error', reject);
    s.listen(0, HOST, () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}
