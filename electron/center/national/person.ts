// Person lookup in the national protocol (NATIONAL-PLATFORM.md "How the pieces fit", 2):
// 1101 person → 2001 treatment check, 5206 the year's accumulators, 5301 chronic/special-disease
// filings and 5302 clinic bindings, asked side by side once 1101 named the person. The result
// is the same PersonView the simple protocol gives (the window and the local split need not
// know which answered) plus `national` (treatment, filings, bindings, each part's age), kept
// in the person cache (person-lookup.ts owns it; the database is encrypted at rest and the
// log masks the name) for offline settling.
//
// What a missing part means:
// - 1101, 2001 or 5206 not answered (offline, busy, no answer): the whole cached view, or
//   CENTER_OFFLINE_NOT_CACHED — a person without the center's treatment check or accumulators
//   is not half-known, the split would be wrong.
// - 5301 / 5302 not answered: those parts from the last cached view with their own age
//   (partsAt), or null (not known): they inform the cashier and issue 17's rules, they do not
//   gate this lookup.
import { AppError } from '../../api/result';
import type { ChronicFiling, ClinicBinding, NationalPersonFacts, PersonView } from '../../api/contract/center';
import { chinaDate, chinaDateTime, type Clock } from '../../app/clock';
import { rememberPersonNames } from '../../app/log';
import type { Db } from '../../db/open';
import type { SendOptions } from '../client';
import { fromCacheOr, readCachedPerson, writeCache, type CachedPerson, type PersonCredential } from '../person-lookup';
import { insuStatusToStatus } from '../wire/codes';
import { personIdentity } from '../wire/person';
import type { NationalOutcome } from '../wire/national/envelope';
import {
  accum5206Output, accumulatorsFrom5206, binding5302Output, filings5301Output, person1101Output, treatment2001Output, treatmentRefusal, type Person1101,
} from '../wire/national/messages';
import type { NationalOperator } from './session';

export interface NationalPersonDeps {
  db: Db;
  clock: Clock;
  isOnline(): boolean;
  send(infno: string, input: object, opts?: SendOptions & { operator?: NationalOperator }): Promise<NationalOutcome>;
  /** This clinic's code (a binding "here"). */
  institutionCode: string;
  /** 5206 cum_type_code → our accumulator key (the variant's cumTypes). */
  cumTypes?: Readonly<Record<string, string>>;
  /** 1101's deadline; default the variant's. */
  timeoutMs?: number;
}

/** Binding purposes asked with 5302: ordinary outpatient pooling, and chronic outpatient when filed. */
const BIZ_OUTPATIENT = '01';
const BIZ_CHRONIC = '02';

export async function lookupPersonNational(deps: NationalPersonDeps, cred: PersonCredential, operator?: NationalOperator): Promise<PersonView> {
  if (!deps.isOnline()) return fromCacheOr(deps.db, cred, '医保中心当前无法连接');
  const base = { ...(operator ? { operator } : {}), ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) };
  const data: Record<string, string> = { mdtrt_cert_type: cred.certType, mdtrt_cert_no: cred.certNo };
  if (cred.cardSn) data.card_sn = cred.cardSn;
  if (cred.certType === '02') Object.assign(data, { psn_cert_type: '01', certno: cred.certNo });
  const o = await deps.send('1101', { data }, base);
  if (o.kind !== 'success') return notAnswered(deps, cred, '1101', o);
  const p = parseOr(person1101Output, o.output, '人员信息（1101）');
  const insu = [...p.insuinfo].sort((a, b) => (a.insutype === '310' ? -1 : b.insutype === '310' ? 1 : 0))[0]!;
  const now = deps.clock.now();
  const psnNo = p.baseinfo.psn_no;
  const about = { ...base, insutype: insu.insutype, insuplcAdmdvs: insu.insuplc_admdvs };
  const day = chinaDate(now);

  const [trt, cum, fil, bind01] = await Promise.all([
    deps.send('2001', { data: { psn_no: psnNo, insutype: insu.insutype, med_type: '11', begntime: chinaDateTime(now), fixmedins_code: deps.institutionCode } }, about),
    deps.send('5206', { data: { psn_no: psnNo, cum_ym: day.slice(0, 4) + day.slice(5, 7) } }, about),
    deps.send('5301', { data: { psn_no: psnNo } }, about),
    deps.send('5302', { data: { psn_no: psnNo, biz_appy_type: BIZ_OUTPATIENT } }, about),
  ]);
  if (trt.kind !== 'success') return notAnswered(deps, cred, '2001', trt);
  if (cum.kind !== 'success') return notAnswered(deps, cred, '5206', cum);
  const treatmentOut = parseOr(treatment2001Output, trt.output, '待遇检查（2001）');
  const cumOut = parseOr(accum5206Output, cum.output, '累计信息（5206）');
  const at = now.toISOString();
  const previous = readCachedPerson(deps.db, cred.certType, cred.certNo, cred.cardSn)?.national;

  const filings = fil.kind === 'success' ? filingsOf(parseOr(filings5301Output, fil.output, '慢特病备案（5301）'), day) : null;
  let bindings: ClinicBinding[] | null = null;
  if (bind01.kind === 'success') {
    bindings = bindingsOf(parseOr(binding5302Output, bind01.output, '定点备案（5302）'), BIZ_OUTPATIENT, deps.institutionCode, day);
    // The chronic-outpatient binding matters only for a person with a filing.
    if (filings && filings.length > 0) {
      const b02 = await deps.send('5302', { data: { psn_no: psnNo, biz_appy_type: BIZ_CHRONIC } }, about);
      bindings = b02.kind === 'success' ? [...bindings, ...bindingsOf(parseOr(binding5302Output, b02.output, '定点备案（5302）'), BIZ_CHRONIC, deps.institutionCode, day)] : null;
    }
  }
  const refusal = treatmentRefusal(treatmentOut);
  const national: NationalPersonFacts = {
    treatment: { entitled: refusal === null, reason: refusal, fundPayTypes: [...new Set(treatmentOut.trtinfo.map((t) => t.fund_pay_type))] },
    filings: filings ?? previous?.filings ?? null,
    bindings: bindings ?? previous?.bindings ?? null,
    partsAt: {
      treatment: at,
      accumulators: at,
      filings: filings ? at : (previous?.partsAt.filings ?? null),
      bindings: bindings ? at : (previous?.partsAt.bindings ?? null),
    },
  };
  const core: CachedPerson = {
    ...coreOf(p, insu),
    // The treatment check is the real "benefits paused / not entitled" gate.
    status: refusal === null ? insuStatusToStatus(insu.psn_insu_stas) : 'suspended',
    accumulators: accumulatorsFrom5206(cumOut.cuminfo, deps.cumTypes),
    national,
  };
  rememberPersonNames(core.name);
  writeCache(deps.db, cred, core, at);
  return { ...core, source: 'live', cachedAt: at };
}

