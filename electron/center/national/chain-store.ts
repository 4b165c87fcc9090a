// The national chain journal's one owner (tables national_chains, national_steps; migration
// 0017). Every write is a named transition: a step is written as `sending` BEFORE it leaves
// (beginStep), then answered (answerStep) or later marked reversed/undone. Nothing else in the
// app names these tables.
import { z } from 'zod';
import type { Db } from '../../db/open';
import { insertInto, many, one, run, value } from '../../db/sql';
import type { NationalOutcome } from '../wire/national/envelope';

export type ChainState = 'running' | 'compensating' | 'settled' | 'undone' | 'blocked';
export type StepPurpose = 'forward' | 'undo' | 'reverse';
export type StepState = 'sending' | 'success' | 'rejected' | 'busy' | 'unknown' | 'reversed' | 'undone';

const text = z.string();
const maybe = z.string().nullable();

const chainRow = z.object({
  chain_id: text,
  settlement_id: maybe,
  psn_no: text,
  spec: text,
  state: z.enum(['running', 'compensating', 'settled', 'undone', 'blocked']),
  mdtrt_id: maybe,
  setl_id: maybe,
  result: maybe,
  created_at: text,
  updated_at: text,
});
export type ChainRow = z.output<typeof chainRow>;

const stepRow = z.object({
  msgid: text,
  chain_id: text,
  seq: z.number().int(),
  infno: text,
  purpose: z.enum(['forward', 'undo', 'reverse']),
  body: text,
  state: z.enum(['sending', 'success', 'rejected', 'busy', 'unknown', 'reversed', 'undone']),
  output: maybe,
  code: maybe,
  reason: maybe,
  sent_at: text,
  answered_at: maybe,
});
export type StepRow = z.output<typeof stepRow>;

export class ChainStore {
  constructor(private readonly db: Db) {}

  create(c: { chainId: string; settlementId: string | null; psnNo: string; spec: object; now: Date }): void {
    const at = c.now.toISOString();
    insertInto(this.db, 'national_chains', { chain_id: c.chainId, settlement_id: c.settlementId, psn_no: c.psnNo, spec: JSON.stringify(c.spec), state: 'running', created_at: at, updated_at: at });
  }

  get(chainId: string): ChainRow | undefined {
    return one(this.db, 'SELECT * FROM national_chains WHERE chain_id = :chainId', { chainId }, chainRow);
  }

  bySettlement(settlementId: string): ChainRow | undefined {
    return one(this.db, 'SELECT * FROM national_chains WHERE settlement_id = :settlementId ORDER BY created_at DESC LIMIT 1', { settlementId }, chainRow);
  }

  steps(chainId: string): StepRow[] {
    return many(this.db, 'SELECT * FROM national_steps WHERE chain_id = :chainId ORDER BY seq', { chainId }, stepRow);
  }

  /** The local settlement of the chain a step's msgid belongs to (reconciliation traces a center row by it). */
  settlementOfStep(msgid: string): string | null {
    const r = one(this.db, 'SELECT c.settlement_id FROM national_steps s JOIN national_chains c ON c.chain_id = s.chain_id WHERE s.msgid = :msgid', { msgid }, z.object({ settlement_id: z.string().nullable() }));
    return r?.settlement_id ?? null;
  }

  /** Chains not finished (running or compensating), oldest first: what a restart resumes. */
  openChains(): string[] {
    return many(this.db, "SELECT chain_id FROM national_chains WHERE state IN ('running','compensating') ORDER BY created_at, chain_id", {}, z.object({ chain_id: text })).map((r) => r.chain_id);
  }

  /** Where a chain stands, for the queue screen: its state and its latest step (which, msgid, how). */
  progress(chainId: string): { state: ChainState; infno: string | null; msgid: string | null; stepState: StepState | null; steps: number } | undefined {
    const chain = this.get(chainId);
    if (!chain) return undefined;
    const last = one(this.db, 'SELECT * FROM national_steps WHERE chain_id = :chainId ORDER BY seq DESC LIMIT 1', { chainId }, stepRow);
    const steps = value(this.db, 'SELECT count(*) FROM national_steps WHERE chain_id = :chainId', { chainId }, z.number().int()) ?? 0;
    return { state: chain.state, infno: last?.infno ?? null, msgid: last?.msgid ?? null, stepState: last?.state ?? null, steps };
  }

  /** Journal a step as `sending` (durable before the request leaves). */
  beginStep(s: { chainId: string; infno: string; purpose: StepPurpose; msgid: string; body: object; now: Date }): void {
    this.db.transaction(() => {
      const seq = value(this.db, 'SELECT coalesce(max(seq), 0) + 1 FROM national_steps WHERE chain_id = :chainId', { chainId: s.chainId }, z.number().int()) ?? 1;
      insertInto(this.db, 'national_steps', { msgid: s.msgid, chain_id: s.chainId, seq, infno: s.infno, purpose: s.purpose, body: JSON.stringify(s.body), state: 'sending', sent_at: s.now.toISOString() });
      this.touch(s.chainId, s.now);
    }).immediate();
  }

  /** Run `fn` in one IMMEDIATE transaction: an answer and what follows from it land together. */
  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** Record how a step was answered (unknown included: the runner resolves it next). */
  answerStep(msgid: string, o: NationalOutcome, now: Date): void {
    const state: StepState = o.kind;
    const output = o.kind === 'success' || (o.kind === 'rejected' && o.output !== undefined) ? (JSON.stringify(o.output ?? null) ?? null) : null;
    const code = o.kind === 'rejected' ? (o.code ?? null) : null;
    const reason = (o.kind === 'unknown' ? o.reason : o.kind === 'success' ? o.warning : o.message) ?? null;
    run(this.db, 'UPDATE national_steps SET state = :state, output = :output, code = :code, reason = :reason, answered_at = :at WHERE msgid = :msgid', { state, output, code, reason, at: now.toISOString(), msgid });
  }

  /** A step the center no longer holds: reversed by 2601, or undone by its undo step. */
  markStep(msgid: string, state: 'reversed' | 'undone', now: Date): void {
    run(this.db, 'UPDATE national_steps SET state = :state, answered_at = coalesce(answered_at, :at) WHERE msgid = :msgid', { state, at: now.toISOString(), msgid });
  }

  setVisit(chainId: string, mdtrtId: string, now: Date): void {
    run(this.db, 'UPDATE national_chains SET mdtrt_id = :mdtrtId, updated_at = :at WHERE chain_id = :chainId', { mdtrtId, at: now.toISOString(), chainId });
  }

  compensate(chainId: string, refusal: object, now: Date): void {
    run(this.db, "UPDATE national_chains SET state = 'compensating', result = :result, updated_at = :at WHERE chain_id = :chainId", { result: JSON.stringify(refusal), at: now.toISOString(), chainId });
  }

  finish(chainId: string, state: 'settled' | 'undone' | 'blocked', result: object, now: Date, setlId?: string): void {
    run(this.db, 'UPDATE national_chains SET state = :state, result = :result, setl_id = coalesce(:setlId, setl_id), updated_at = :at WHERE chain_id = :chainId', {
      state, result: JSON.stringify(result), setlId: setlId ?? null, at: now.toISOString(), chainId,
    });
  }

  private touch(chainId: string, now: Date): void {
    run(this.db, 'UPDATE national_chains SET updated_at = :at WHERE chain_id = :chainId', { at: now.toISOString(), chainId });
  }
}
