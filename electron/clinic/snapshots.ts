// A record's current state, read from the window's database, as it is written to the clinic's
// PostgreSQL. Settlements get typed columns (the clinic reports sum them); everything else is a
// JSON body. Identity is pseudonymised or sealed here, before anything leaves (identity.ts).
// What the center has and at which amounts is reconciliation's own definition (shift/reconcile.ts).
import type { Db } from '../db/open';
import { z } from 'zod';
import { fenColumn, one } from '../db/sql';
import { OutboxStore } from '../outbox/store';
import { AUDIT_STREAM_SQL } from '../auth/audit';
import { AGREED_AMOUNTS_SQL as AMOUNTS, SETTLEMENT_STREAM_SQL } from '../settlement/owner';
import { SettlementRowSchema } from '../settlement/reader';
import { CENTER_ID, KNOWN_TO_CENTER } from '../shift/reconcile';
import { RECEIVABLE_STREAM_SQL } from '../shift/receivables';
import { SHIFT_STREAM_SQL } from '../shift/shifts';
import { WORKLIST_STREAM_SQL } from '../shift/worklist';
import type { IdentitySeal } from './identity';
import type { RecordKind } from './stream-store';

/** The clinic's settlements row (migrations-pg/0001_clinic.sql), money in fen. */
export interface ClinicSettlement {
  window_id: string;
  id: string;
  version: number;
  created_at: string;
  created_day: string;
  operator_id: string;
  shift_id: string;
  psn_ref: string;
  psn_name_enc: string;
  cert_type: string;
  cert_no_enc: string;
  insutype: string;
  insurance_type: string;
  visit_type: string;
  state: string;
  online: boolean;
  refund_of: string | null;
  total: number;
  fund_pay: number;
  critical_illness_pay: number;
  account_pay: number;
  cash_pay: number;
  known_to_center: boolean;
  center_setl_id: string | null;
  agreed_total: number;
  agreed_fund: number;
  agreed_account: number;
  reject_code: string | null;
  reject_reason: string | null;
  owed: number;
  paid: number;
  deducted: number;
  rejected: number;
  outstanding: number;
  receivable_status: string | null;
  written_off: boolean;
  updated_at: string;
}

/** Columns written on every upsert (all but streamed_at, which PostgreSQL stamps). */
export const SETTLEMENT_COLUMNS = [
  'window_id', 'id', 'version', 'created_at', 'created_day', 'operator_id', 'shift_id', 'psn_ref', 'psn_name_enc', 'cert_type', 'cert_no_enc',
  'insutype', 'insurance_type', 'visit_type', 'state', 'online', 'refund_of', 'total', 'fund_pay', 'critical_illness_pay', 'account_pay', 'cash_pay',
  'known_to_center', 'center_setl_id', 'agreed_total', 'agreed_fund', 'agreed_account', 'reject_code', 'reject_reason',
  'owed', 'paid', 'deducted', 'rejected', 'outstanding', 'receivable_status', 'written_off', 'updated_at',
] as const satisfies readonly (keyof ClinicSettlement)[];

export interface ClinicRecord {
  window_id: string;
  kind: Exclude<RecordKind, 'settlement'>;
  record_id: string;
  version: number;
  body: Record<string, unknown>;
}

const maybeText = z.string().nullable();
const int = z.number().int();
/** The journal's columns as the settlement part reads them, and what the composed query adds. */
const SettlementRow = SettlementRowSchema.pick({
  id: true, created_at: true, created_day: true, operator_id: true, shift_id: true, psn_no: true, psn_name: true, cert_type: true, cert_no: true,
  insutype: true, insurance_type: true, visit_type: true, state: true, online: true, refund_of: true,
  fund_pay: true, critical_illness_pay: true, account_pay: true, cash_pay: true, updated_at: true,
}).extend({
  local_total: fenColumn,
  known: int,
  center_id: maybeText,
  total: fenColumn,
  fund: fenColumn,
  account: fenColumn,
  owed: fenColumn.nullable(),
  paid: fenColumn.nullable(),
  deducted: fenColumn.nullable(),
  rejected: fenColumn.nullable(),
  outstanding: fenColumn.nullable(),
  receivable_status: maybeText,
  written_off: int,
});
/** Another kind's record goes to PostgreSQL as the owner's query returns it. */
const RecordRow = z.record(z.string(), z.unknown());

