// Pending bills from the HIS and files: stored whole in one transaction, or not at all.
import { z } from 'zod';
import { certTypeSchema } from '../api/contract/center';
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import iconv from 'iconv-lite';
import { AppError } from '../api/result';
import type { CoreApp } from '../app/core';
import { rememberPersonNames } from '../app/log';
import { readBoundedFile } from '../security/safe-files';
import { BILL_FILE_MAX_BYTES, parseBillFile, type Bill } from './bill-format';
import { assertBillPlausible } from './plausible';
import { insertInto, many, one, run, value } from '../db/sql';

export type BillSource = 'file' | 'inbox' | 'http' | 'window';

export interface PendingBill extends Bill {
  id: string;
  source: BillSource;
  sourceRef: string;
  receivedAt: string;
  state: 'pending' | 'settled' | 'discarded';
  settlementId: string | null;
}

const maybeText = z.string().nullable();
/** A whole bills row (`SELECT *`); visit and items stay JSON text until a bill is built. */
const BillRow = z.object({
  id: z.string(),
  source: z.enum(['file', 'inbox', 'http', 'window']),
  source_ref: z.string(),
  external_id: maybeText,
  received_at: z.string(),
  cert_type: certTypeSchema,
  cert_no: z.string(),
  card_sn: maybeText,
  psn_name: maybeText,
  visit: z.string(),
  items: z.string(),
  use_account: z.number().int(),
  state: z.enum(['pending', 'settled', 'discarded']),
  settlement_id: maybeText,
});
type BillRow = z.output<typeof BillRow>;

/**
 * A bill file's bytes, from the CLI or the inbox: a regular file (not a link, FIFO or device) of
 * at most BILL_FILE_MAX_BYTES, else BILL_FILE_SYMLINK / _NOT_REGULAR / _TOO_LARGE / _UNREADABLE.
 */
export function readBillBytes(path: string): Buffer {
  return readBoundedFile(path, { maxBytes: BILL_FILE_MAX_BYTES, codePrefix: 'BILL_FILE', what: '账单文件' });
}

/** File bytes → text: UTF-8 when valid, else GBK (what many HIS exports on Windows write). */
export function decodeBillBytes(buf: Buffer): string {
  const utf8 = buf.toString('utf8');
  return utf8.includes('\uFFFD') ? iconv.decode(buf, 'gbk') : utf8;
}

/** JSON with sorted keys: the same bill gives the same text whatever order its keys came in. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Whether two bills charge the same: same credential, visit, lines and account choice. */
export function sameBillContent(a: Bill, b: Bill): boolean {
  const what = (x: Bill) => canonical({ credential: x.credential, visit: x.visit, items: x.items, useAccount: x.useAccount });
  return what(a) === what(b);
}

function rowToBill(r: BillRow): PendingBill {
  rememberPersonNames(r.psn_name);
  return {
    id: r.id,
    ...(r.external_id ? { billId: r.external_id } : {}),
    credential: { certType: r.cert_type, certNo: r.cert_no, ...(r.card_sn ? { cardSn: r.card_sn } : {}) },
    ...(r.psn_name ? { patientName: r.psn_name } : {}),
    visit: JSON.parse(r.visit) as Bill['visit'],
    useAccount: r.use_account === 1,
    items: JSON.parse(r.items) as Bill['items'],
    source: r.source,
    sourceRef: r.source_ref,
    receivedAt: r.received_at,
    state: r.state,
    settlementId: r.settlement_id,
  };
}

export class BillStore {
  constructor(private readonly core: CoreApp) {}

