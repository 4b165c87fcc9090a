// The national transactions' inputs and answers (NATIONAL-PLATFORM.md §2), in our field names
// (a province's spellings are applied by the envelope). PURE. Shared by the client adapter
// (building requests, validating answers) and the sandbox (validating requests, answering).
// Money is integer fen on our side, (16,2) yuan strings on the wire; answers may carry numbers.
import { z } from 'zod';
import { AMOUNT_FIELDS, type SettlementAmounts } from '../settlement';
import { fenToYuan, formatPrice, formatQuantity, moneyToFen, ratioFromWire } from './decimal';

/** Money as it may arrive (string or number, ≤ 2 places) → fen. */
export const wireMoney = z.union([z.string().max(20), z.number()]).transform((v, ctx) => {
  const fen = moneyToFen(v);
  if (fen === null) {
    ctx.addIssue({ code: 'custom', message: '金额应为不超过两位小数的元' });
    return z.NEVER;
  }
  return fen;
});
const wireRatio = z.union([z.string().max(20), z.number()]).transform((v, ctx) => {
  const r = ratioFromWire(v);
  if (r === null) {
    ctx.addIssue({ code: 'custom', message: '比例应为不超过四位小数的非负数' });
    return z.NEVER;
  }
  return r;
});
const id = (max: number) => z.string().min(1).max(max);
const optText = (max: number) => z.string().max(max).nullable().optional();

// ---- 9001 / 9002 ----
export const signIn9001 = (opterNo: string, mac: string, ip: string) => ({ signIn: { opter_no: opterNo, mac, ip } });
export const signOut9002 = (signNo: string, opterNo: string) => ({ signOut: { sign_no: signNo, opter_no: opterNo } });
export const signIn9001Input = z.object({ signIn: z.object({ opter_no: id(30), mac: z.string().max(20).optional(), ip: z.string().max(40) }) });
export const signOut9002Input = z.object({ signOut: z.object({ sign_no: id(30), opter_no: id(30) }) });
export const signIn9001Output = z.object({ signinoutb: z.object({ sign_time: z.string().max(19), sign_no: id(30) }) });

// ---- 1101 ----
export const person1101Input = z.object({
  data: z.object({
    mdtrt_cert_type: z.enum(['01', '02', '03']),
    mdtrt_cert_no: id(64),
    card_sn: z.string().max(32).optional(),
    begntime: z.string().max(19).optional(),
    psn_cert_type: z.string().max(6).optional(),
    certno: z.string().max(50).optional(),
    psn_name: z.string().max(50).optional(),
  }),
});
export const person1101Output = z.object({
  baseinfo: z.object({ psn_no: id(30), psn_cert_type: optText(6), certno: z.string().max(50), psn_name: id(50), gend: z.string().max(6), naty: optText(6), brdy: z.string().max(10), age: z.union([z.string(), z.number()]).nullable().optional() }),
  insuinfo: z
    .array(
      z.object({
        balc: wireMoney,
        insutype: id(6),
        psn_type: id(6),
        psn_insu_stas: z.string().max(6),
        psn_insu_date: optText(19),
        paus_insu_date: optText(19),
        cvlserv_flag: optText(3),
        insuplc_admdvs: z.string().max(6),
        emp_name: optText(200),
      }),
    )
    .min(1),
  idetinfo: z.array(z.object({ psn_idet_type: z.string().max(6), psn_type_lv: optText(6), memo: optText(500), begntime: optText(19), endtime: optText(19) })).optional().default([]),
});
export type Person1101 = z.output<typeof person1101Output>;

// ---- 2001 treatment check ----
export const treatment2001Input = z.object({ data: z.object({ psn_no: id(30), insutype: id(6), med_type: id(6), begntime: z.string().max(19), fixmedins_code: id(30).optional(), dise_codg: z.string().max(30).optional() }) });
export const treatment2001Output = z.object({
  trtinfo: z.array(z.object({ fund_pay_type: z.string().max(6), trt_enjymnt_flag: z.string().max(3), trt_chk_rslt: z.string().max(500).nullable().optional() })),
});
/** The person may be settled: no fund line says "not entitled" (trt_enjymnt_flag "0"). */
export function treatmentRefusal(out: z.output<typeof treatment2001Output>): string | null {
  const refused = out.trtinfo.filter((t) => t.trt_enjymnt_flag === '0');
  return refused.length ? refused.map((t) => t.trt_chk_rslt || `${t.fund_pay_type} 不享受待遇`).join('；') : null;
}

