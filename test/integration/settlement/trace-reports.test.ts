// Traceability sales reports through the outbox (issue 17): a drug line sold with codes is
// reported by a 3505, its refund by a 3506, exactly once — in our protocol and in the national
// one. Real app, real SQLite files, the real sandbox center on 127.0.0.1: online; the center
// away, then back; an answer lost after the center committed; the window restarted with a report
// in doubt. At the end the center holds each sale's report once and each return once, and its
// standing sales are exactly the codes this window still holds.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../electron/app/create-app';
import type { SettleInput, SettlementView } from '../../../electron/api/contract/settlement';
import type { Session } from '../../../electron/api/session';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import { callOk } from '../../helpers/app-call';
import { tempDir } from '../../helpers/temp-app';
import { SETTLEABLE, startCenter } from './fixtures';
import { rowCount } from '../../helpers/db-rows';
import { newTraceCode as code, openReportWindow, processedAtCenter, setCenterAway, sleep } from '../../helpers/report-window';
import { many, value, values } from '../../../electron/db/sql';
import { z } from 'zod';

const AMOX = 'XJ01CAA040A001010101445'; // drug
const CEF = 'XJ01DCC040A001010101234'; // drug
const VISIT = '001102000010000'; // service
const zhang = SETTLEABLE.find((p) => p.psn_name === '张伟')!;
const li = SETTLEABLE.find((p) => p.psn_name === '李秀英')!;
const supervisor = { supervisorId: '2001', supervisorPin: '246810' };
const CenterTraceRow = z.object({ code: z.string(), infno: z.string(), msgid: z.string(), setl_id: z.string().nullable(), returned_by: z.string().nullable() });

