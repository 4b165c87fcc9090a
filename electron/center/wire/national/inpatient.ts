// The hospital window's national transactions (issue 19; NATIONAL-PLATFORM.md "Other codes"):
// 2401 入院办理, 2403 入院信息变更, 2404 入院撤销, 2402 出院办理, 2405 出院撤销, 2301 住院费用明细
//上传, 2302 住院费用明细撤销, 2303 住院预结算, 2304 住院结算 (mid_setl_flag 中途结算), 2305 住院结算
// 撤销. PURE. Builders take typed facts (money in fen, prices and quantities decimal strings) and
// write the national field names (mdtrtinfo / adminfo / dscginfo / diseinfo / feedetail / data);
// the schemas read requests (the sandbox) and answers (the client adapter). A province's
// spellings are applied by the envelope (variant inputNames / outputNames), as for every message.
//
// Our own protocol sends the same bodies to /tx (wire/inpatient.ts adds what only ours carries).
import { z } from 'zod';
import { fenToYuan, formatPrice, formatQuantity } from './decimal';
import { fee2204Output, settleOutput, wireMoney, type FeeLine } from './messages';

export const INPATIENT_INFNO = {
  admit: '2401',
  discharge: '2402',
  change: '2403',
  cancelAdmission: '2404',
  undoDischarge: '2405',
  fees: '2301',
  revokeFees: '2302',
  preSettle: '2303',
  settle: '2304',
  cancelSettlement: '2305',
} as const;
export type InpatientInfno = (typeof INPATIENT_INFNO)[keyof typeof INPATIENT_INFNO];

/** feedetl_sn of a 2302 that revokes every line of the stay not yet settled. */
export const ALL_UNSETTLED = '0000';

/** A stay's med_type (21 普通住院, 23 转外诊治住院, 24 急诊转住院, 52 生育住院) — every one an inpatient visit. */
export const isInpatientMedType = (medType: string): boolean => ['21', '22', '23', '24', '52'].includes(medType);

export interface CodeName {
  code: string;
  name: string;
}

export interface StayDiagnosis {
  /** ICD-10 code. */
  code: string;
  name?: string;
}

/** A stay as the center is told of it at admission (2401) and on change (2403). */
export interface StayFacts {
  psnNo: string;
  insutype: string;
  /** 01 电子凭证, 02 身份证, 03 社保卡. */
  certType: string;
  certNo: string;
  medType: string;
  /** The hospital's own stay number (住院号 ipt_no / ipt_otp_no). */
  iptNo: string;
  /** 'yyyy-MM-dd HH:mm:ss' China time. */
  admittedAt: string;
  department: CodeName;
  /** The ward is ours; the national adminfo has only the bed (adm_bed), so it goes with it. */
  ward: string;
  bed: string | null;
  /** 主治医生: atddr_no / chfpdr_name. */
  doctor: CodeName;
  /** Admission diagnoses, the main one first. */
  diagnoses: readonly StayDiagnosis[];
  /** The hospital level (1–3) the stay is settled at (our protocol sends it; national centers have it on file). */
  hospitalLevel?: number;
}

/** What discharge (2402) tells the center. */
export interface DischargeFacts {
  /** 'yyyy-MM-dd HH:mm:ss' China time. */
  dischargedAt: string;
  /** Discharge diagnoses, the main one first. */
  diagnoses: readonly StayDiagnosis[];
  /** dscg_way: 1 医嘱离院, 2 转院, 3 转社区, 4 非医嘱离院, 5 死亡, 9 其他. */
  dischargeWay: string;
  department: CodeName;
  /** The discharging doctor; absent: the diagnoses name none. */
  doctor?: CodeName;
}

/** One fee line of a stay (2301): an outpatient fee line (2204's; feedetl_sn unique within the stay) with its day and who ordered it. */
export interface StayFeeLine extends FeeLine {
  /** 'yyyy-MM-dd HH:mm:ss' (a day alone is read as its midnight). */
  feeTime: string;
  /** 开单科室 / 开单医生. */
  department: CodeName;
  doctor: CodeName;
}

/** The center's stay (mdtrt_id) and whose it is: every step after admission names both. */
export interface StayRef {
  psnNo: string;
  centerStayId: string;
}

