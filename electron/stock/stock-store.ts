// Dispensing stock per batch (issue 17, docs/STOCK.md): the one owner of `stock_batches` and
// `stock_movements` (migration 0025). Every change of a batch is a movement row written in the
// same transaction as the change; the changes a supervisor makes (purchase, purchase return,
// adjustment, stock-take) also queue their report to the center (stock_outbox) in that
// transaction. A settlement's drug lines are taken from the shelf earliest expiry first (FEFO)
// inside the settlement's own transaction (`take`), and a refund gives back exactly the rows the
// sale took, batch for batch (`restore`) — as trace-codes.ts's recordSale / freeFor do for codes.
import { z } from 'zod';
import type { StockBatchView, StockDrugView, StockListView, StockMovementKind, StockMovementView } from '../api/contract/stock';
import { STOCK_MOVEMENT_KINDS } from '../api/contract/stock';
import { formatScaled, parseScaled, parseYuan } from '../api/money';
import { AppError } from '../api/result';
import { chinaDate, chinaDateTime } from '../app/clock';
import type { CoreApp } from '../app/core';
import { insertInto, many, one, run } from '../db/sql';
import type { StockInfno, StockQueue } from '../outbox/stock-queue';
import { INV_CHG_TYPE, stockMessage, type StockMessageBatch } from './stock-messages';

const BatchRow = z.object({
  id: z.number().int(),
  drug_code: z.string(),
  drug_name: z.string(),
  batch_no: z.string(),
  production_date: z.string().nullable(),
  expiry_date: z.string(),
  quantity: z.number().int(),
  purchase_price: z.number().int(),
  supplier: z.string(),
  created_at: z.string(),
});
type BatchRow = z.output<typeof BatchRow>;

const MovementRow = z.object({
  id: z.number().int(),
  batch_id: z.number().int().nullable(),
  drug_code: z.string(),
  kind: z.enum(STOCK_MOVEMENT_KINDS),
  quantity: z.number().int(),
  settlement_id: z.string().nullable(),
  line_no: z.number().int().nullable(),
  restores: z.number().int().nullable(),
  reason: z.string().nullable(),
  operator_id: z.string(),
  at: z.string(),
});
type MovementRow = z.output<typeof MovementRow>;

/** A bill line as the stock sees it. */
export interface StockItem {
  code: string;
  quantity: string;
  name?: string;
}

export interface StockDeps {
  /** The catalogue entry of a clinic code: its name, and whether it is a drug (through the mapping when it is a clinic code). */
  drug: (code: string) => { name: string } | null;
  /** The national code of a clinic code (the catalogue mapping's seam). */
  nationalCodeFor: (code: string) => string;
  queue: StockQueue;
  newMsgId: () => string;
  operatorName: (id: string) => string;
}

const scaledOf = (s: string): bigint => {
  const q = parseScaled(s.trim());
  if (q === null || q <= 0n) throw new AppError('STOCK_QUANTITY_INVALID', `数量 ${s.slice(0, 20)} 不正确：应为大于 0 的数，最多 4 位小数。`, { quantity: s.slice(0, 20) });
  return q;
};
const big = (n: number): bigint => BigInt(n);
const num = (n: bigint): number => Number(n);

export class StockStore {
  constructor(
    private readonly core: CoreApp,
    private readonly deps: StockDeps,
  ) {}

  enabled(): boolean {
    return this.core.settings.stockKeeping;
  }

  private today(): string {
    return chinaDate(this.core.clock.now());
  }

  // ---- the sale's side ----

  /** A bill's drug lines summed per drug code (× 10^4), with the first line of each. */
  private drugNeeds(items: readonly StockItem[]): Map<string, { need: bigint; lineNo: number; name: string }> {
    const needs = new Map<string, { need: bigint; lineNo: number; name: string }>();
    items.forEach((it, i) => {
      const drug = this.deps.drug(it.code);
      const q = parseScaled(it.quantity.trim());
      if (!drug || q === null || q <= 0n) return;
      const n = needs.get(it.code);
      if (n) n.need += q;
      else needs.set(it.code, { need: q, lineNo: i + 1, name: it.name ?? drug.name });
    });
    return needs;
  }