function coreOf(p: Person1101, insu: Person1101['insuinfo'][number]): Omit<CachedPerson, 'status' | 'accumulators' | 'national'> {
  return { ...personIdentity(p.baseinfo, insu), accountBalance: insu.balc };
}

const dayOf = (t: string | null | undefined): string | null => (t ? t.slice(0, 10) : null);
const inForce = (begin: string, end: string | null, day: string): boolean => begin <= day && (end === null || end >= day);

function filingsOf(out: { feedetail: Array<{ opsp_dise_code: string; opsp_dise_name: string; begndate: string; enddate?: string | null | undefined }> }, day: string): ChronicFiling[] {
  return out.feedetail.map((f) => {
    const begin = dayOf(f.begndate) ?? '';
    const end = dayOf(f.enddate);
    return { code: f.opsp_dise_code, name: f.opsp_dise_name, begin, end, valid: inForce(begin, end, day) };
  });
}

function bindingsOf(
  out: { psnfixmedin: Array<{ fixmedins_code: string; fixmedins_name: string; begndate: string; enddate?: string | null | undefined }> },
  bizType: string,
  institutionCode: string,
  day: string,
): ClinicBinding[] {
  return out.psnfixmedin.map((b) => {
    const begin = dayOf(b.begndate) ?? '';
    const end = dayOf(b.enddate);
    return { bizType, institutionCode: b.fixmedins_code, institutionName: b.fixmedins_name, begin, end, valid: inForce(begin, end, day), here: b.fixmedins_code === institutionCode };
  });
}

function parseOr<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } }, output: unknown, what: string): T {
  const r = schema.safeParse(output);
  if (r.success) return r.data;
  throw new AppError('CENTER_ANSWER_INVALID', `医保中心返回的${what}格式不正确，未使用。请重试；如反复出现，请联系技术支持。`, {
    issues: r.error.issues.slice(0, 3).map((i) => `${i.path.map(String).join('.')}: ${i.message}`),
  });
}

/** A refusal is final (the person, as today); busy or no answer falls back to the cache. */
function notAnswered(deps: NationalPersonDeps, cred: PersonCredential, infno: string, o: Exclude<NationalOutcome, { kind: 'success' }>): PersonView {
  if (o.kind === 'rejected') {
    if (o.code !== 'GATEWAY_REJECTED') {
      const centerCode = (o.output as { reject_code?: unknown } | undefined)?.reject_code;
      const code = typeof centerCode === 'string' ? centerCode : o.code;
      if (code === 'PERSON_NOT_FOUND' || /未找到|不存在|not found/i.test(o.message)) {
        throw new AppError('PERSON_NOT_FOUND', `医保中心未找到此人：${o.message}。请核对卡号或证件号。`, { centerCode: code, infno });
      }
      throw new AppError('PERSON_REJECTED', `医保中心拒绝查询（${infno}）：${o.message}`, { centerCode: code, infno });
    }
    return fromCacheOr(deps.db, cred, `医保网关未转发（${infno}：${o.message}）`);
  }
  return fromCacheOr(deps.db, cred, o.kind === 'busy' ? `医保中心繁忙（${infno}：${o.message}）` : `医保中心未应答（${infno}：${o.reason}）`);
}