/** One record of each kind, by id: the owners' queries. */
const RECORD_SQL: Record<Exclude<RecordKind, 'settlement'>, string> = {
  adjustment: SETTLEMENT_STREAM_SQL.adjustment,
  notice: RECEIVABLE_STREAM_SQL.notice,
  shift: SHIFT_STREAM_SQL.shift,
  cash_movement: SHIFT_STREAM_SQL.cashMovement,
  shift_correction: SHIFT_STREAM_SQL.shiftCorrection,
  worklist_action: WORKLIST_STREAM_SQL.action,
  audit: AUDIT_STREAM_SQL.entry,
};

export class SnapshotReader {
  private readonly settlementSql: string;
  private readonly outbox: OutboxStore;

  constructor(
    private readonly db: Db,
    private readonly seal: IdentitySeal,
    private readonly windowId: string,
  ) {
    this.outbox = new OutboxStore(db);
    this.settlementSql = (
      `SELECT s.id, s.created_at, s.created_day, s.operator_id, s.shift_id, s.psn_no, s.psn_name, s.cert_type, s.cert_no, s.insutype,
              s.insurance_type, s.visit_type, s.state, s.online, s.refund_of, s.total AS local_total, s.fund_pay, s.critical_illness_pay,
              s.account_pay, s.cash_pay, ${KNOWN_TO_CENTER} AS known, ${CENTER_ID} AS center_id, ${AMOUNTS},
              r.owed, r.paid, r.deducted, r.rejected, r.outstanding, r.status AS receivable_status,
              ${WORKLIST_STREAM_SQL.writtenOff('s.id')} AS written_off, s.updated_at
       FROM ${SETTLEMENT_STREAM_SQL.settlementFrom()} ${RECEIVABLE_STREAM_SQL.receivableJoin('r', 's.id')}
       WHERE s.id = :id`
    );
  }

  settlement(id: string, version: number): ClinicSettlement | null {
    const r = one(this.db, this.settlementSql, { id }, SettlementRow);
    if (!r) return null;
    const rejected = r.state === 'rejected' ? this.outbox.forSettlement(id).filter((o) => o.kind === 'upload' && o.state === 'rejected').at(-1) : undefined;
    return {
      window_id: this.windowId,
      id: r.id,
      version,
      created_at: r.created_at,
      created_day: r.created_day,
      operator_id: r.operator_id,
      shift_id: r.shift_id,
      psn_ref: this.seal.pseudonym(r.psn_no),
      psn_name_enc: this.seal.seal(r.psn_name),
      cert_type: r.cert_type,
      cert_no_enc: this.seal.seal(r.cert_no),
      insutype: r.insutype,
      insurance_type: r.insurance_type,
      visit_type: r.visit_type,
      state: r.state,
      online: r.online === 1,
      refund_of: r.refund_of,
      total: r.local_total,
      fund_pay: r.fund_pay,
      critical_illness_pay: r.critical_illness_pay,
      account_pay: r.account_pay,
      cash_pay: r.cash_pay,
      known_to_center: r.known === 1,
      center_setl_id: r.center_id,
      agreed_total: r.total,
      agreed_fund: r.fund,
      agreed_account: r.account,
      reject_code: rejected?.reject_code ?? null,
      reject_reason: rejected?.reject_reason ?? null,
      owed: r.owed ?? 0,
      paid: r.paid ?? 0,
      deducted: r.deducted ?? 0,
      rejected: r.rejected ?? 0,
      outstanding: r.outstanding ?? 0,
      receivable_status: r.receivable_status,
      written_off: r.written_off === 1,
      updated_at: r.updated_at,
    };
  }

  record(kind: Exclude<RecordKind, 'settlement'>, id: string, version: number): ClinicRecord | null {
    const row = one(this.db, RECORD_SQL[kind], { id }, RecordRow);
    if (!row) return null;
    // An audit entry's detail may name a patient: it travels sealed.
    const body = kind === 'audit' ? { ...row, detail: undefined, detail_enc: this.seal.seal(String(row['detail'] ?? '{}')) } : row;
    return { window_id: this.windowId, kind, record_id: id, version, body };
  }
}
