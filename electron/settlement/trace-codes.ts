// Drug traceability codes (追溯码, issue 17): the one owner of `trace_codes` and
// `trace_no_code` (migration 0018). A code is sold once: it is held by the settlement line that
// sold it until a refund frees it. The checks here run when a code is scanned (`trace.check`)
// and again, for the whole bill, before a settlement is computed; the partial unique index
// `trace_codes_held` is the last word inside the settlement's transaction (two windows selling
// the same package at the same moment: one commits, the other is refused and writes nothing).
import { z } from 'zod';
import type { NoCodeReport, TraceRules } from '../api/contract/settlement';
import { AppError } from '../api/result';
import { chinaDate, chinaDateTime } from '../app/clock';
import type { CoreApp } from '../app/core';
import { maskName } from '../app/log';
import { many, run, insertInto } from '../db/sql';
import { normaliseScan, packagesOf, parseTraceFormats, traceFormatOf, type TraceFormat } from './trace-format';

/** A drug line's codes as the bill carries them (settlement.settle items). */
export interface TracedItem {
  code: string;
  quantity: string;
  ownPay?: boolean;
  traceCodes?: string[];
  noCodeReason?: string;
}

/** Who holds a code now: the sale that must be refunded before the package can be sold again. */
export interface TraceHolder {
  code: string;
  settlementId: string;
  soldAt: string;
  /** The patient's name masked (张*): enough for the cashier to recognise the sale, no more. */
  patient: string;
}

/** A line's codes checked: its scheme per code, and the packages the line sells. */
export interface TraceLinePlan {
  lineNo: number;
  itemCode: string;
  packages: number;
  codes: { code: string; format: string }[];
  noCodeReason: string | null;
  ownPay: boolean;
}

const HolderRow = z.object({ code: z.string(), settlement_id: z.string(), sold_at: z.string(), psn_name: z.string() });
const CodeRow = z.object({ line_no: z.number().int(), code: z.string() });
const NoCodeRow = z.object({ line_no: z.number().int(), reason: z.string() });
const ReportRow = z.object({
  settlement_id: z.string(),
  line_no: z.number().int(),
  item_code: z.string(),
  packages: z.number().int(),
  reason: z.string(),
  operator_id: z.string(),
  own_pay: z.number().int(),
  created_at: z.string(),
  refunded: z.number().int(),
});


export class TraceCodeStore {
  private formatsFor = '';
  private formats: TraceFormat[] = [];

  constructor(private readonly core: CoreApp) {}

  /** The configured schemes (re-read when the setting changed). */
  private configured(): TraceFormat[] {
    const spec = this.core.settings.traceCodeFormats;
    if (spec !== this.formatsFor) {
      this.formats = parseTraceFormats(spec);
      this.formatsFor = spec;
    }
    return this.formats;
  }

  rules(): TraceRules {
    const s = this.core.settings;
    return { required: s.traceCodesRequired, fundRefusesNoCode: s.traceNoCodeFundRefuses, formats: this.configured().map((f) => f.name) };
  }

  /** Which sales hold these codes now (a freed code is held by nobody). `except`: a settlement being cancelled in the same action. */
  holders(codes: readonly string[], except?: string): TraceHolder[] {
    if (codes.length === 0) return [];
    const rows = many(
      this.core.db,
      `SELECT t.code, t.settlement_id, t.sold_at, s.psn_name FROM trace_codes t JOIN settlements s ON s.id = t.settlement_id
       WHERE t.freed_at IS NULL AND t.code IN (SELECT value FROM json_each(:codes))`,
      { codes: JSON.stringify(codes) },
      HolderRow,
    );
    return rows
      .filter((r) => r.settlement_id !== except)
      .map((r) => ({ code: r.code, settlementId: r.settlement_id, soldAt: chinaDateTime(new Date(r.sold_at)), patient: maskName(r.psn_name || '?') }));
  }

  /**
   * One scan at the window: the code it names and its scheme, or the refusal — not a code of any
   * accepted scheme (TRACE_CODE_INVALID), already in this bill (TRACE_CODE_REPEATED), or sold
   * and not refunded (TRACE_CODE_SOLD, with when and to whom). Writes nothing.
   */
  checkScan(text: string, inBill: readonly string[]): { code: string; format: string } {
    const code = this.validCode(text);
    if (inBill.includes(code)) throw repeated(code);
    const held = this.holders([code])[0];
    if (held) throw soldError(held);
    return { code, format: this.formatOf(code) };
  }