  /** What can be sold of a drug now: its batches not expired. `except`: a settlement being cancelled in the same action (what it took counts as back). */
  private sellable(code: string, except?: string): bigint {
    const r = one(this.core.db, 'SELECT coalesce(sum(quantity), 0) AS q FROM stock_batches WHERE drug_code = :code AND expiry_date >= :today', { code, today: this.today() }, z.object({ q: z.number().int() }))!;
    let q = big(r.q);
    if (except) {
      const back = one(
        this.core.db,
        `SELECT coalesce(-sum(m.quantity), 0) AS q FROM stock_movements m JOIN stock_batches b ON b.id = m.batch_id
         WHERE m.settlement_id = :except AND m.kind = 'sale' AND m.drug_code = :code AND b.expiry_date >= :today
           AND NOT EXISTS (SELECT 1 FROM stock_movements r WHERE r.restores = m.id)`,
        { except, code, today: this.today() },
        z.object({ q: z.number().int() }),
      )!;
      q += big(back.q);
    }
    return q;
  }

  /**
   * Before a preview or a settle (nothing written): with stock keeping on and selling beyond
   * stock not allowed, a drug line whose drug has less sellable stock than the bill's lines of
   * it need is refused (STOCK_SHORT, naming the line, what is needed and what there is).
   */
  check(items: readonly StockItem[], opts: { except?: string } = {}): void {
    if (!this.enabled() || this.core.settings.stockAllowNegative) return;
    for (const [code, n] of this.drugNeeds(items)) {
      const have = this.sellable(code, opts.except);
      if (have < n.need) {
        throw new AppError(
          'STOCK_SHORT',
          `第 ${n.lineNo} 行（${code}${n.name ? ` ${n.name}` : ''}）库存不足：需要 ${formatScaled(n.need)}，可售 ${formatScaled(have < 0n ? 0n : have)}（过期批次不可售）。请先入库，或调整数量。`,
          { lineNo: n.lineNo, code, need: formatScaled(n.need), have: formatScaled(have < 0n ? 0n : have), field: 'stock' },
        );
      }
    }
  }

  /**
   * Inside the settlement's transaction: each drug line taken from the shelf, earliest expiry
   * first (expired batches are never sold). Short stock is refused here too (the transaction
   * rolls back) unless selling beyond stock is allowed: then the rest is taken from the
   * latest-expiring batch (it goes below zero), or, with no batch at all, recorded unbatched.
   * Returns how many movement rows were written.
   */
  take(settlementId: string, items: readonly StockItem[], operatorId: string, now: Date): number {
    if (!this.enabled()) return 0;
    this.check(items);
    const today = chinaDate(now);
    let rows = 0;
    items.forEach((it, i) => {
      if (!this.deps.drug(it.code)) return;
      let left = parseScaled(it.quantity.trim()) ?? 0n;
      if (left <= 0n) return;
      const batches = many(
        this.core.db,
        'SELECT * FROM stock_batches WHERE drug_code = :code AND expiry_date >= :today ORDER BY expiry_date, id',
        { code: it.code, today },
        BatchRow,
      );
      for (const b of batches) {
        if (left === 0n) break;
        const have = big(b.quantity);
        if (have <= 0n) continue;
        const part = have < left ? have : left;
        this.move(b.id, it.code, 'sale', -part, { settlementId, lineNo: i + 1, operatorId, now });
        left -= part;
        rows++;
      }
      if (left > 0n) {
        const last = batches[batches.length - 1];
        this.move(last?.id ?? null, it.code, 'sale', -left, { settlementId, lineNo: i + 1, operatorId, now, reason: '超库存销售' });
        rows++;
      }
    });
    return rows;
  }

  /** Inside the refund's transaction: every row the sale took and nothing gave back yet, given back to its batch. Returns how many. */
  restore(saleId: string, refundId: string, operatorId: string, now: Date): number {
    const taken = many(
      this.core.db,
      `SELECT * FROM stock_movements m WHERE m.settlement_id = :saleId AND m.kind = 'sale'
         AND NOT EXISTS (SELECT 1 FROM stock_movements r WHERE r.restores = m.id) ORDER BY m.id`,
      { saleId },
      MovementRow,
    );
    for (const m of taken) this.move(m.batch_id, m.drug_code, 'refund', -big(m.quantity), { settlementId: refundId, lineNo: m.line_no, operatorId, now, restores: m.id });
    return taken.length;
  }