// ---- 5206 accumulators ----
export const accum5206Input = z.object({ data: z.object({ psn_no: id(30), cum_ym: z.string().regex(/^\d{6}$/) }) });
export const accum5206Output = z.object({ cuminfo: z.array(z.object({ year: z.union([z.string(), z.number()]).optional(), cum_type_code: id(40), cum: wireMoney })) });

/**
 * Accumulator rows → the split model's accumulators. The default coding (what the sandbox
 * answers) is `<accumulator>.eligible` / `<accumulator>.fundPaid` / `<plain counter>`; a
 * province's real codes (Q0000 …) are mapped to those by the variant's `cumTypes`.
 */
export function accumulatorsFrom5206(rows: ReadonlyArray<{ cum_type_code: string; cum: number }>, cumTypes: Readonly<Record<string, string>> = {}): Record<string, { eligible: number; fundPaid: number } | number> {
  const out: Record<string, { eligible: number; fundPaid: number } | number> = {};
  for (const r of rows) {
    const key = cumTypes[r.cum_type_code] ?? r.cum_type_code;
    const m = /^(.+)\.(eligible|fundPaid)$/.exec(key);
    if (!m) {
      out[key] = r.cum;
      continue;
    }
    const cur = out[m[1]!];
    const pair = typeof cur === 'object' ? cur : { eligible: 0, fundPaid: 0 };
    pair[m[2] as 'eligible' | 'fundPaid'] = r.cum;
    out[m[1]!] = pair;
  }
  return out;
}

/** The split model's accumulators → 5206 rows (the sandbox's answer). */
export function accumulatorsTo5206(acc: Readonly<Record<string, { eligible: number; fundPaid: number } | number | undefined>>, year: string): Array<{ year: string; cum_type_code: string; cum: string }> {
  const rows: Array<{ year: string; cum_type_code: string; cum: string }> = [];
  for (const [k, v] of Object.entries(acc)) {
    if (v === undefined) continue;
    if (typeof v === 'number') rows.push({ year, cum_type_code: k, cum: fenToYuan(v) });
    else rows.push({ year, cum_type_code: `${k}.eligible`, cum: fenToYuan(v.eligible) }, { year, cum_type_code: `${k}.fundPaid`, cum: fenToYuan(v.fundPaid) });
  }
  return rows;
}

// ---- 5301 chronic/special disease filings (门慢门特备案) / 5302 clinic binding (定点备案) ----
export const filings5301Input = z.object({ data: z.object({ psn_no: id(30) }) });
export const filings5301Output = z.object({
  feedetail: z.array(
    z.object({
      opsp_dise_code: id(30),
      opsp_dise_name: z.string().max(300),
      begndate: z.string().max(19),
      enddate: z.string().max(19).nullable().optional(),
      hosp_appy_dept: optText(100),
      memo: optText(500),
    }),
  ).max(200),
});
/** biz_appy_type: what the binding is for (01 = 普通门诊统筹 at a primary clinic, 02 = 门慢门特). */
export const binding5302Input = z.object({ data: z.object({ psn_no: id(30), biz_appy_type: z.string().regex(/^\d{2}$/) }) });
export const binding5302Output = z.object({
  psnfixmedin: z.array(
    z.object({
      psn_no: z.string().max(30).optional(),
      fix_srt_no: z.union([z.string().max(10), z.number()]).optional(),
      fixmedins_code: id(30),
      fixmedins_name: z.string().max(200),
      begndate: z.string().max(19),
      enddate: z.string().max(19).nullable().optional(),
      memo: optText(500),
    }),
  ).max(50),
});

// ---- 2201 / 2202 ----
export const register2201Input = z.object({
  data: z.object({
    psn_no: id(30), insutype: id(6), begntime: z.string().max(19), mdtrt_cert_type: z.string().max(3), mdtrt_cert_no: z.string().max(64),
    ipt_otp_no: id(30), atddr_no: z.string().max(30), dr_name: z.string().max(50), dept_code: z.string().max(30), dept_name: z.string().max(100), caty: z.string().max(30),
  }),
});
export const register2201Output = z.object({ data: z.object({ mdtrt_id: id(30), psn_no: id(30), ipt_otp_no: z.string().max(30) }) });
export const unregister2202Input = z.object({ data: z.object({ psn_no: id(30), mdtrt_id: id(30), ipt_otp_no: z.string().max(30) }) });