  private validCode(text: string): string {
    const code = normaliseScan(text);
    if (code === null || traceFormatOf(code, this.configured()) === null) {
      const shown = (code ?? text.trim()).slice(0, 40);
      throw new AppError('TRACE_CODE_INVALID', `“${shown}”不是有效的药品追溯码：应为 8 开头的 20 位数字${this.configured().length ? '或已配置的其他格式' : ''}。`, { code: shown });
    }
    return code;
  }

  private formatOf(code: string): string {
    return traceFormatOf(code, this.configured()) ?? 'common';
  }

  /**
   * The bill's codes, line by line, checked before anything is computed or written: every code
   * valid, none twice in the bill, none held by another sale (`except`: the settlement a partial
   * refund cancels in the same transaction), no more codes than packages, none on a line that is
   * not a drug. With `traceCodesRequired`, a drug line needs exactly one code per package, or the
   * no-code path (a reason); where the fund refuses no-code drugs, such a line must be own-pay.
   */
  plan(items: readonly TracedItem[], isDrug: (code: string) => boolean, opts: { selfPay: boolean; except?: string }): TraceLinePlan[] {
    const required = this.core.settings.traceCodesRequired;
    const seen = new Set<string>();
    const plans: TraceLinePlan[] = [];
    items.forEach((it, i) => {
      const lineNo = i + 1;
      const drug = isDrug(it.code);
      const scanned = it.traceCodes ?? [];
      const reason = it.noCodeReason?.trim() || null;
      if (!drug) {
        if (scanned.length || reason) throw new AppError('TRACE_CODE_NOT_DRUG', `第 ${lineNo} 行（${it.code}）不是药品，不扫追溯码。`, { lineNo, code: it.code });
        return;
      }
      const packages = packagesOf(it.quantity);
      const codes = scanned.map((text) => {
        const code = this.validCode(text);
        if (seen.has(code)) throw repeated(code, lineNo);
        seen.add(code);
        return { code, format: this.formatOf(code) };
      });
      if (codes.length > packages) {
        throw new AppError('TRACE_CODES_TOO_MANY', `第 ${lineNo} 行只售 ${packages} 个包装，却扫了 ${codes.length} 个追溯码：请删去多扫的码。`, { lineNo, code: it.code, scanned: codes.length, packages });
      }
      if (reason && codes.length > 0) {
        throw new AppError('TRACE_NO_CODE_WITH_CODES', `第 ${lineNo} 行已扫追溯码，不能再登记为无码药品。`, { lineNo, code: it.code });
      }
      const ownPay = opts.selfPay || !!it.ownPay;
      if (reason && this.core.settings.traceNoCodeFundRefuses && !ownPay) {
        throw new AppError('TRACE_NO_CODE_FUND_REFUSES', `第 ${lineNo} 行为无码药品：本地医保不支付无追溯码的药品，请扫码，或将该行改为自费。`, { lineNo, code: it.code });
      }
      if (required && !reason && codes.length < packages) {
        throw new AppError('TRACE_CODES_MISSING', `第 ${lineNo} 行药品需扫 ${packages} 个追溯码，已扫 ${codes.length} 个：请扫完，或按无码药品登记原因。`, {
          lineNo,
          code: it.code,
          scanned: codes.length,
          packages,
        });
      }
      if (codes.length || reason) plans.push({ lineNo, itemCode: it.code, packages, codes, noCodeReason: reason, ownPay });
    });
    const held = this.holders([...seen], opts.except)[0];
    if (held) throw soldError(held);
    return plans;
  }

  /**
   * The bill's codes as sold by settlement `settlementId` (inside its transaction). A code another
   * window sold meanwhile fails the unique index: the whole settlement rolls back, refused with
   * who holds it.
   */
  recordSale(settlementId: string, plans: readonly TraceLinePlan[], operatorId: string, at: Date): void {
    const iso = at.toISOString();
    for (const p of plans) {
      for (const c of p.codes) {
        try {
          insertInto(this.core.db, 'trace_codes', { code: c.code, settlement_id: settlementId, line_no: p.lineNo, item_code: p.itemCode, format: c.format, sold_at: iso });
        } catch (e) {
          const held = this.holders([c.code], settlementId)[0];
          if (held) throw soldError(held);
          throw e;
        }
      }
      if (p.noCodeReason) {
        insertInto(this.core.db, 'trace_no_code', {
          settlement_id: settlementId,
          line_no: p.lineNo,
          item_code: p.itemCode,
          packages: p.packages,
          reason: p.noCodeReason,
          operator_id: operatorId,
          own_pay: p.ownPay ? 1 : 0,
          created_at: iso,
          created_day: chinaDate(at),
        });
      }
    }
    const noCode = plans.filter((p) => p.noCodeReason);
    if (noCode.length) {
      this.core.audit.append({
        action: 'trace.noCode',
        operatorId,
        subject: settlementId,
        detail: { lines: noCode.map((p) => ({ lineNo: p.lineNo, code: p.itemCode, packages: p.packages, reason: p.noCodeReason, ownPay: p.ownPay })) },
      });
    }
  }