/** What 2303 / 2304 send. */
export interface StaySettleFacts {
  certType: string;
  certNo: string;
  insutype: string;
  /** fen: the sum of the stay's lines being settled (the unsettled ones). */
  total: number;
  useAccount: boolean;
  /** 中途结算: settle the lines so far, the stay goes on. */
  midStay: boolean;
}

const time19 = (t: string): string => (/^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t} 00:00:00` : t);

function diseinfo(psnNo: string, diagnoses: readonly StayDiagnosis[], dept: CodeName, doctor: CodeName, at: string, diagType: '1' | '2', centerStayId?: string) {
  return diagnoses.map((d, i) => ({
    ...(centerStayId ? { mdtrt_id: centerStayId } : {}),
    psn_no: psnNo,
    // diag_type 1 西医诊断; adm_cond is the admission condition (入院病情), 1 有.
    diag_type: '1',
    maindiag_flag: i === 0 ? '1' : '0',
    diag_srt_no: i + 1,
    diag_code: d.code,
    diag_name: d.name ?? d.code,
    ...(diagType === '1' ? { adm_cond: '1' } : {}),
    diag_dept: dept.name,
    dise_dor_no: doctor.code,
    dise_dor_name: doctor.name,
    diag_time: time19(at),
  }));
}

function stayInfo(s: StayFacts) {
  const main = s.diagnoses[0];
  return {
    psn_no: s.psnNo,
    insutype: s.insutype,
    begntime: time19(s.admittedAt),
    mdtrt_cert_type: s.certType,
    mdtrt_cert_no: s.certNo,
    med_type: s.medType,
    ipt_no: s.iptNo,
    medrcdno: s.iptNo,
    atddr_no: s.doctor.code,
    chfpdr_name: s.doctor.name,
    adm_diag_dscr: s.diagnoses.map((d) => d.name ?? d.code).join('；').slice(0, 200),
    adm_dept_codg: s.department.code,
    adm_dept_name: s.department.name,
    adm_bed: s.bed ? `${s.ward}-${s.bed}` : s.ward,
    dscg_maindiag_code: main?.code ?? '',
    dscg_maindiag_name: main?.name ?? main?.code ?? '',
    dise_codg: main?.code ?? '',
    dise_name: main?.name ?? main?.code ?? '',
  };
}

// ---- builders ----

/** 2401 入院办理. */
export const admit2401 = (s: StayFacts) => ({
  mdtrtinfo: stayInfo(s),
  diseinfo: diseinfo(s.psnNo, s.diagnoses, s.department, s.doctor, s.admittedAt, '1'),
});

/** 2403 入院信息变更: the stay as it now is, under its center id. */
export const change2403 = (ref: StayRef, s: StayFacts) => {
  const { ipt_no: iptNo, ...rest } = stayInfo(s);
  return {
    adminfo: { mdtrt_id: ref.centerStayId, ...rest, ipt_otp_no: iptNo },
    diseinfo: diseinfo(s.psnNo, s.diagnoses, s.department, s.doctor, s.admittedAt, '1', ref.centerStayId),
  };
};

/** 2404 入院撤销 / 2405 出院撤销. */
export const cancelAdmission2404 = (ref: StayRef) => ({ data: { mdtrt_id: ref.centerStayId, psn_no: ref.psnNo } });
export const undoDischarge2405 = (ref: StayRef) => ({ data: { mdtrt_id: ref.centerStayId, psn_no: ref.psnNo } });

/** 2402 出院办理. */
export const discharge2402 = (ref: StayRef, s: { insutype: string }, d: DischargeFacts) => {
  const main = d.diagnoses[0];
  return {
    dscginfo: {
      mdtrt_id: ref.centerStayId,
      psn_no: ref.psnNo,
      insutype: s.insutype,
      endtime: time19(d.dischargedAt),
      dise_codg: main?.code ?? '',
      dise_name: main?.name ?? main?.code ?? '',
      dscg_dept_codg: d.department.code,
      dscg_dept_name: d.department.name,
      dscg_way: d.dischargeWay,
    },
    diseinfo: diseinfo(ref.psnNo, d.diagnoses, d.department, d.doctor ?? { code: '', name: '' }, d.dischargedAt, '2', ref.centerStayId),
  };
};

/** 2301 住院费用明细上传: one batch. Throws NATIONAL_NUMBER_INVALID for a price or quantity the wire cannot carry. */
export const fees2301 = (ref: StayRef, medType: string, lines: readonly StayFeeLine[]) => ({
  feedetail: lines.map((l) => ({
    feedetl_sn: l.feedetlSn,
    mdtrt_id: ref.centerStayId,
    psn_no: ref.psnNo,
    med_type: medType,
    fee_ocur_time: time19(l.feeTime),
    med_list_codg: l.medListCodg,
    medins_list_codg: l.medinsListCodg,
    det_item_fee_sumamt: fenToYuan(l.amount),
    cnt: formatQuantity(l.quantity),
    pric: formatPrice(l.unitPrice),
    bilg_dept_codg: l.department.code,
    bilg_dept_name: l.department.name,
    bilg_dr_codg: l.doctor.code,
    bilg_dr_name: l.doctor.name,
    hosp_appr_flag: l.approved ? '1' : '0',
    ...(l.ownPay ? { exp_content: JSON.stringify({ own_pay_flag: '1' }) } : {}),
  })),
});

/**
 * 2302 住院费用明细撤销: every unsettled line ('all' → feedetl_sn "0000"), or the named lines.
 * The national message names one line (or "0000"); a batch of several lines is sent as `data`
 * holding a list of those objects, so a batch is revoked by one message under one msgid (the
 * sandbox reads both; a province that takes one line per message needs one item per line).
 */
export function revokeFees2302(ref: StayRef, which: 'all' | readonly string[]) {
  if (which === 'all') return { data: { feedetl_sn: ALL_UNSETTLED, mdtrt_id: ref.centerStayId, psn_no: ref.psnNo } };
  if (which.length === 1) return { data: { feedetl_sn: which[0]!, mdtrt_id: ref.centerStayId, psn_no: ref.psnNo } };
  return { data: which.map((sn) => ({ feedetl_sn: sn, mdtrt_id: ref.centerStayId, psn_no: ref.psnNo })) };
}

/** 2303 住院预结算 / 2304 住院结算 (the same input). */
export const settle2304 = (ref: StayRef, f: StaySettleFacts) => ({
  data: {
    psn_no: ref.psnNo,
    mdtrt_cert_type: f.certType,
    mdtrt_cert_no: f.certNo,
    medfee_sumamt: fenToYuan(f.total),
    psn_setlway: '01',
    mdtrt_id: ref.centerStayId,
    insutype: f.insutype,
    acct_used_flag: f.useAccount ? '1' : '0',
    mid_setl_flag: f.midStay ? '1' : '0',
  },
});
export const preSettle2303 = settle2304;

/** 2305 住院结算撤销. */
export const cancelSettlement2305 = (ref: StayRef, setlId: string) => ({ data: { mdtrt_id: ref.centerStayId, setl_id: setlId, psn_no: ref.psnNo } });

// ---- request schemas (what the sandbox accepts) ----

const id = (max: number) => z.string().min(1).max(max);
const text = (max: number) => z.string().max(max);
const optText = (max: number) => z.string().max(max).nullable().optional();
const dateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/, '应为 yyyy-MM-dd HH:mm:ss');
const decimalString = (places: number) => z.string().regex(new RegExp(`^\\d{1,${16 - places}}\\.\\d{${places}}$`), `应为 ${places} 位小数`);
const flag = z.enum(['0', '1']);

const diseRow = z.object({
  mdtrt_id: id(30).optional(),
  psn_no: id(30).optional(),
  diag_type: text(3),
  maindiag_flag: flag.optional(),
  diag_srt_no: z.union([z.string().max(3), z.number().int()]),
  diag_code: id(30),
  diag_name: text(300),
  adm_cond: optText(500),
  diag_dept: text(100),
  dise_dor_no: text(30),
  dise_dor_name: text(50),
  diag_time: dateTime,
});

const stayInfoSchema = z.object({
  psn_no: id(30),
  insutype: id(6),
  begntime: dateTime,
  mdtrt_cert_type: text(3),
  mdtrt_cert_no: text(64),
  med_type: id(6),
  ipt_no: id(30),
  medrcdno: optText(30),
  atddr_no: text(30),
  chfpdr_name: text(50),
  adm_diag_dscr: optText(200),
  adm_dept_codg: text(30),
  adm_dept_name: text(100),
  adm_bed: optText(30),
  dscg_maindiag_code: text(30),
  dscg_maindiag_name: optText(300),
  dise_codg: optText(30),
  dise_name: optText(300),
  /** Ours only (wire/inpatient.ts): the hospital level the stay is settled at. */
  hosp_lv: z.union([z.string().regex(/^[1-3]$/), z.number().int().min(1).max(3)]).optional(),
});

export const admit2401Input = z.object({ mdtrtinfo: stayInfoSchema, diseinfo: z.array(diseRow).max(50).optional().default([]) });
export const change2403Input = z.object({
  adminfo: stayInfoSchema.omit({ ipt_no: true }).partial().extend({ mdtrt_id: id(30), psn_no: id(30), ipt_otp_no: optText(30) }),
  diseinfo: z.array(diseRow).max(50).optional(),
});
export const stayRefInput = z.object({ data: z.object({ mdtrt_id: id(30), psn_no: id(30) }) });
export const discharge2402Input = z.object({
  dscginfo: z.object({
    mdtrt_id: id(30),
    psn_no: id(30),
    insutype: id(6),
    endtime: dateTime,
    dise_codg: optText(30),
    dise_name: optText(300),
    dscg_dept_codg: optText(30),
    dscg_dept_name: optText(100),
    dscg_way: z.string().regex(/^\d{1,3}$/),
  }),
  diseinfo: z.array(diseRow).max(50).optional().default([]),
});

export const fees2301Input = z.object({
  feedetail: z
    .array(
      z.object({
        feedetl_sn: id(30), mdtrt_id: id(30), psn_no: id(30), med_type: id(6).optional(), fee_ocur_time: dateTime, med_list_codg: id(50), medins_list_codg: id(150),
        det_item_fee_sumamt: wireMoney, cnt: decimalString(4), pric: decimalString(6),
        bilg_dept_codg: optText(30), bilg_dept_name: optText(100), bilg_dr_codg: optText(30), bilg_dr_name: optText(50),
        hosp_appr_flag: optText(3), exp_content: optText(4000),
      }),
    )
    .min(1)
    .max(1000),
});

const revokeRow = z.object({ feedetl_sn: id(30), mdtrt_id: id(30), psn_no: id(30) });
/** One line, "0000", or (ours and the sandbox's) a list of lines: read as a list. */
export const revokeFees2302Input = z.object({ data: z.union([revokeRow, z.array(revokeRow).min(1).max(1000)]) }).transform((v) => ({ rows: Array.isArray(v.data) ? v.data : [v.data] }));

export const settle2304Input = z.object({
  data: z.object({
    psn_no: id(30), mdtrt_cert_type: text(3), mdtrt_cert_no: text(64), medfee_sumamt: wireMoney, psn_setlway: text(6), mdtrt_id: id(30),
    insutype: id(6), acct_used_flag: flag, mid_setl_flag: flag.optional().default('0'), invono: optText(30),
    fulamt_ownpay_amt: wireMoney.optional(), overlmt_selfpay: wireMoney.optional(), preselfpay_amt: wireMoney.optional(), inscp_scp_amt: wireMoney.optional(),
  }).passthrough(),
});
export const cancel2305Input = z.object({ data: z.object({ mdtrt_id: id(30), setl_id: id(30), psn_no: id(30) }) });

// ---- answer schemas (what the client accepts) ----

/** 2401: the center's stay id. Some releases answer under `result`, the sandbox's chain under `data`: both read. */
const admitRow = z.object({ mdtrt_id: id(30), psn_no: z.string().max(30).optional(), ipt_otp_no: z.string().max(30).optional() });
export const admit2401Output = z.union([z.object({ result: admitRow }), z.object({ data: admitRow })]).transform((v) => ('result' in v ? v.result : v.data));

/** 2301: the center's figures per line (the 2204 answer's layout). */
export const fees2301Output = fee2204Output;
export type StayFeeResult = z.output<typeof fees2301Output>['result'][number];

/** 2303 / 2304 / 2305: setlinfo (+ setldetail). */
export const settle2304Output = settleOutput;