// ---- 2203 ----
export const visit2203Input = z.object({
  mdtrtinfo: z.object({ mdtrt_id: id(30), psn_no: id(30), med_type: id(6), begntime: z.string().max(19), main_cond_dscr: z.string().max(1000).optional(), dise_codg: z.string().max(30).optional(), dise_name: z.string().max(300).optional() }),
  diseinfo: z.array(z.object({ diag_type: z.string().max(3), diag_srt_no: z.union([z.string(), z.number()]), diag_code: id(30), diag_name: z.string().max(300), diag_dept: z.string().max(100), dise_dor_no: z.string().max(30), dise_dor_name: z.string().max(50), diag_time: z.string().max(19), vali_flag: z.string().max(3) })).max(50),
});

// ---- 2204 / 2205 ----
export interface FeeLine {
  /** Unique within the visit. */
  feedetlSn: string;
  /** The national code (对照 of the clinic's code). */
  medListCodg: string;
  /** The clinic's own item code. */
  medinsListCodg: string;
  /** Yuan, decimal string (the bill's). */
  unitPrice: string;
  quantity: string;
  /** fen: the line's amount as the local split computed it. */
  amount: number;
  /** Restricted item approved (hosp_appr_flag "1"). */
  approved?: boolean;
  ownPay?: boolean;
}

export function fee2204Input(mdtrtId: string, psnNo: string, chrgBchno: string, diseCodg: string, feeTime: string, lines: readonly FeeLine[]) {
  return {
    feedetail: lines.map((l) => ({
      feedetl_sn: l.feedetlSn,
      mdtrt_id: mdtrtId,
      psn_no: psnNo,
      chrg_bchno: chrgBchno,
      dise_codg: diseCodg,
      rx_circ_flag: '0',
      fee_ocur_time: feeTime,
      med_list_codg: l.medListCodg,
      medins_list_codg: l.medinsListCodg,
      det_item_fee_sumamt: fenToYuan(l.amount),
      cnt: formatQuantity(l.quantity),
      pric: formatPrice(l.unitPrice),
      hosp_appr_flag: l.approved ? '1' : '0',
      // A line the cashier settles as own pay: the extension field a province ignores if unknown.
      ...(l.ownPay ? { exp_content: JSON.stringify({ own_pay_flag: '1' }) } : {}),
    })),
  };
}
const decimalString = (places: number) => z.string().regex(new RegExp(`^\\d{1,${16 - places}}\\.\\d{${places}}$`), `应为 ${places} 位小数`);
export const fee2204InputSchema = z.object({
  feedetail: z
    .array(
      z.object({
        feedetl_sn: id(30), mdtrt_id: id(30), psn_no: id(30), chrg_bchno: id(30), dise_codg: z.string().max(30).optional(), rx_circ_flag: z.string().max(3).optional(),
        fee_ocur_time: z.string().max(19), med_list_codg: id(50), medins_list_codg: id(150), det_item_fee_sumamt: wireMoney, cnt: decimalString(4), pric: decimalString(6),
        hosp_appr_flag: z.string().max(3).optional(), exp_content: z.string().max(4000).optional(),
      }),
    )
    .min(1)
    .max(1000),
});
export const fee2204Output = z.object({
  result: z.array(
    z.object({
      feedetl_sn: id(30), det_item_fee_sumamt: wireMoney, cnt: z.union([z.string(), z.number()]), pric: z.union([z.string(), z.number()]),
      pric_uplmt_amt: wireMoney.nullable().optional(), selfpay_prop: wireRatio, fulamt_ownpay_amt: wireMoney, overlmt_amt: wireMoney, preselfpay_amt: wireMoney, inscp_scp_amt: wireMoney,
      chrgitm_lv: z.string().max(3), med_chrgitm_type: optText(6), memo: optText(500),
    }),
  ),
});
export type FeeResult = z.output<typeof fee2204Output>['result'][number];
export const cancelFees2205Input = z.object({ data: z.object({ mdtrt_id: id(30), chrg_bchno: id(30), psn_no: id(30) }) });