for (const protocol of ['simple', 'national'] as const) {
  describe(`traceability reports, ${protocol} protocol`, () => {
    let dir: string;
    let center: SandboxCenter;
    let app: App;
    let cashier: Session;
    const flags = { traceCodesRequired: 'true', centerProtocol: protocol, centerAnswerWaitSeconds: '5' };

    const open = async () => {
      ({ app, cashier } = await openReportWindow(dir, center, flags));
    };
    const bill = (items: SettleInput['items'], who = zhang): SettleInput => ({ person: { certType: '02', certNo: who.certno }, visit: { visitType: 'outpatient' }, items, useAccount: true });
    const settle = (input: SettleInput): Promise<SettlementView> => callOk(app, cashier, 'settlement.settle', input);
    const refund = (id: string): Promise<SettlementView> => callOk(app, cashier, 'settlement.refund', { id, ...supervisor, reason: '患者退药' });
    const view = (id: string): Promise<SettlementView> => callOk(app, cashier, 'settlement.get', { id });
    const drain = async () => {
      const d = await app.settlement.drain({ untilEmpty: true, timeoutMs: 30_000 });
      expect(d.remaining).toBe(0);
    };
    const offline = (away: boolean) => setCenterAway(app, center, away);
    /** The center's trace rows of these codes: which message sold each, and whether returned. */
    const atCenter = (codes: string[]) =>
      many(
        center.db,
        "SELECT code, infno, msgid, setl_id, returned_by FROM trace_sales WHERE infno = '3505' AND code IN (SELECT value FROM json_each(:codes)) ORDER BY code",
        { codes: JSON.stringify(codes) },
        CenterTraceRow,
      );
    const processed = (msgids: string[]) => processedAtCenter(center, msgids);
    const reportsOf = (id: string) => app.settlement.worker.store.forSettlement(id).filter((o) => o.kind === 'trace_sale' || o.kind === 'trace_return');

    beforeAll(async () => {
      dir = tempDir(`trace-reports-${protocol}-`);
      center = await startCenter(join(dir, 'center'));
      await open();
      app.settlement.worker.start();
    }, 60_000);

    afterAll(async () => {
      await app?.close();
      await center?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('online: a sale queues one 3505 per drug line with codes, held until the settlement is answered; the center gets each once, naming its settlement', async () => {
      const [a1, a2, c1] = [code(), code(), code()];
      const v = await settle(bill([
        { code: VISIT, unitPrice: '10.00', quantity: '1' },
        { code: AMOX, unitPrice: '12.50', quantity: '2', traceCodes: [a1, a2] },
        { code: CEF, unitPrice: '28.00', quantity: '1', traceCodes: [c1] },
      ]));
      expect(['confirmed', 'adjusted']).toContain(v.state);
      await drain();
      const reports = reportsOf(v.id);
      expect(reports.map((r) => [r.kind, r.infno, r.state])).toEqual([
        ['trace_sale', '3505', 'confirmed'],
        ['trace_sale', '3505', 'confirmed'],
      ]);
      // The settlement's own messages are apart from its reports.
      const seen = await view(v.id);
      expect(seen.uploads.every((u) => u.kind === 'upload')).toBe(true);
      expect(seen.traceReports.map((r) => r.infno)).toEqual(['3505', '3505']);
      const rows = atCenter([a1, a2, c1]);
      expect(rows.map((r) => r.code)).toEqual([a1, a2, c1].sort());
      const setlId = value(app.db, 'SELECT center_setl_id FROM settlements WHERE id = :id', { id: v.id }, z.string().nullable());
      expect(setlId).toBeTruthy();
      for (const r of rows) expect(r.setl_id).toBe(setlId);
      expect(new Set(rows.map((r) => r.msgid))).toEqual(new Set(reports.map((r) => r.msgid)));
      expect(processed(reports.map((r) => r.msgid))).toBe(2);
    });

    it('a refund queues the 3506 of each report; the center returns the codes once; a no-code line reports nothing and stays audited', async () => {
      const c = code();
      const v = await settle(bill([{ code: AMOX, unitPrice: '12.50', quantity: '1', traceCodes: [c] }, { code: CEF, unitPrice: '28.00', quantity: '1', noCodeReason: '2025 年旧库存，包装无追溯码' }]));
      const r = await refund(v.id);
      await drain();
      expect(reportsOf(v.id).map((o) => [o.infno, o.state])).toEqual([['3505', 'confirmed']]);
      expect(reportsOf(r.id).map((o) => [o.infno, o.state])).toEqual([['3506', 'confirmed']]);
      const [row] = atCenter([c]);
      expect(row!.returned_by).toBe(reportsOf(r.id)[0]!.msgid);
      expect(rowCount(app.db, 'audit_log', "action = 'trace.noCode' AND subject = :id", { id: v.id })).toBe(1);
      // The package may be sold again, to someone else, and is reported again.
      const again = await settle(bill([{ code: AMOX, unitPrice: '12.50', quantity: '1', traceCodes: [c] }], li));
      await drain();
      expect(reportsOf(again.id).map((o) => o.state)).toEqual(['confirmed']);
      expect(atCenter([c]).filter((x) => x.returned_by === null)).toHaveLength(1);
    });

    it('center away, back, an answer lost, the window restarted in between: each sale reported once, each return once', async () => {
      await offline(true);
      const [s1, s2, s3] = [code(), code(), code()];
      const a = await settle(bill([{ code: AMOX, unitPrice: '12.50', quantity: '2', traceCodes: [s1, s2] }]));
      const b = await settle(bill([{ code: CEF, unitPrice: '28.00', quantity: '1', traceCodes: [s3] }], li));
      expect(a.state).toBe('provisional');
      // Refunded while the center is away: its return waits behind its sale in the one trace queue.
      const rb = await refund(b.id);
      // The sale's report is held (it names the center's settlement id); the queue says so.
      const items = await callOk(app, cashier, 'outbox.items', { limit: 50 });
      const traceItems = items.items.filter((i) => i.trace);
      expect(traceItems.map((i) => [i.kind, i.trace!.codes])).toEqual([
        ['trace_sale', 2],
        ['trace_sale', 1],
        ['trace_return', 1],
      ]);
      expect(traceItems[0]!.trace!.held).toBe(true);

      // Back, but the answer to the first 3505 is lost after the center committed it (twice: the
      // client's one resend on a stale socket is answered from the store, lost too). Retries
      // spaced out for a moment, to see it in doubt before it is resent.
      app.settlement.configureOutbox({ backoff: { baseMs: 3_000, capMs: 3_000 } });
      await center.setFaults({ dropAfterCommit: { count: 2, infno: '3505' } });
      await offline(false);
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && reportsOf(a.id)[0]!.state !== 'unknown') await sleep(10);
      const inDoubt = reportsOf(a.id)[0]!;
      expect(inDoubt.state).toBe('unknown');
      // The window stops with that report in doubt, and starts again.
      await app.close();
      await open();
      await drain();
      expect(reportsOf(a.id).map((o) => [o.msgid, o.state])).toEqual([[inDoubt.msgid, 'confirmed']]);
      expect(reportsOf(b.id).map((o) => o.state)).toEqual(['confirmed']);
      expect(reportsOf(rb.id).map((o) => o.state)).toEqual(['confirmed']);
      // Once each at the center: one row per code, the lost-answer msgid processed once.
      const rows = atCenter([s1, s2, s3]);
      expect(rows.map((r) => r.code)).toEqual([s1, s2, s3].sort());
      expect(processed([inDoubt.msgid])).toBe(1);
      expect(rows.find((r) => r.code === s3)!.returned_by).toBe(reportsOf(rb.id)[0]!.msgid);
      expect(rows.filter((r) => r.code !== s3).every((r) => r.returned_by === null)).toBe(true);
      // Now the refund of a, with the 3506's answer lost: resent, answered from the center's store.
      await center.setFaults({ dropAfterCommit: { count: 2, infno: '3506' } });
      const ra = await refund(a.id);
      await drain();
      const ret = reportsOf(ra.id);
      expect(ret.map((o) => [o.infno, o.state])).toEqual([['3506', 'confirmed']]);
      expect(ret[0]!.attempts).toBeGreaterThan(1);
      expect(processed([ret[0]!.msgid])).toBe(1);
      expect(atCenter([s1, s2]).map((r) => r.returned_by)).toEqual([ret[0]!.msgid, ret[0]!.msgid]);
    }, 90_000);

    it('in the end the center holds as sold exactly the codes this window holds, and every report is answered once', async () => {
      const local = values(app.db, 'SELECT code FROM trace_codes WHERE freed_at IS NULL ORDER BY code', {}, z.string());
      const standing = values(center.db, "SELECT DISTINCT code FROM trace_sales WHERE infno = '3505' AND state = 'active' AND returned_by IS NULL ORDER BY code", {}, z.string());
      expect(standing).toEqual(local);
      const all = many(app.db, "SELECT msgid, state FROM outbox WHERE kind IN ('trace_sale', 'trace_return')", {}, z.object({ msgid: z.string(), state: z.string() }));
      expect(all.every((o) => o.state === 'confirmed')).toBe(true);
      expect(processed(all.map((o) => o.msgid))).toBe(all.length);
      // No code reported sold twice by standing reports.
      const twice = center.db.prepare(`SELECT code FROM trace_sales WHERE infno = '3505' AND state = 'active' AND returned_by IS NULL GROUP BY code HAVING count(*) > 1`).all();
      expect(twice).toEqual([]);
    });
  });
}