  /** A refund gives the packages back (inside the refund's transaction): the codes may be sold again. Returns how many. */
  freeFor(settlementId: string, refundId: string, at: Date): number {
    return run(this.core.db, 'UPDATE trace_codes SET freed_at = :at, freed_by = :refundId WHERE settlement_id = :settlementId AND freed_at IS NULL', {
      at: at.toISOString(),
      refundId,
      settlementId,
    }).changes;
  }

  /** A settlement's codes, by line number, in scan order (for its view, its upload and a partial refund). */
  codesOf(settlementId: string): Map<number, string[]> {
    const out = new Map<number, string[]>();
    for (const r of many(this.core.db, 'SELECT line_no, code FROM trace_codes WHERE settlement_id = :settlementId ORDER BY id', { settlementId }, CodeRow)) {
      const list = out.get(r.line_no) ?? [];
      list.push(r.code);
      out.set(r.line_no, list);
    }
    return out;
  }

  /** A settlement's no-code lines and their reasons. */
  noCodeOf(settlementId: string): Map<number, string> {
    return new Map(many(this.core.db, 'SELECT line_no, reason FROM trace_no_code WHERE settlement_id = :settlementId', { settlementId }, NoCodeRow).map((r) => [r.line_no, r.reason]));
  }

  /** The supervisor's report of drugs sold without codes, days `from`..`to` (China time). */
  noCodeReport(from: string, to: string): NoCodeReport {
    const rows = many(
      this.core.db,
      `SELECT n.settlement_id, n.line_no, n.item_code, n.packages, n.reason, n.operator_id, n.own_pay, n.created_at,
              CASE WHEN s.state = 'refunded' THEN 1 ELSE 0 END AS refunded
       FROM trace_no_code n JOIN settlements s ON s.id = n.settlement_id
       WHERE n.created_day BETWEEN :from AND :to ORDER BY n.created_at, n.line_no`,
      { from, to },
      ReportRow,
    );
    const lines = rows.map((r) => ({
      settlementId: r.settlement_id,
      lineNo: r.line_no,
      itemCode: r.item_code,
      packages: r.packages,
      reason: r.reason,
      operatorId: r.operator_id,
      ownPay: r.own_pay === 1,
      at: r.created_at,
      refunded: r.refunded === 1,
    }));
    const live = lines.filter((l) => !l.refunded);
    const group = <K extends string>(key: (l: (typeof lines)[number]) => K) => {
      const m = new Map<K, { lines: number; packages: number }>();
      for (const l of live) {
        const g = m.get(key(l)) ?? { lines: 0, packages: 0 };
        g.lines++;
        g.packages += l.packages;
        m.set(key(l), g);
      }
      return [...m.entries()];
    };
    return {
      from,
      to,
      lines,
      packages: live.reduce((s, l) => s + l.packages, 0),
      byOperator: group((l) => l.operatorId).map(([operatorId, g]) => ({ operatorId, ...g })),
      byItem: group((l) => l.itemCode).map(([itemCode, g]) => ({ itemCode, ...g })),
    };
  }
}

function repeated(code: string, lineNo?: number): AppError {
  return new AppError('TRACE_CODE_REPEATED', `追溯码 ${code} 在本单中已扫过：同一包装只能扫一次。`, lineNo === undefined ? { code } : { code, lineNo });
}

function soldError(h: TraceHolder): AppError {
  return new AppError('TRACE_CODE_SOLD', `追溯码 ${h.code} 已于 ${h.soldAt} 售出（${h.patient}，结算 ${h.settlementId}）：同一包装不能再次销售；如为退回的药品，请先为原结算退费。`, {
    code: h.code,
    soldAt: h.soldAt,
    patient: h.patient,
    settlementId: h.settlementId,
  });
}