  // ---- the supervisor's side: each change reported ----

  purchase(
    p: { drugCode: string; batchNo: string; productionDate?: string | undefined; expiryDate: string; quantity: string; purchasePrice: string; supplier: string },
    operatorId: string,
  ): StockBatchView {
    const drug = this.deps.drug(p.drugCode);
    if (!drug) throw new AppError('STOCK_NOT_DRUG', `${p.drugCode} 不是目录中的药品，不能入库。`, { drugCode: p.drugCode });
    if ((p.productionDate && p.productionDate >= p.expiryDate)) {
      throw new AppError('STOCK_DATES_INVALID', `生产日期 ${p.productionDate} 不早于失效日期 ${p.expiryDate}。`, { productionDate: p.productionDate, expiryDate: p.expiryDate });
    }
    const q = scaledOf(p.quantity);
    const price = parseYuan(p.purchasePrice);
    if (price < 0) throw new AppError('INVALID_AMOUNT', `进价 ${p.purchasePrice} 不能为负。`, { value: p.purchasePrice });
    const now = this.core.clock.now();
    return this.core.db.transaction(() => {
      const exists = one(this.core.db, 'SELECT id FROM stock_batches WHERE drug_code = :code AND batch_no = :batchNo', { code: p.drugCode, batchNo: p.batchNo }, z.object({ id: z.number().int() }));
      if (exists) throw new AppError('STOCK_BATCH_EXISTS', `${drug.name} 批号 ${p.batchNo} 已入库（批次 ${exists.id}）。`, { batchId: exists.id });
      const id = Number(
        insertInto(this.core.db, 'stock_batches', {
          drug_code: p.drugCode,
          drug_name: drug.name,
          batch_no: p.batchNo,
          production_date: p.productionDate ?? null,
          expiry_date: p.expiryDate,
          quantity: 0,
          purchase_price: price,
          supplier: p.supplier,
          created_at: now.toISOString(),
        }).lastInsertRowid,
      );
      const m = this.move(id, p.drugCode, 'purchase', q, { operatorId, now });
      this.report('3503', id, m, q, '', operatorId, now);
      return this.batchView(id)!;
    })();
  }

  purchaseReturn(p: { batchId: number; quantity: string; reason: string }, operatorId: string): StockBatchView {
    const q = scaledOf(p.quantity);
    const now = this.core.clock.now();
    return this.core.db.transaction(() => {
      const b = this.batch(p.batchId);
      if (big(b.quantity) < q) throw notEnough(b, q);
      const m = this.move(b.id, b.drug_code, 'purchase_return', -q, { operatorId, now, reason: p.reason });
      this.report('3504', b.id, m, q, p.reason, operatorId, now);
      return this.batchView(b.id)!;
    })();
  }

  adjust(p: { batchId: number; kind: 'loss' | 'damage' | 'count'; direction: 'in' | 'out'; quantity: string; reason: string }, operatorId: string): StockBatchView {
    const q = scaledOf(p.quantity);
    // Loss and damage only take out; a count correction goes either way (盘盈 / 盘亏).
    const out = p.kind !== 'count' || p.direction === 'out';
    const now = this.core.clock.now();
    return this.core.db.transaction(() => {
      const b = this.batch(p.batchId);
      if (out && big(b.quantity) < q) throw notEnough(b, q);
      const m = this.move(b.id, b.drug_code, p.kind, out ? -q : q, { operatorId, now, reason: p.reason });
      const type = p.kind === 'loss' ? INV_CHG_TYPE.loss : p.kind === 'damage' ? INV_CHG_TYPE.damage : out ? INV_CHG_TYPE.countOut : INV_CHG_TYPE.countIn;
      this.report('3502', b.id, m, q, p.reason, operatorId, now, { invChgType: type });
      return this.batchView(b.id)!;
    })();
  }