/** One line's local split vs the center's answer: each differing field, with the center's reason. */
export interface LineDifference {
  feedetlSn: string;
  code: string;
  field: 'amount' | 'fullOwnPay' | 'overLimitSelfPay' | 'preSelfPay' | 'eligible';
  local: number;
  center: number;
  why: string;
}

export function lineDifferences(
  local: ReadonlyArray<{ feedetlSn: string; code: string; amount: number; fullOwnPay: number; overLimitSelfPay: number; preSelfPay: number; eligible: number }>,
  center: readonly FeeResult[],
): LineDifference[] {
  const bySn = new Map(center.map((r) => [r.feedetl_sn, r]));
  const out: LineDifference[] = [];
  for (const l of local) {
    const r = bySn.get(l.feedetlSn);
    if (!r) continue;
    const why = r.memo || `中心分类 ${r.chrgitm_lv}，自付比例 ${r.selfpay_prop}`;
    const pairs: Array<[LineDifference['field'], number, number]> = [
      ['amount', l.amount, r.det_item_fee_sumamt],
      ['fullOwnPay', l.fullOwnPay, r.fulamt_ownpay_amt],
      ['overLimitSelfPay', l.overLimitSelfPay, r.overlmt_amt],
      ['preSelfPay', l.preSelfPay, r.preselfpay_amt],
      ['eligible', l.eligible, r.inscp_scp_amt],
    ];
    for (const [field, a, b] of pairs) if (a !== b) out.push({ feedetlSn: l.feedetlSn, code: l.code, field, local: a, center: b, why });
  }
  return out;
}

// ---- 2206 / 2207 / 2208 ----
export const settle2206Input = z.object({
  data: z.object({
    psn_no: id(30), mdtrt_cert_type: z.string().max(3), mdtrt_cert_no: z.string().max(64), med_type: id(6), medfee_sumamt: wireMoney, psn_setlway: z.string().max(6),
    mdtrt_id: id(30), chrg_bchno: id(30), acct_used_flag: z.enum(['0', '1']), insutype: id(6), invono: z.string().max(30).optional(),
    fulamt_ownpay_amt: wireMoney.optional(), overlmt_selfpay: wireMoney.optional(), preselfpay_amt: wireMoney.optional(), inscp_scp_amt: wireMoney.optional(),
  }),
});

/** The national settlement amounts (no coPay: the national setlinfo has no such amount). */
export const NATIONAL_AMOUNT_FIELDS = AMOUNT_FIELDS.filter(([k]) => k !== 'coPay');
export type NationalAmounts = Omit<SettlementAmounts, 'coPay'>;

const setlinfoShape = Object.fromEntries(NATIONAL_AMOUNT_FIELDS.map(([, w]) => [w, wireMoney])) as Record<string, typeof wireMoney>;
export const setlinfoOutput = z
  .object({
    ...setlinfoShape,
    fund_pay_sumamt: wireMoney,
    hosp_part_amt: wireMoney.optional(),
    balc: wireMoney.optional(),
    mdtrt_id: z.string().max(30).optional(),
    setl_id: z.string().max(30).optional(),
    medins_setl_id: z.string().max(30).optional(),
    psn_no: z.string().max(30).optional(),
    setl_time: z.string().max(19).optional(),
    clr_optins: optText(6),
    clr_way: optText(6),
    clr_type: optText(6),
  })
  .passthrough();
export const settleOutput = z.object({
  setlinfo: setlinfoOutput,
  setldetail: z.array(z.object({ fund_pay_type: z.string().max(6), inscp_scp_amt: wireMoney.optional(), crt_payb_lmt_amt: wireMoney.nullable().optional(), fund_payamt: wireMoney, fund_pay_type_name: optText(100), setl_proc_info: optText(4000) })).optional().default([]),
});
export type SettleAnswer = z.output<typeof settleOutput>;

/** The center's settlement amounts in fen (from a parsed setlinfo). */
export function amountsOfSetlinfo(s: z.output<typeof setlinfoOutput>): NationalAmounts {
  const out = {} as Record<string, number>;
  for (const [k, w] of NATIONAL_AMOUNT_FIELDS) out[k] = s[w] as number;
  return out as unknown as NationalAmounts;
}

