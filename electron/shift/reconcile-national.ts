// Reconciliation in the national protocol (NATIONAL-PLATFORM.md 3201 / 3202): the same findings
// as the simple protocol's (reconcile-core.ts), so the Reconciler records them and the
// supervisor's screen shows them the same way.
// - 3201 per insutype × clr_type × setl_optins over the whole range. The national answer says
//   only whether the totals agree (stmt_rslt 0) and why not: it gives no figures of its own, so
//   a differing group is not halved day by day as in the simple protocol.
// - For each (clr_type, setl_optins) with a differing group: the local rows of the range go up
//   as a detail file (9101), 3202 names the file with its totals, and the center's result file
//   comes down (9102). Each result row that is not "0" is a finding, traced to its local
//   settlement by the center's setl_id, by the clinic's id the file carried, or by the msgid
//   of the 2207 that made it (`settlementOfMsgid`, the chain journal).
import { z } from 'zod';
import type { ReconcileGroup } from '../api/contract/shift';
import { AppError } from '../api/result';
import { fenToYuan } from '../api/money';
import {
  details3202Output, DETAIL_FILE_COLUMNS, DETAIL_RESULTS, download9102Output, readDelimited, RESULT_FILE_COLUMNS, totals3201Output, upload9101Output, wireMoney, writeDelimited,
} from '../center/wire/national/messages';
import { sendNationalOrThrow, type NationalCenterPort } from './center-port';
import { reconcileDays, STANDARD_INSUTYPES, type Comparison, type DetailRow, type Finding, type Totals } from './reconcile-core';

/** Outpatient clearing (门诊), asked about for the standard insurance types even without rows. */
export const OUTPATIENT_CLR_TYPE = '11';

/** Local 3201 figures of one day and group (center-agreed amounts). */
export interface NationalDayGroup extends Totals {
  day: string;
  insutype: string;
  clrType: string;
  setlOptins: string;
}

/** One local row the center should have, as written in the 3202 detail file. */
export interface NationalDetailRow extends DetailRow {
  day: string;
  psn_no: string;
  mdtrt_id: string;
}

export interface NationalReconcileSource<D extends NationalDetailRow> {
  groups(from: string, to: string): NationalDayGroup[] | Promise<NationalDayGroup[]>;
  /** Every row of the range the center should know for this clearing type and office. */
  details(from: string, to: string, clrType: string, setlOptins: string): D[] | Promise<D[]>;
  /** The local settlement a 2207 msgid made (the chain journal), when the center names only that. */
  settlementOfMsgid?(msgid: string): string | null;
}

function parseOr<T>(schema: z.ZodType<T>, output: unknown, infno: string): T {
  const r = schema.safeParse(output);
  if (!r.success) throw new AppError('CENTER_BAD_ANSWER', `中心 ${infno} 的应答格式不正确，对账未完成。`, { infno, issues: r.error.issues.slice(0, 3).map((i) => i.message) });
  return r.data;
}

const fenOf = (s: string | undefined): number | null => {
  const r = wireMoney.safeParse(s ?? '');
  return r.success ? r.data : null;
};

const KEYS = ['count', 'total', 'fund', 'account'] as const;
const groupKey = (g: { insutype: string; clrType: string; setlOptins: string }) => `${g.insutype}/${g.clrType}/${g.setlOptins}`;