  /** A stock-take of one batch: the shelf set to what was counted (the difference a movement), the count reported (3501). */
  inventory(p: { batchId: number; counted: string; note?: string | undefined }, operatorId: string): StockBatchView {
    const counted = parseScaled(p.counted.trim());
    if (counted === null) throw new AppError('STOCK_QUANTITY_INVALID', `数量 ${p.counted.slice(0, 20)} 不正确：最多 4 位小数。`, { quantity: p.counted.slice(0, 20) });
    const now = this.core.clock.now();
    return this.core.db.transaction(() => {
      const b = this.batch(p.batchId);
      const m = this.move(b.id, b.drug_code, 'inventory', counted - big(b.quantity), { operatorId, now, reason: p.note ?? null });
      this.report('3501', b.id, m, counted, p.note ?? '', operatorId, now);
      return this.batchView(b.id)!;
    })();
  }

  // ---- reads ----

  list(opts: { query?: string | undefined; expiringOnly?: boolean | undefined } = {}): StockListView {
    const s = this.core.settings;
    const q = opts.query?.trim() ?? '';
    const rows = many(
      this.core.db,
      `SELECT * FROM stock_batches WHERE (:q = '' OR drug_code LIKE :like OR drug_name LIKE :like OR batch_no LIKE :like) ORDER BY drug_code, expiry_date, id`,
      { q, like: `%${q}%` },
      BatchRow,
    );
    const drugs = new Map<string, StockDrugView>();
    for (const r of rows) {
      const v = this.toView(r);
      if (opts.expiringOnly && v.expiry === 'ok') continue;
      let d = drugs.get(r.drug_code);
      if (!d) drugs.set(r.drug_code, (d = { drugCode: r.drug_code, drugName: r.drug_name, quantity: '0', sellable: '0', batches: [] }));
      d.batches.push(v);
    }
    for (const d of drugs.values()) {
      const sum = d.batches.reduce((a, b) => a + parseSigned(b.quantity), 0n);
      const sell = d.batches.filter((b) => b.expiry !== 'expired').reduce((a, b) => a + parseSigned(b.quantity), 0n);
      d.quantity = formatScaled(sum);
      d.sellable = formatScaled(sell);
    }
    return { enabled: s.stockKeeping, allowNegative: s.stockAllowNegative, expiryWarnDays: s.stockExpiryWarnDays, drugs: [...drugs.values()] };
  }

  movements(f: { batchId?: number | undefined; drugCode?: string | undefined; settlementId?: string | undefined; limit?: number | undefined }): StockMovementView[] {
    const rows = many(
      this.core.db,
      `SELECT * FROM stock_movements WHERE (:batchId IS NULL OR batch_id = :batchId) AND (:drugCode IS NULL OR drug_code = :drugCode)
         AND (:settlementId IS NULL OR settlement_id = :settlementId) ORDER BY id DESC LIMIT :limit`,
      { batchId: f.batchId ?? null, drugCode: f.drugCode ?? null, settlementId: f.settlementId ?? null, limit: f.limit ?? 100 },
      MovementRow,
    );
    return rows.map((m) => {
      const r = this.deps.queue.forMovement(m.id);
      return {
        id: m.id,
        batchId: m.batch_id,
        drugCode: m.drug_code,
        kind: m.kind,
        quantity: formatScaled(big(m.quantity)),
        settlementId: m.settlement_id,
        reason: m.reason,
        operatorId: m.operator_id,
        at: m.at,
        report: r ? { infno: r.infno, state: r.state, lastError: r.last_error } : null,
      };
    });
  }

  /** The movement a report was queued for, with its batch (the screen's "not yet received"). */
  movementOf(id: number): { kind: StockMovementKind; quantity: string; batch: StockBatchView | undefined } | undefined {
    const m = one(this.core.db, 'SELECT * FROM stock_movements WHERE id = :id', { id }, MovementRow);
    if (!m) return undefined;
    return { kind: m.kind, quantity: formatScaled(big(m.quantity)), batch: m.batch_id === null ? undefined : this.batchView(m.batch_id) };
  }

  batchView(id: number): StockBatchView | undefined {
    const r = one(this.core.db, 'SELECT * FROM stock_batches WHERE id = :id', { id }, BatchRow);
    return r ? this.toView(r) : undefined;
  }

