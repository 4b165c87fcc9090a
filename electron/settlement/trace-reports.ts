// Traceability sales reports (issue 17): every drug line sold with codes is reported to the
// center by a 3505 (商品销售) and, when refunded, returned by a 3506 (商品销售退货), through the
// outbox with the exactly-once rules of any upload: the message and its msgid are written in the
// sale's (or refund's) own transaction, sent and resent under that msgid, answered from the
// center's store when an answer was lost. In both protocols: the national platform's 3505 /
// 3506, and our protocol's equivalent (the same bodies under our envelope, docs/CENTER.md).
//
// All reports share one queue (outbox TRACE_QUEUE), in commit order: a package sold, returned
// and sold again reaches the center in that order. A sale's report names the center's settlement
// id, so it waits (held) until the settlement's upload is answered; the release is a trigger on
// the outbox (migration 0022), in the transaction that records the answer.
import { z } from 'zod';
import { chinaDateTime } from '../app/clock';
import type { CoreApp } from '../app/core';
import type { OutboxRow, OutboxStore } from '../outbox/store';
import type { TraceSender } from '../outbox/worker';
import { sale3505, return3506, type TraceSaleLine } from '../center/wire/national/trace';
import type { CenterOutcome, CenterPort } from './ports';
import type { SettlementReader } from './reader';
import type { TraceLinePlan } from './trace-codes';

/** What an outbox trace item stores: the protocol it was written under, the sale it reports, the line. */
const PayloadSchema = z.object({
  protocol: z.enum(['simple', 'national']),
  /** The settlement that sold the codes (for a 3506, the refunded one): its center setl_id is filled in at send time. */
  sale: z.string().min(1),
  line: z.custom<TraceSaleLine>((v) => typeof v === 'object' && v !== null && Array.isArray((v as { codes?: unknown }).codes)),
});
export type TraceReportPayload = z.output<typeof PayloadSchema>;

/** A sale's line as the journal has it when it commits. */
export interface SoldLine {
  lineNo: number;
  code: string;
  name: string;
  quantity: string;
}

interface Deps {
  outbox: OutboxStore;
  reader: SettlementReader;
  center: Pick<CenterPort, 'client' | 'national'>;
  /** The national code of a clinic code (the catalogue mapping's seam). */
  nationalCodeFor: (code: string) => string;
}

export class TraceReports implements TraceSender {
  constructor(
    private readonly core: CoreApp,
    private readonly deps: Deps,
  ) {}

  /**
   * Inside the sale's transaction: one 3505 per drug line sold with codes (a no-code line has
   * none to report: it stays on the audited no-code path). Held while the settlement's upload
   * (`uploadOpen`) has not been answered. Returns how many were queued.
   */
  queueSale(a: { settlementId: string; psnNo: string; psnName: string; operatorName: string; lines: readonly SoldLine[]; plans: readonly TraceLinePlan[]; uploadOpen: boolean; now: Date }): number {
    let n = 0;
    for (const p of a.plans) {
      if (p.codes.length === 0) continue;
      const l = a.lines.find((x) => x.lineNo === p.lineNo);
      if (!l) continue;
      const line: TraceSaleLine = {
        medListCodg: this.deps.nationalCodeFor(l.code),
        itemCode: l.code,
        itemName: l.name,
        saleNo: `${a.settlementId}-${l.lineNo}`,
        psnNo: a.psnNo,
        psnName: a.psnName,
        setlId: '',
        quantity: l.quantity,
        time: chinaDateTime(a.now),
        operatorName: a.operatorName,
        prescription: false,
        codes: p.codes.map((c) => c.code),
      };
      this.enqueue(a.settlementId, 'trace_sale', { protocol: this.protocol(), sale: a.settlementId, line }, a.uploadOpen, a.now);
      n++;
    }
    return n;
  }

  /**
   * Inside the refund's transaction: a 3506 for each 3505 the refunded sale queued (the same
   * line and codes, at the refund's time and by its operator). A sale from before these reports
   * existed had none, and gets none back. Returns how many were queued.
   */
  queueReturn(a: { refundId: string; saleId: string; operatorName: string; now: Date }): number {
    let n = 0;
    for (const sale of this.deps.outbox.forSettlement(a.saleId)) {
      if (sale.kind !== 'trace_sale') continue;
      const p = parsePayload(sale.payload);
      if (!p) continue;
      const line: TraceSaleLine = { ...p.line, time: chinaDateTime(a.now), operatorName: a.operatorName };
      this.enqueue(a.refundId, 'trace_return', { protocol: p.protocol, sale: a.saleId, line }, false, a.now);
      n++;
    }
    return n;
  }

  private protocol(): 'simple' | 'national' {
    return this.core.settings.centerProtocol === 'national' ? 'national' : 'simple';
  }

  private enqueue(settlementId: string, kind: 'trace_sale' | 'trace_return', payload: TraceReportPayload, held: boolean, now: Date): void {
    // Under the protocol the settlement went by: the national platform numbers its messages
    // with the same generator (center part), so one msgid source serves both.
    this.deps.outbox.enqueueTraceReport({
      settlementId,
      kind,
      infno: kind === 'trace_sale' ? '3505' : '3506',
      msgid: this.deps.center.client.newMsgId(),
      input: payload,
      held,
      now,
      deadlineHours: this.core.settings.uploadDeadlineHours,
    });
  }

  /**
   * The message of a stored report: its line, with the center's settlement id of the sale (known
   * by now: the report was held until the settlement's upload was answered; empty when the
   * center refused or never took it). Null when the stored payload is damaged.
   */
  inputOf(row: Pick<OutboxRow, 'infno' | 'payload'>): { protocol: 'simple' | 'national'; input: object } | null {
    const p = parsePayload(row.payload);
    if (!p) return null;
    const setlId = this.deps.reader.row(p.sale)?.center_setl_id ?? '';
    const line = { ...p.line, setlId };
    return { protocol: p.protocol, input: row.infno === '3506' ? return3506(line) : sale3505(line) };
  }

  /** The worker's port: send one report under its own msgid, by the protocol it was written under. */
  async send(row: OutboxRow, opts: { timeoutMs: number; operator?: { id: string; name: string } }): Promise<CenterOutcome> {
    const m = this.inputOf(row);
    if (!m) return { kind: 'unknown', msgid: row.msgid, reason: '追溯码上报报文已损坏（无法解析），未发送；请联系技术支持' };
    const o = { msgid: row.msgid, timeoutMs: opts.timeoutMs, ...(opts.operator ? { operator: opts.operator } : {}) };
    return m.protocol === 'national' ? this.deps.center.national.send(row.infno, m.input, o) : this.deps.center.client.send(row.infno, m.input, o);
  }
}

/** The stored report, or null when it does not read as one. */
export function parsePayload(payload: string): TraceReportPayload | null {
  try {
    const r = PayloadSchema.safeParse(JSON.parse(payload));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
