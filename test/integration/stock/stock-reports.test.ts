// Stock reports to the center (issue 17, docs/STOCK.md), in our protocol and the national one:
// real app, real SQLite files, the real sandbox center over HTTP. A purchase (3503), a sale and
// its refund (the traceability reports 3505 / 3506), a purchase return (3504), a loss (3502) and a
// stock-take (3501) — online, then with the center away, back with answers lost after it
// committed, and the window restarted with a report in doubt. At the end every report was
// processed by the center exactly once and the center's idea of the batch is the window's.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../electron/app/create-app';
import type { SettleInput } from '../../../electron/api/contract/settlement';
import { newSession, type Session } from '../../../electron/api/session';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import { callOk } from '../../helpers/app-call';
import { tempDir } from '../../helpers/temp-app';
import { SETTLEABLE, startCenter } from '../settlement/fixtures';
import { newTraceCode as traceCode, openReportWindow, processedAtCenter, setCenterAway, sleep } from '../../helpers/report-window';
import { many, value } from '../../../electron/db/sql';
import { z } from 'zod';

const AMOX = 'XJ01CAA040A001010101445'; // drug
const zhang = SETTLEABLE.find((p) => p.psn_name === '张伟')!;
const supervisorPin = { supervisorId: '2001', supervisorPin: '246810' };
const StockReportRow = z.object({ msgid: z.string(), infno: z.string(), change: z.number().int(), body: z.string() });