  // ---- inside ----

  private batch(id: number): BatchRow {
    const b = one(this.core.db, 'SELECT * FROM stock_batches WHERE id = :id', { id }, BatchRow);
    if (!b) throw new AppError('STOCK_BATCH_NOT_FOUND', `找不到库存批次 ${id}。`, { batchId: id });
    return b;
  }

  private toView(r: BatchRow): StockBatchView {
    const today = this.today();
    const soon = chinaDate(new Date(this.core.clock.now().getTime() + this.core.settings.stockExpiryWarnDays * 86_400_000));
    return {
      id: r.id,
      drugCode: r.drug_code,
      drugName: r.drug_name,
      batchNo: r.batch_no,
      productionDate: r.production_date,
      expiryDate: r.expiry_date,
      quantity: formatScaled(big(r.quantity)),
      purchasePrice: r.purchase_price,
      supplier: r.supplier,
      expiry: r.expiry_date < today ? 'expired' : r.expiry_date <= soon ? 'soon' : 'ok',
    };
  }

  /** One movement row and the batch's quantity changed by it, together. */
  private move(
    batchId: number | null,
    drugCode: string,
    kind: StockMovementKind,
    delta: bigint,
    o: { settlementId?: string; lineNo?: number | null; operatorId: string; now: Date; reason?: string | null; restores?: number },
  ): number {
    if (batchId !== null && delta !== 0n) run(this.core.db, 'UPDATE stock_batches SET quantity = quantity + :delta WHERE id = :id', { delta: num(delta), id: batchId });
    return Number(
      insertInto(this.core.db, 'stock_movements', {
        batch_id: batchId,
        drug_code: drugCode,
        kind,
        quantity: num(delta),
        settlement_id: o.settlementId ?? null,
        line_no: o.lineNo ?? null,
        restores: o.restores ?? null,
        reason: o.reason ?? null,
        operator_id: o.operatorId,
        at: o.now.toISOString(),
      }).lastInsertRowid,
    );
  }

  /** The movement's report, queued in its transaction under a msgid fixed now. */
  private report(infno: StockInfno, batchId: number, movementId: number, quantity: bigint, memo: string, operatorId: string, now: Date, extra: { invChgType?: string } = {}): void {
    const b = this.batch(batchId);
    const protocol = this.core.settings.centerProtocol === 'national' ? 'national' : 'simple';
    const mb: StockMessageBatch = {
      id: b.id,
      drugCode: b.drug_code,
      drugName: b.drug_name,
      nationalCode: this.deps.nationalCodeFor(b.drug_code),
      batchNo: b.batch_no,
      productionDate: b.production_date,
      expiryDate: b.expiry_date,
      purchasePrice: b.purchase_price,
      supplier: b.supplier,
    };
    const purchase = infno === '3504' ? one(this.core.db, "SELECT id FROM stock_movements WHERE batch_id = :id AND kind = 'purchase' ORDER BY id LIMIT 1", { id: batchId }, z.object({ id: z.number().int() })) : undefined;
    const input = stockMessage(
      infno,
      mb,
      { movementId, quantity, time: chinaDateTime(now), operatorName: this.deps.operatorName(operatorId), memo },
      { ...extra, ...(purchase ? { purchaseMovementId: purchase.id } : {}) },
      protocol === 'simple',
    );
    this.deps.queue.enqueueStock({ movementId, infno, msgid: this.deps.newMsgId(), protocol, input });
  }
}

function notEnough(b: BatchRow, q: bigint): AppError {
  return new AppError('STOCK_NOT_ENOUGH', `${b.drug_name} 批号 ${b.batch_no} 现有 ${formatScaled(big(b.quantity))}，不足 ${formatScaled(q)}。`, {
    batchId: b.id,
    have: formatScaled(big(b.quantity)),
    asked: formatScaled(q),
  });
}

/** "-1.5" → -15000n (a view's own quantity, always well formed). */
function parseSigned(s: string): bigint {
  return s.startsWith('-') ? -(parseScaled(s.slice(1)) ?? 0n) : (parseScaled(s) ?? 0n);
}