  /**
   * Store every bill or none; a bill number seen before refuses the whole batch. A bill without a
   * number that is the twin of one still pending (same content: an HIS posting again after a
   * timeout, the same export dropped twice under another name) is that bill, not a second one:
   * its id is returned and nothing is stored, so the patient is not offered it twice.
   */
  add(bills: Bill[], source: BillSource, sourceRef: string): PendingBill[] {
    const db = this.core.db;
    const now = this.core.clock.now();
    const at = now.toISOString();
    // A future visit date or an absurd total refuses the whole batch before anything is stored.
    bills.forEach((b, i) => {
      try {
        assertBillPlausible(b.visit.date, b.items, now);
      } catch (e) {
        if (e instanceof AppError) {
          const which = b.billId ? `账单 ${b.billId}` : `第 ${i + 1} 张账单`;
          throw new AppError(e.code, `${which}：${e.message}未导入任何账单。`, { ...(e.details as object), billId: b.billId ?? null, billNo: i + 1 });
        }
        throw e;
      }
    });
    // From now on the log masks these names in any text, not only under a name key.
    rememberPersonNames(...bills.map((b) => b.patientName));
    return db.transaction(() => {
      const ids: string[] = [];
      let twins = 0;
      for (const b of bills) {
        if (b.billId && value(db, 'SELECT id FROM bills WHERE external_id = :billId', { billId: b.billId }, z.string()) !== undefined) {
          throw new AppError('BILL_DUPLICATE', `账单 ${b.billId} 已导入过，本文件未导入任何账单`, { billId: b.billId });
        }
        const twin = b.billId ? undefined : this.pending(b.credential.certNo).find((p) => !p.billId && sameBillContent(p, b));
        if (twin) {
          ids.push(twin.id);
          twins += 1;
          continue;
        }
        const id = randomUUID();
        insertInto(db, 'bills', {
          id,
          source,
          source_ref: sourceRef,
          external_id: b.billId ?? null,
          received_at: at,
          cert_type: b.credential.certType,
          cert_no: b.credential.certNo,
          card_sn: b.credential.cardSn ?? null,
          psn_name: b.patientName ?? null,
          visit: JSON.stringify(b.visit),
          items: JSON.stringify(b.items),
          use_account: b.useAccount ? 1 : 0,
        });
        ids.push(id);
      }
      this.core.audit.append({ action: 'bill.import', subject: sourceRef, detail: { source, count: bills.length, twinsOfPending: twins, billIds: bills.map((b) => b.billId ?? null) } });
      return ids.map((id) => this.get(id)!);
    })();
  }

  importFile(path: string, source: BillSource = 'file'): PendingBill[] {
    const bills = parseBillFile(path, decodeBillBytes(readBillBytes(path)));
    return this.add(bills, source, basename(path));
  }

  get(id: string): PendingBill | null {
    const r = one(this.core.db, 'SELECT * FROM bills WHERE id = :id', { id }, BillRow);
    return r ? rowToBill(r) : null;
  }

  pending(certNo?: string): PendingBill[] {
    const db = this.core.db;
    const rows = certNo
      ? many(db, "SELECT * FROM bills WHERE state = 'pending' AND cert_no = :certNo ORDER BY received_at, rowid", { certNo }, BillRow)
      : many(db, "SELECT * FROM bills WHERE state = 'pending' ORDER BY received_at, rowid LIMIT 500", {}, BillRow);
    return rows.map(rowToBill);
  }

  /** Settled bills of one person that came from one source (a file name, an inbox file's hash). */
  settledFrom(sourceRef: string, certNo: string): PendingBill[] {
    const rows = many(
      this.core.db,
      "SELECT * FROM bills WHERE state = 'settled' AND source_ref = :sourceRef AND cert_no = :certNo ORDER BY received_at, rowid",
      { sourceRef, certNo },
      BillRow,
    );
    return rows.map(rowToBill);
  }

  /**
   * A pending bill taken into a hospital stay as one fee batch (issue 19): no longer pending, and
   * no journal row of its own (the stay's settlement settles its lines). Inside the caller's
   * transaction; refused when it is no longer pending.
   */
  consumeForStay(id: string): void {
    const r = run(this.core.db, "UPDATE bills SET state = 'settled' WHERE id = :id AND state = 'pending'", { id });
    if (r.changes !== 1) throw new AppError('BILL_NOT_PENDING', `账单 ${id} 不存在或已结算`, { billId: id });
  }

  /** Inside the settle transaction. */
  markSettled(id: string, settlementId: string): void {
    const r = run(this.core.db, "UPDATE bills SET state = 'settled', settlement_id = :settlementId WHERE id = :id AND state = 'pending'", { settlementId, id });
    if (r.changes !== 1) throw new AppError('BILL_NOT_PENDING', `账单 ${id} 不存在或已结算`, { billId: id });
  }
}
