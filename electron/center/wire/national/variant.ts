// A province's deployment variant of the national interface: everything NATIONAL-PLATFORM.md
// says differs between provinces, as data. PURE. A deployment writes a JSON file (setting
// `nationalVariant`) instead of changing code; anything absent takes the national default.
// Unknown keys are refused, so a misspelt override is an error at start-up, not a silent default.
import { z } from 'zod';
import { AppError } from '../../../api/result';
import { DICTIONARY_NAMES, mergeDictionaries, type Dictionaries, type DictionaryName } from './dictionaries';

/** Request envelope fields (NATIONAL-PLATFORM.md §1.1) in the order we write them. */
export const ENVELOPE_FIELDS = [
  'infno', 'msgid', 'mdtrtarea_admvs', 'insuplc_admdvs', 'recer_sys_code', 'dev_no', 'dev_safe_info', 'cainfo', 'signtype',
  'infver', 'opter_type', 'opter', 'opter_name', 'inf_time', 'fixmedins_code', 'fixmedins_name', 'sign_no', 'input',
] as const;
export type EnvelopeField = (typeof ENVELOPE_FIELDS)[number];

/** Response envelope fields (§1.2) we read. */
export const RESPONSE_FIELDS = ['infcode', 'inf_refmsgid', 'refmsg_time', 'respond_time', 'err_msg', 'warn_msg', 'output'] as const;
export type ResponseField = (typeof RESPONSE_FIELDS)[number];

const infno = z.string().regex(/^\d{4}$/, '交易编号应为 4 位数字');
const fieldName = z.string().min(1).max(64).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, '字段名只能含字母、数字、下划线');
const pattern = z.string().min(1).max(200).superRefine((s, ctx) => {
  try {
    new RegExp(s, 'u');
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `不是有效的正则表达式：${(e as Error).message}` });
  }
});
const timeout = z.number().int().min(500).max(600_000);

export const variantSchema = z
  .object({
    /** Shown in logs and the status: which province's release this is. */
    name: z.string().min(1).max(60).default('national'),
    /** Path of the one POST endpoint on the center's gateway. */
    path: z.string().regex(/^\/[\x21-\x7e]*$/, '应以 / 开头').default('/fsi/api/rsfComIndexService/index'),
    infver: z.string().min(1).max(6).default('V1.0'),
    opterType: z.enum(['1', '2', '3']).default('1'),
    /** 接收方系统代码: a default, and per insutype where a province routes by it (Inner Mongolia: 340 → LXXT). */
    recerSysCode: z.object({ default: z.string().min(1).max(10).default('YBXT'), byInsutype: z.record(z.string(), z.string().min(1).max(10)).default({}) }).strict().prefault({}),
    /** Our envelope field name → the province's (e.g. a release spelling mdtrtarea_admdvs). */
    envelopeNames: z.partialRecord(z.enum(ENVELOPE_FIELDS), fieldName).default({}),
    /** Response envelope field → the province's name for it. */
    responseNames: z.partialRecord(z.enum(RESPONSE_FIELDS), fieldName).default({}),
    /** Fields a province adds to every envelope, with fixed values (Guangzhou's recer_admdvs). */
    extraEnvelope: z.record(fieldName, z.string().max(200)).default({}),
    /** Per transaction: our key → the province's key, anywhere inside `input` (sending). */
    inputNames: z.record(infno, z.record(fieldName, fieldName)).default({}),
    /** Per transaction: the province's key → ours, anywhere inside `output` (receiving). */
    outputNames: z.record(infno, z.record(fieldName, fieldName)).default({}),
    /** Codes added to or overriding the national dictionaries. */
    dictionaries: z.partialRecord(z.enum(DICTIONARY_NAMES), z.record(z.string().max(20), z.string().max(100))).default({}),
    /** One deadline per exchange (connect + send + answer), per transaction where given. */
    timeouts: z.object({ defaultMs: timeout.default(60_000), byInfno: z.record(infno, timeout).default({}) }).strict().prefault({}),
    /** The gateway layer's envelope (`code` 999 + `msg`): which codes mean "passed to the business system". */
    gateway: z
      .object({ codeField: fieldName.default('code'), messageField: fieldName.default('msg'), okCodes: z.array(z.string().max(10)).default(['0', '200']) })
      .strict()
      .prefault({}),
    /** infcode values meaning "busy, try again later" (the business system did nothing). */
    busyInfcodes: z.array(z.string().regex(/^-?\d+$/)).default(['-9']),
    /** err_msg texts meaning "sign in again" (sign_no missing or expired). */
    signInRequired: z.array(pattern).default(['签到编码为空', '请先(去)?签到', '签到.{0,6}(过期|失效|无效|不存在)', 'sign_?no.{0,20}(missing|expired|invalid|unknown)']),
    /** 5206 cum_type_code → our accumulator key (`<accumulator>.eligible|fundPaid` or a counter), for a province's codes (Q0000 …). */
    cumTypes: z.record(z.string().min(1).max(40), z.string().min(1).max(60)).default({}),
    /** Header carrying the body's HMAC-SHA256 (the sandbox's scheme; a province's gateway may name it otherwise). */
    signatureHeader: z.string().regex(/^[a-z0-9-]{1,64}$/).default('x-signature'),
  })
  .strict();

export type VariantInput = z.input<typeof variantSchema>;
type ParsedVariant = z.output<typeof variantSchema>;

export interface NationalVariant extends Omit<ParsedVariant, 'dictionaries' | 'signInRequired'> {
  dictionaries: Dictionaries;
  signInRequired: RegExp[];
}

function compile(v: ParsedVariant): NationalVariant {
  return {
    ...v,
    dictionaries: mergeDictionaries(v.dictionaries as Partial<Record<DictionaryName, Record<string, string>>>),
    signInRequired: v.signInRequired.map((s) => new RegExp(s, 'iu')),
  };
}

/** The national defaults (no province overrides). */
export const DEFAULT_VARIANT: NationalVariant = compile(variantSchema.parse({}));

/** A variant from its JSON object; refuses unknown keys and bad values with NATIONAL_VARIANT_INVALID. */
export function variantFrom(raw: unknown): NationalVariant {
  const r = variantSchema.safeParse(raw ?? {});
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(整体)'}：${i.message}`);
    throw new AppError('NATIONAL_VARIANT_INVALID', `国家平台接口的地区配置不正确：${issues.join('；')}`, { issues });
  }
  return compile(r.data);
}

/** A variant from the text of its JSON file. */
export function parseVariant(text: string): NationalVariant {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new AppError('NATIONAL_VARIANT_INVALID', `国家平台接口的地区配置不是有效的 JSON：${(e as Error).message}`);
  }
  return variantFrom(raw);
}

/** 接收方系统代码 for a message about a person of this insutype (none: the default). */
export function recerSysCodeFor(v: NationalVariant, insutype?: string): string {
  return (insutype && v.recerSysCode.byInsutype[insutype]) || v.recerSysCode.default;
}

/** The deadline of one exchange of this transaction. */
export function timeoutFor(v: NationalVariant, infno: string): number {
  return v.timeouts.byInfno[infno] ?? v.timeouts.defaultMs;
}
