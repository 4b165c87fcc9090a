// The national envelope (NATIONAL-PLATFORM.md §1): building a request under a province's
// variant, and classifying an answer through BOTH error layers — the gateway's `code`/`msg`
// and the business system's `infcode`/`err_msg`. PURE.
//
// Classification (the outcome kinds are the simple adapter's CenterOutcome, so the outbox and
// the windows need not know which protocol answered):
// - gateway code present and not an ok code → rejected, code GATEWAY_REJECTED. The gateway
//   normally refuses before the business system sees the message, but a gateway error can also
//   be its own timeout towards the business system: callers resolving a step that commits treat
//   it as maybe committed (mayHaveCommitted).
// - infcode 0 and no err_msg → success (warn_msg is kept beside the output, not an error).
// - infcode 0 WITH an err_msg → unknown: some provinces answer failures this way, and some
//   answer a committed step with a warning this way; it is never success, and never a sure
//   failure either, so a committing step is resolved by 2601 naming its msgid.
// - a busy infcode (variant, default -9) → busy.
// - any other infcode → rejected (final); SIGN_IN_REQUIRED when err_msg says sign in again.
// - no JSON, no infcode, wrong types → unknown.
import { z } from 'zod';
import { buildEnvelope, type CenterOutcome, type EnvelopeContext } from '../envelope';
import { recerSysCodeFor, type NationalVariant, type ResponseField } from './variant';

export interface NationalContext extends EnvelopeContext {
  /** 参保地医保区划 (from 1101); required by the spec when input names a psn_no. */
  insuplcAdmdvs?: string;
  /** The person's insutype, when the province routes recer_sys_code by it. */
  insutype?: string;
}

/** Keys renamed anywhere inside a JSON value (arrays and nested objects included). */
export function renameKeys(value: unknown, names: Readonly<Record<string, string>> | undefined): unknown {
  if (!names || Object.keys(names).length === 0) return value;
  if (Array.isArray(value)) return value.map((v) => renameKeys(v, names));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[names[k] ?? k] = renameKeys(v, names);
  return out;
}

function invert(names: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(names).map(([a, b]) => [b, a]));
}

/** The request body object, field names as the province spells them. */
export function buildNationalRequest(v: NationalVariant, infno: string, msgid: string, input: unknown, ctx: NationalContext): Record<string, unknown> {
  // Our envelope's fields, with what the province's variant says instead (an unknown insured
  // region is left empty here, where ours falls back to the area code).
  const ours: Record<string, unknown> = {
    ...buildEnvelope(infno, msgid, renameKeys(input, v.inputNames[infno]), ctx),
    insuplc_admdvs: ctx.insuplcAdmdvs ?? '',
    recer_sys_code: recerSysCodeFor(v, ctx.insutype),
    infver: v.infver,
    opter_type: v.opterType,
  };
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(ours)) out[(v.envelopeNames as Record<string, string>)[k] ?? k] = val;
  for (const [k, val] of Object.entries(v.extraEnvelope)) if (!(k in out)) out[k] = val;
  return out;
}

/** The request as our field names again (what the sandbox reads after a province's renames). */
export function readNationalRequest(v: NationalVariant, body: Record<string, unknown>): Record<string, unknown> {
  const back = invert(v.envelopeNames as Record<string, string>);
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(body)) out[back[k] ?? k] = val;
  const infno = typeof out.infno === 'string' ? out.infno : '';
  const names = v.inputNames[infno];
  if (names) out.input = renameKeys(out.input, invert(names));
  return out;
}

const infcodeSchema = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]);
const textSchema = z.string().max(4000).nullable().optional();

export type NationalOutcome = CenterOutcome & { warning?: string };

/** Whether a step that commits may have done so, given how it was answered. */
export function mayHaveCommitted(o: CenterOutcome): boolean {
  return o.kind === 'unknown' || o.kind === 'success' || (o.kind === 'rejected' && o.code === 'GATEWAY_REJECTED');
}

function field(v: NationalVariant, json: Record<string, unknown>, name: ResponseField): unknown {
  return json[(v.responseNames as Record<string, string>)[name] ?? name];
}

/** Classify an HTTP 200 body under the variant (see the header for the rules). */
export function classifyNationalResponse(v: NationalVariant, infno: string, msgid: string, bodyText: string): NationalOutcome {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return { kind: 'unknown', msgid, reason: `中心应答不是有效的 JSON（${bodyText.length} 字节）` };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return { kind: 'unknown', msgid, reason: '中心应答不是 JSON 对象' };
  const body = json as Record<string, unknown>;

  // Gateway layer first: when it refused, the business fields are absent or meaningless.
  const gwCode = body[v.gateway.codeField];
  if (gwCode !== undefined && gwCode !== null && !v.gateway.okCodes.includes(String(gwCode))) {
    const gwMsg = body[v.gateway.messageField];
    const text = typeof gwMsg === 'string' ? gwMsg.slice(0, 500) : '';
    return { kind: 'rejected', msgid, code: 'GATEWAY_REJECTED', message: `医保网关拒绝（${String(gwCode).slice(0, 10)}）：${text || '无说明'}`, output: { gateway_code: String(gwCode).slice(0, 10) } };
  }

  const infcode = infcodeSchema.safeParse(field(v, body, 'infcode'));
  if (!infcode.success) return { kind: 'unknown', msgid, reason: '中心应答缺少 infcode 或格式不正确' };
  const errMsg = textSchema.safeParse(field(v, body, 'err_msg'));
  const warnMsg = textSchema.safeParse(field(v, body, 'warn_msg'));
  const refmsgid = field(v, body, 'inf_refmsgid');
  if (!errMsg.success || !warnMsg.success || (refmsgid !== undefined && refmsgid !== null && typeof refmsgid !== 'string')) {
    return { kind: 'unknown', msgid, reason: '中心应答字段类型不正确（err_msg / warn_msg / inf_refmsgid）' };
  }
  const message = (errMsg.data ?? '').trim();
  const code = infcode.data;

  if (code === 0) {
    if (message) return { kind: 'unknown', msgid, reason: `中心应答 infcode=0 却带有错误信息，不视为成功：${message.slice(0, 300)}` };
    const out: NationalOutcome = { kind: 'success', msgid, refmsgid: typeof refmsgid === 'string' ? refmsgid : '', output: renameKeys(field(v, body, 'output') ?? null, v.outputNames[infno]) };
    if (warnMsg.data) out.warning = warnMsg.data.slice(0, 500);
    return out;
  }
  if (v.busyInfcodes.includes(String(code))) return { kind: 'busy', msgid, message: message || '中心繁忙，请稍后重试' };
  const signIn = v.signInRequired.some((re) => re.test(message));
  const o: NationalOutcome = { kind: 'rejected', msgid, code: signIn ? 'SIGN_IN_REQUIRED' : 'CENTER_REJECTED', message: message ? message.slice(0, 500) : `中心拒绝了本次交易（infcode ${code}）` };
  const output = field(v, body, 'output');
  if (output !== undefined && output !== null) o.output = renameKeys(output, v.outputNames[infno]);
  return o;
}
