// The envelope of every exchange and the classification of every answer. PURE.
import { z } from 'zod';

export interface EnvelopeContext {
  institutionCode: string;
  institutionName: string;
  areaCode: string;
  /** Insured person's region (from 1101); the area code when unknown. */
  insuplcAdmdvs?: string;
  signNo: string;
  operatorId: string;
  operatorName: string;
  /** 'yyyy-MM-dd HH:mm:ss' China time. */
  infTime: string;
}

export interface RequestEnvelope {
  infno: string;
  msgid: string;
  mdtrtarea_admvs: string;
  insuplc_admdvs: string;
  recer_sys_code: string;
  infver: string;
  opter_type: string;
  opter: string;
  opter_name: string;
  inf_time: string;
  fixmedins_code: string;
  fixmedins_name: string;
  sign_no: string;
  input: unknown;
}

export function buildEnvelope(infno: string, msgid: string, input: unknown, ctx: EnvelopeContext): RequestEnvelope {
  return {
    infno,
    msgid,
    mdtrtarea_admvs: ctx.areaCode,
    insuplc_admdvs: ctx.insuplcAdmdvs ?? ctx.areaCode,
    recer_sys_code: 'YBCASHIER',
    infver: 'V1.0',
    opter_type: '1',
    opter: ctx.operatorId,
    opter_name: ctx.operatorName,
    inf_time: ctx.infTime,
    fixmedins_code: ctx.institutionCode,
    fixmedins_name: ctx.institutionName,
    sign_no: ctx.signNo,
    input,
  };
}

/** What the center may answer; anything else is an unknown outcome, never a guess. */
export const responseEnvelopeSchema = z.object({
  infcode: z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]),
  inf_refmsgid: z.string().max(64).optional().default(''),
  refmsg_time: z.string().max(32).optional(),
  respond_time: z.string().max(32).optional(),
  err_msg: z.string().max(2000).nullable().optional(),
  output: z.unknown().optional(),
});

export type CenterOutcome =
  | {
      kind: 'success';
      msgid: string;
      refmsgid: string;
      output: unknown;
      /** A national chain's settlement: the 2204 and 2206 answers the 2207 followed (the differences are recorded line by line). */
      evidence?: { fees?: unknown; preSettlement?: unknown };
    }
  | { kind: 'rejected'; msgid: string; code?: string; message: string; output?: unknown }
  | { kind: 'busy'; msgid: string; message: string }
  | { kind: 'unknown'; msgid: string; reason: string };

/**
 * Classify an HTTP 200 body. infcode 0 → success; -1 → rejected (final); -9 → busy (retry);
 * a body that is not JSON, does not match the envelope, or carries another code → unknown.
 */
export function classifyResponse(msgid: string, bodyText: string): CenterOutcome {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return { kind: 'unknown', msgid, reason: `中心应答不是有效的 JSON（${bodyText.length} 字节）` };
  }
  const parsed = responseEnvelopeSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { kind: 'unknown', msgid, reason: `中心应答格式不正确：${issue ? `${issue.path.join('.') || '(整体)'} ${issue.message}` : ''}` };
  }
  const r = parsed.data;
  const message = r.err_msg ?? '';
  switch (r.infcode) {
    case 0:
      return { kind: 'success', msgid, refmsgid: r.inf_refmsgid, output: r.output ?? null };
    case -1: {
      const out = r.output;
      const code =
        out && typeof out === 'object' && 'reject_code' in out && typeof (out as { reject_code: unknown }).reject_code === 'string'
          ? (out as { reject_code: string }).reject_code
          : undefined;
      const o: CenterOutcome = { kind: 'rejected', msgid, message: message || '中心拒绝了本次交易' };
      if (code !== undefined) o.code = code;
      if (out !== undefined) o.output = out;
      return o;
    }
    case -9:
      return { kind: 'busy', msgid, message: message || '中心繁忙，请稍后重试' };
    default:
      return { kind: 'unknown', msgid, reason: `中心返回了未知的 infcode ${r.infcode}` };
  }
}