export async function compareWithCenterNational<D extends NationalDetailRow>(port: NationalCenterPort | null, from: string, to: string, source: NationalReconcileSource<D>): Promise<Comparison<D>> {
  reconcileDays(from, to);
  if (!port) throw new AppError('CENTER_UNAVAILABLE', '医保中心接口未配置，无法对账。');
  const sums = new Map<string, { insutype: string; clrType: string; setlOptins: string } & Totals>();
  for (const insutype of STANDARD_INSUTYPES) {
    const g = { insutype, clrType: OUTPATIENT_CLR_TYPE, setlOptins: port.areaCode, count: 0, total: 0, fund: 0, account: 0 };
    sums.set(groupKey(g), g);
  }
  for (const d of await source.groups(from, to)) {
    const k = groupKey(d);
    const g = sums.get(k) ?? { insutype: d.insutype, clrType: d.clrType, setlOptins: d.setlOptins, count: 0, total: 0, fund: 0, account: 0 };
    for (const key of KEYS) g[key] += d[key];
    sums.set(k, g);
  }

  const groups: Array<ReconcileGroup & { clrType: string; setlOptins: string }> = [];
  for (const g of [...sums.values()].sort((a, b) => groupKey(a).localeCompare(groupKey(b)))) {
    const out = await sendNationalOrThrow(port, '3201', {
      data: {
        insutype: g.insutype, clr_type: g.clrType, setl_optins: g.setlOptins, stmt_begndate: from, stmt_enddate: to,
        medfee_sumamt: fenToYuan(g.total), fund_pay_sumamt: fenToYuan(g.fund), acct_pay: fenToYuan(g.account), fixmedins_setl_cnt: g.count, refd_setl_flag: '0',
      },
    });
    const a = parseOr(totals3201Output, out, '3201').stmtinfo;
    groups.push({
      insutype: g.insutype, clrType: g.clrType, setlOptins: g.setlOptins, localByClrType: { [g.clrType]: g.count },
      local: { count: g.count, total: g.total, fund: g.fund, account: g.account }, center: null,
      match: a.stmt_rslt === '0', description: a.stmt_rslt_dscr ?? '', mismatchedDays: [],
    });
  }

  const findings: Finding<D>[] = [];
  let detailRows = 0;
  const pairs = [...new Set(groups.filter((g) => !g.match).map((g) => `${g.clrType}/${g.setlOptins}`))].sort();
  for (const pair of pairs) {
    const [clrType, setlOptins] = pair.split('/') as [string, string];
    const rows = await source.details(from, to, clrType, setlOptins);
    const resultRows = await askDetails(port, from, to, clrType, setlOptins, rows);
    detailRows += Math.max(rows.length, resultRows.length);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const byCenterId = new Map(rows.filter((r) => r.center_setl_id).map((r) => [r.center_setl_id!, r]));
    for (const r of resultRows) {
      if (r.stmt_rslt === DETAIL_RESULTS.match) continue;
      const kind = r.stmt_rslt === DETAIL_RESULTS.onlyCenter ? 'only_center' : r.stmt_rslt === DETAIL_RESULTS.onlyLocal ? 'only_local' : 'amount_differs';
      const viaMsgid = r.msgid ? (source.settlementOfMsgid?.(r.msgid) ?? null) : null;
      const mine = (r.setl_id ? byCenterId.get(r.setl_id) : undefined) ?? (r.medins_setl_id ? byId.get(r.medins_setl_id) : undefined) ?? (viaMsgid ? byId.get(viaMsgid) : undefined);
      const total = fenOf(r.medfee_sumamt);
      findings.push({
        kind,
        day: mine?.day ?? (/^\d{4}-\d{2}-\d{2}/.test(r.setl_time ?? '') ? r.setl_time!.slice(0, 10) : from),
        local: mine,
        settlementId: mine?.id ?? viaMsgid ?? (r.medins_setl_id || null),
        centerSetlId: r.setl_id || mine?.center_setl_id || null,
        center: kind === 'only_local' || total === null ? null : { total, fund: fenOf(r.fund_pay_sumamt) ?? 0, account: fenOf(r.acct_pay) ?? 0 },
      });
    }
    const days = [...new Set(findings.map((f) => f.day))].sort();
    for (const g of groups) if (!g.match && g.clrType === clrType && g.setlOptins === setlOptins) g.mismatchedDays.push(...days);
  }
  const mismatchedDays = [...new Set([...findings.map((f) => f.day), ...groups.flatMap((g) => g.mismatchedDays)])].sort();
  // A group that differs while the details show nothing (the center counts otherwise): still a mismatch.
  if (mismatchedDays.length === 0 && groups.some((g) => !g.match)) mismatchedDays.push(from);
  return { groups, mismatchedDays, detailRows, findings };
}

/** 9101 the detail file → 3202 naming it → 9102 the center's result file, parsed. */
async function askDetails(port: NationalCenterPort, from: string, to: string, clrType: string, setlOptins: string, rows: NationalDetailRow[]): Promise<Array<Record<(typeof RESULT_FILE_COLUMNS)[number], string>>> {
  const text = writeDelimited(
    DETAIL_FILE_COLUMNS,
    rows.map((d) => ({
      setl_id: d.center_setl_id ?? '', mdtrt_id: d.mdtrt_id, psn_no: d.psn_no, medfee_sumamt: fenToYuan(d.total), fund_pay_sumamt: fenToYuan(d.fund), acct_pay: fenToYuan(d.account),
      refd_setl_flag: d.refund_of ? '1' : '0', medins_setl_id: d.id,
    })),
  );
  const up = parseOr(
    upload9101Output,
    await sendNationalOrThrow(port, '9101', { fsUploadIn: { in: Buffer.from(text, 'utf8').toString('base64'), filename: `3202_${setlOptins}_${clrType}_${from}_${to}.txt`, fixmedins_code: port.institutionCode } }),
    '9101',
  );
  const sum = (k: 'total' | 'fund' | 'account') => rows.reduce((s, r) => s + r[k], 0);
  const asked = parseOr(
    details3202Output,
    await sendNationalOrThrow(port, '3202', {
      data: {
        setl_optins: setlOptins, file_qury_no: up.file_qury_no, stmt_begndate: from, stmt_enddate: to, medfee_sumamt: fenToYuan(sum('total')), fund_pay_sumamt: fenToYuan(sum('fund')),
        cash_payamt: fenToYuan(sum('total') - sum('fund') - sum('account')), fixmedins_setl_cnt: rows.length, clr_type: clrType,
      },
    }),
    '3202',
  );
  const file = parseOr(
    download9102Output,
    await sendNationalOrThrow(port, '9102', { fsDownloadIn: { file_qury_no: asked.fileinfo.file_qury_no, filename: asked.fileinfo.filename, fixmedins_code: port.institutionCode } }),
    '9102',
  );
  const rowsOut = readDelimited(RESULT_FILE_COLUMNS, Buffer.from(file.content_base64, 'base64').toString('utf8')) as Array<Record<(typeof RESULT_FILE_COLUMNS)[number], string>>;
  const bad = rowsOut.findIndex((r) => !Object.values(DETAIL_RESULTS).includes(r.stmt_rslt as never));
  if (bad >= 0) throw new AppError('CENTER_BAD_ANSWER', `中心 3202 结果文件第 ${bad + 1} 行的对账结果不正确，对账未完成。`, { infno: '3202' });
  return rowsOut;
}