for (const protocol of ['simple', 'national'] as const) {
  describe(`stock reports, ${protocol} protocol`, () => {
    let dir: string;
    let center: SandboxCenter;
    let app: App;
    let cashier: Session;
    let sup: Session;
    const flags = { stockKeeping: 'true', centerProtocol: protocol, centerAnswerWaitSeconds: '3' };

    const open = async () => {
      ({ app, cashier } = await openReportWindow(dir, center, flags));
      app.stock.configure({ backoff: { baseMs: 10, capMs: 50 } });
      sup = newSession('test');
      await callOk(app, sup, 'auth.login', { operatorId: '2001', pin: '246810' });
    };
    const bill = (items: SettleInput['items']): SettleInput => ({ person: { certType: '02', certNo: zhang.certno }, visit: { visitType: 'outpatient' }, items, useAccount: false });
    const offline = (away: boolean) => setCenterAway(app, center, away);
    const drainAll = async () => {
      const s = await app.stock.drain({ timeoutMs: 30_000 });
      expect(s.remaining).toBe(0);
      const d = await app.settlement.drain({ untilEmpty: true, timeoutMs: 30_000 });
      expect(d.remaining).toBe(0);
    };
    const processed = (msgids: string[]) => processedAtCenter(center, msgids);
    const atCenter = (msgids: string[]) =>
      many(center.db, 'SELECT msgid, infno, change, body FROM stock_reports WHERE msgid IN (SELECT value FROM json_each(:msgids)) ORDER BY rowid', { msgids: JSON.stringify(msgids) }, StockReportRow);
    const centerHolds = (batchId: number) =>
      value(center.db, 'SELECT coalesce(sum(change), 0) FROM stock_reports WHERE hilist_id = :hilistId AND bchno = :bchno', { hilistId: AMOX, bchno: String(batchId) }, z.number().int())!;

    beforeAll(async () => {
      dir = tempDir(`stock-reports-${protocol}-`);
      center = await startCenter(join(dir, 'center'));
      await open();
      app.settlement.worker.start();
    }, 60_000);

    afterAll(async () => {
      await app?.close();
      await center?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('online: a purchase is reported once (3503) with its batch, dates, price and supplier; a sale and refund by their 3505 / 3506', async () => {
      const b = await callOk(app, sup, 'stock.purchase', { drugCode: AMOX, batchNo: `L${protocol}1`, productionDate: '2026-01-05', expiryDate: '2028-01-04', quantity: '20', purchasePrice: '8.5', supplier: '国药控股' });
      const sale = await callOk(app, cashier, 'settlement.settle', bill([{ code: AMOX, unitPrice: '12.50', quantity: '2', traceCodes: [traceCode(), traceCode()] }]));
      await callOk(app, cashier, 'settlement.refund', { id: sale.id, ...supervisorPin, reason: '退药' });
      await drainAll();
      const reports = app.stock.queue.all();
      expect(reports.map((r) => [r.infno, r.state, r.protocol])).toEqual([['3503', 'confirmed', protocol]]);
      const [row] = atCenter(reports.map((r) => r.msgid));
      expect(row!.infno).toBe('3503');
      expect(JSON.parse(row!.body)).toMatchObject({ fixmedins_hilist_id: AMOX, manu_lotnum: `L${protocol}1`, manu_date: '2026-01-05', expy_end: '2028-01-04', finl_trns_pric: '8.50', purc_retn_cnt: '20', spler_name: '国药控股' });
      expect(processed(reports.map((r) => r.msgid))).toBe(1);
      // The sale's and refund's stock changes reach the center as the traceability sales reports.
      const trace = app.db.prepare("SELECT infno, state FROM outbox WHERE kind IN ('trace_sale', 'trace_return') ORDER BY id").all();
      expect(trace).toEqual([{ infno: '3505', state: 'confirmed' }, { infno: '3506', state: 'confirmed' }]);
      expect(centerHolds(b.id)).toBe(200_000);
      expect(app.stock.store.batchView(b.id)!.quantity).toBe('20');
    });

    it('center away, back with answers lost, the window restarted with a report in doubt: each report processed once, in order', async () => {
      const b = await callOk(app, sup, 'stock.purchase', { drugCode: AMOX, batchNo: `L${protocol}2`, expiryDate: '2028-06-30', quantity: '10', purchasePrice: '9.00', supplier: '华润医药' });
      await drainAll();
      await offline(true);
      await callOk(app, sup, 'stock.purchaseReturn', { batchId: b.id, quantity: '3', reason: '近效期退回' });
      await callOk(app, sup, 'stock.adjust', { batchId: b.id, kind: 'loss', direction: 'out', quantity: '1', reason: '遗失' });
      await callOk(app, cashier, 'settlement.settle', bill([{ code: AMOX, unitPrice: '12.50', quantity: '1' }]));
      await callOk(app, sup, 'stock.inventory', { batchId: b.id, counted: '5.5', note: '月末盘点' });
      const unsent = await callOk(app, cashier, 'stock.unsent', {});
      expect(unsent.reports.map((r) => [r.infno, r.state])).toEqual([
        ['3504', 'queued'],
        ['3502', 'queued'],
        ['3501', 'queued'],
      ]);
      expect(unsent.open).toBe(3);

      // Back, but the center's answer to the 3504 is lost after it committed (twice: the
      // client's own resend on a stale socket too); retries spaced out to see it in doubt.
      app.stock.configure({ backoff: { baseMs: 3_000, capMs: 3_000 } });
      await center.setFaults({ dropAfterCommit: { count: 2, infno: '3504' } });
      await offline(false);
      const deadline = Date.now() + 30_000;
      const ret = () => app.stock.queue.all().find((r) => r.infno === '3504')!;
      while (Date.now() < deadline && ret().state !== 'unknown') {
        void app.stock.upload();
        await sleep(20);
      }
      const inDoubt = ret();
      expect(inDoubt.state).toBe('unknown');
      // Nothing behind it went first.
      expect(app.stock.queue.all().filter((r) => r.id > inDoubt.id).map((r) => r.state)).toEqual(['queued', 'queued']);
      await app.close();
      await open();
      await center.setFaults({ dropAfterCommit: { count: 1, infno: '3501' } });
      await drainAll();
      const all = app.stock.queue.all();
      expect(all.every((r) => r.state === 'confirmed')).toBe(true);
      expect(all.find((r) => r.id === inDoubt.id)!.msgid).toBe(inDoubt.msgid);
      expect(processed(all.map((r) => r.msgid))).toBe(all.length);
      const rows = atCenter(all.map((r) => r.msgid));
      expect(rows.map((r) => r.infno)).toEqual(all.map((r) => r.infno));
      // The center counts the batch as the window does: 10 − 3 returned − 1 lost − 1 sold, counted 5.5.
      expect(app.stock.store.batchView(b.id)!.quantity).toBe('5.5');
      expect(centerHolds(b.id)).toBe(55_000);
      const loss = JSON.parse(rows.find((r) => r.infno === '3502')!.body) as Record<string, unknown>;
      expect(loss).toMatchObject({ inv_chg_type: '107', cnt: '1', memo: '遗失' });
      const unsentAfter = await callOk(app, cashier, 'stock.unsent', {});
      expect(unsentAfter.reports).toEqual([]);
    }, 90_000);

    it('a report the center refuses is final, shown as not received, and holds nothing back', async () => {
      const b = await callOk(app, sup, 'stock.purchase', { drugCode: AMOX, batchNo: `L${protocol}3`, expiryDate: '2028-06-30', quantity: '2', purchasePrice: '9.00', supplier: '华润医药' });
      await drainAll();
      // The center thinks the batch holds 2; tell it nothing and return more than it has: refused there.
      center.db.prepare('UPDATE stock_reports SET change = 0 WHERE bchno = ?').run(String(b.id));
      await callOk(app, sup, 'stock.purchaseReturn', { batchId: b.id, quantity: '1', reason: '退货' });
      await callOk(app, sup, 'stock.inventory', { batchId: b.id, counted: '1' });
      await app.stock.drain({ timeoutMs: 10_000 });
      const unsent = await callOk(app, cashier, 'stock.unsent', {});
      expect(unsent.reports.map((r) => [r.infno, r.state])).toEqual([['3504', 'rejected']]);
      expect(unsent.rejected).toBe(1);
      expect(unsent.reports[0]!.lastError).toMatch(/库存不足/);
      expect(app.stock.queue.all().at(-1)!.state).toBe('confirmed');
    });
  });
}
