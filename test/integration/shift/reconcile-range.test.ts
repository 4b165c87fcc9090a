// Reconciliation over a range pins differences to their days by halving: only halves whose
// 3201 totals differ are asked further. Checked against an independent oracle — every day and
// insurance type compared directly between the client's journal and the sandbox center's store
// — on real files and the real sandbox center over loopback.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../electron/app/clock';
import type { App } from '../../../electron/app/create-app';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import { tempDir } from '../../helpers/temp-app';
import { openClient, startCenter } from '../settlement/fixtures';
import { insertSettlement, prng, type JournalRow } from './journal';
import { rowCount } from '../../helpers/db-rows';
import { fenColumn, many } from '../../../electron/db/sql';
import { z } from 'zod';

const FROM = '2026-03-01';
const DAYS = 20;
const dayAt = (i: number) => new Date(Date.parse(`${FROM}T10:00:00+08:00`) + i * 86_400_000);
const dayOf = (i: number) => new Date(Date.parse(`${FROM}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10);
const TO = dayOf(DAYS - 1);

let dir: string;
let center: SandboxCenter;
let app: App;
const rows: JournalRow[] = [];

function toCenter(r: JournalRow): void {
  const amounts = { total: r.total, fullOwnPay: 0, overLimitSelfPay: 0, preSelfPay: 0, eligible: r.total - r.cash, deductible: 0, fundPay: r.fund, coPay: 0, criticalIllnessPay: r.critical, personalTotal: r.account + r.cash, accountPay: r.account, cashPay: r.cash };
  center.db
    .prepare(
      `INSERT INTO settlements (setl_id, kind, msgid, medins_setl_id, psn_no, insutype, setl_date, amounts, accum_delta, stmt, created_at)
       VALUES (?, 'settle', ?, ?, ?, ?, ?, ?, '{}', 'accepted', ?)`,
    )
    .run(r.centerSetlId, `M${r.id}`, r.id, r.psnNo ?? `P${r.id}`, r.insutype, new Date(r.createdAt.getTime() + 8 * 3600_000).toISOString().slice(0, 10), JSON.stringify(amounts), r.createdAt.toISOString());
}

/** The oracle: day/insutype keys whose count or sums differ between the two stores. */
function differingDays(): Map<string, string[]> {
  const Sums = z.object({ k: z.string(), n: z.number().int(), t: fenColumn, f: fenColumn, a: fenColumn });
  const localSums = many(
    app.db,
    `SELECT created_day || '/' || insutype AS k, count(*) AS n, sum(total) AS t, sum(fund_pay + critical_illness_pay) AS f, sum(account_pay) AS a
     FROM settlements GROUP BY 1`,
    {},
    Sums,
  );
  const centerSums = many(
    center.db,
    `SELECT setl_date || '/' || insutype AS k, count(*) AS n, sum(json_extract(amounts, '$.total')) AS t,
       sum(json_extract(amounts, '$.fundPay') + json_extract(amounts, '$.criticalIllnessPay')) AS f, sum(json_extract(amounts, '$.accountPay')) AS a
     FROM settlements WHERE state = 'active' GROUP BY 1`,
    {},
    Sums,
  );
  const l = new Map(localSums.map((r) => [r.k, r]));
  const c = new Map(centerSums.map((r) => [r.k, r]));
  const out = new Map<string, string[]>();
  for (const k of new Set([...l.keys(), ...c.keys()])) {
    const a = l.get(k);
    const b = c.get(k);
    if (a && b && a.n === b.n && a.t === b.t && a.f === b.f && a.a === b.a) continue;
    const [day, insutype] = k.split('/') as [string, string];
    out.set(insutype, [...(out.get(insutype) ?? []), day].sort());
  }
  return out;
}

const count3201 = () => rowCount(center.db, 'messages', "infno = '3201'");

beforeAll(async () => {
  dir = tempDir('shift-reconcile-range-');
  const clock = new ManualClock(new Date(`${TO}T18:00:00+08:00`));
  center = await startCenter(join(dir, 'center'), clock);
  app = await openClient({ dataDir: join(dir, 'client'), centerUrl: center.url, clock });
  const r = prng(5);
  let n = 0;
  for (let d = 0; d < DAYS; d++) {
    for (const insutype of ['310', '390'] as const) {
      for (let i = 0; i < 3; i++) {
        const total = 1000 + Math.floor(r() * 20_000);
        const fund = Math.floor(total * 0.6);
        const account = Math.floor((total - fund) / 3);
        const id = `S${String(++n).padStart(5, '0')}`;
        rows.push({
          id, createdAt: new Date(dayAt(d).getTime() + n * 1000), operatorId: '1001', shiftId: `SH-${d}`, insutype,
          insuranceType: insutype === '310' ? 'employee' : 'resident', visitType: 'outpatient', online: true, state: 'confirmed',
          refundOf: null, total, fund, critical: 0, account, cash: total - fund - account, centerSetlId: `ST${id}`,
        });
      }
    }
  }
  for (const row of rows) insertSettlement(app.db, row);
  for (const row of rows) toCenter(row);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await center?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('reconciliation over a range', () => {
  it('a matching range takes one 3201 per insurance type', async () => {
    const before = count3201();
    const res = await app.shift.reconciler.run(FROM, TO, null);
    expect(res.result).toBe('match');
    expect(count3201() - before).toBe(2);
  });

  it('differences are pinned to exactly the days that differ, with far fewer 3201s than one per day', async () => {
    // The center lost one on day 2 (310), holds a different amount on day 11 (390), and holds
    // one made elsewhere on day 17 (310).
    const lost = rows.find((r) => r.createdAt >= dayAt(2) && r.insutype === '310')!;
    center.db.prepare('DELETE FROM settlements WHERE setl_id = ?').run(lost.centerSetlId);
    const drifted = rows.find((r) => r.createdAt >= dayAt(11) && r.insutype === '390')!;
    center.db.prepare("UPDATE settlements SET amounts = json_set(amounts, '$.total', json_extract(amounts, '$.total') + 7) WHERE setl_id = ?").run(drifted.centerSetlId);
    toCenter({ ...rows.find((r) => r.createdAt >= dayAt(17) && r.insutype === '310')!, id: 'OTHER-WINDOW-1', centerSetlId: 'STOTHER000001' });

    const expected = differingDays();
    expect(Object.fromEntries(expected)).toEqual({ '310': [dayOf(2), dayOf(17)], '390': [dayOf(11)] });
    const before = count3201();
    const res = await app.shift.reconciler.run(FROM, TO, null);
    const asked = count3201() - before;
    expect(res.result).toBe('mismatch');
    for (const g of res.groups) expect(g.mismatchedDays).toEqual(expected.get(g.insutype) ?? []);
    expect(res.discrepancies.map((d) => [d.kind, d.day]).sort()).toEqual([
      ['amount_differs', dayOf(11)],
      ['only_center', dayOf(17)],
      ['only_local', dayOf(2)],
    ]);
    // Day by day would be 2 + 2 × 20 = 42 exchanges; halving asks one per level per difference.
    expect(asked).toBeLessThanOrEqual(2 + 3 * Math.ceil(Math.log2(DAYS)));
  });

  it('when every day differs, every day is found', async () => {
    center.db.prepare("UPDATE settlements SET amounts = json_set(amounts, '$.accountPay', json_extract(amounts, '$.accountPay') + 1) WHERE insutype = '390'").run();
    const expected = differingDays();
    expect(expected.get('390')).toHaveLength(DAYS);
    const res = await app.shift.reconciler.run(FROM, TO, null);
    for (const g of res.groups) expect(g.mismatchedDays).toEqual(expected.get(g.insutype) ?? []);
    expect(res.discrepancies.filter((d) => d.kind === 'amount_differs')).toHaveLength(DAYS * 3);
  });
});