/** Amounts → setlinfo money fields (yuan strings), plus fund_pay_sumamt. */
export function setlinfoOfAmounts(a: NationalAmounts): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, w] of NATIONAL_AMOUNT_FIELDS) out[w] = fenToYuan(a[k as keyof NationalAmounts]);
  out.fund_pay_sumamt = fenToYuan(a.fundPay + a.criticalIllnessPay);
  return out;
}

export const cancel2208Input = z.object({ data: z.object({ setl_id: id(30), mdtrt_id: id(30), psn_no: id(30) }) });

// ---- 2601 ----
export const reversal2601Input = z.object({ data: z.object({ psn_no: id(30), omsgid: id(30), oinfno: z.string().regex(/^\d{4}$/) }) });

// ---- 3201 / 3202 / 9101 / 9102 ----
export const totals3201Input = z.object({
  data: z.object({
    insutype: id(6), clr_type: id(6), setl_optins: id(6), stmt_begndate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), stmt_enddate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    medfee_sumamt: wireMoney, fund_pay_sumamt: wireMoney, acct_pay: wireMoney, fixmedins_setl_cnt: z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,10}$/).transform(Number)]),
    refd_setl_flag: z.string().max(3).optional(),
  }),
});
export const totals3201Output = z.object({ stmtinfo: z.object({ setl_optins: z.string().max(6).optional(), stmt_rslt: z.string().max(6), stmt_rslt_dscr: z.string().max(200).nullable().optional() }) });

export const upload9101Input = z.object({ fsUploadIn: z.object({ in: z.string().max(30_000_000), filename: id(200), fixmedins_code: id(30) }) });
export const upload9101Output = z.object({ file_qury_no: id(100), filename: z.string().max(200), dld_endtime: z.string().max(19).optional() });
export const details3202Input = z.object({
  data: z.object({
    setl_optins: id(6), file_qury_no: id(100), stmt_begndate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), stmt_enddate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    medfee_sumamt: wireMoney, fund_pay_sumamt: wireMoney, cash_payamt: wireMoney, fixmedins_setl_cnt: z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,10}$/).transform(Number)]), clr_type: id(6),
  }),
});
export const details3202Output = z.object({ fileinfo: z.object({ file_qury_no: id(100), filename: z.string().max(200), dld_endtime: z.string().max(19).optional() }) });
export const download9102Input = z.object({ fsDownloadIn: z.object({ file_qury_no: id(100), filename: z.string().max(200), fixmedins_code: id(30) }) });
/** The sandbox answers 9102 in the JSON envelope with the file as base64 (a real center streams the bytes). */
export const download9102Output = z.object({ filename: z.string().max(200), content_base64: z.string().max(40_000_000) });

/**
 * One row of the 3202 detail file (tab-separated text, one settlement per line), sending side.
 * `medins_setl_id` (the clinic's settlement id) is our trailing column: a row the center does
 * not know comes back naming it, so the finding is traced to the settlement.
 */
export const DETAIL_FILE_COLUMNS = ['setl_id', 'mdtrt_id', 'psn_no', 'medfee_sumamt', 'fund_pay_sumamt', 'acct_pay', 'refd_setl_flag', 'medins_setl_id'] as const;
/**
 * One row of the 3202 result file, receiving side. `setl_time` and `medins_setl_id` are trailing
 * columns the sandbox writes (a province's file without them reads as empty: the day is then the
 * range's first, the local row found by setl_id or msgid).
 */
export const RESULT_FILE_COLUMNS = ['psn_no', 'mdtrt_id', 'setl_id', 'msgid', 'stmt_rslt', 'refd_setl_flag', 'memo', 'medfee_sumamt', 'fund_pay_sumamt', 'acct_pay', 'setl_time', 'medins_setl_id'] as const;
/** stmt_rslt of a 3202 result row: 0 agrees, 1 only the center has it, 2 only the clinic, 3 amounts differ. */
export const DETAIL_RESULTS = { match: '0', onlyCenter: '1', onlyLocal: '2', amountDiffers: '3' } as const;

export function writeDelimited(columns: readonly string[], rows: ReadonlyArray<Record<string, string>>): string {
  return rows.map((r) => columns.map((c) => (r[c] ?? '').replace(/[\t\r\n]/g, ' ')).join('\t')).join('\n') + (rows.length ? '\n' : '');
}

export function readDelimited(columns: readonly string[], text: string): Array<Record<string, string>> {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const cells = l.split('\t');
      return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
    });
}
