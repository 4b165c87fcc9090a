// The sandbox center's filings a person has at the insurance office, beyond 1101: 5301 the
// chronic/special-disease filings (门慢门特备案) and 5302 the clinic a person is bound to
// (定点备案; resident outpatient pooling pays only at the bound primary clinic). Demo data is
// fixed per demo person (docs/CENTER.md "Demo persons"); registered persons have no filings,
// and a registered resident is bound to the asking clinic for outpatient pooling.
import { DEMO_PERSONS } from '../demo-persons';
import { personByPsnNo } from '../persons';
import { filings5301Input, binding5302Input } from '../../wire/national/messages';
import type { PatientBinding, PatientFiling } from '../../../policy/split/types';
import type { TxAnswer } from '../transactions';
import type { NationalTxContext } from './chain';
import { ok, reject } from '../answers';

interface Filing {
  code: string;
  name: string;
  begndate: string;
  enddate: string | null;
  dept: string;
}

interface Binding {
  bizAppyType: '01' | '02';
  /** null = the institution asking (the sandbox's own institution code). */
  fixmedinsCode: string | null;
  fixmedinsName: string;
  begndate: string;
  enddate: string | null;
}

/** The other clinic some demo persons are bound to (shows "bound elsewhere"). */
export const OTHER_CLINIC = { code: 'H99010000099', name: '示范第二社区卫生服务站' };

const psn = (n: number) => DEMO_PERSONS[n - 1]!.psn_no;

const FILINGS: Readonly<Record<string, Filing[]>> = {
  // 李秀英: hypertension, filed; an old filing that has ended.
  [psn(2)]: [
    { code: 'I10', name: '原发性高血压', begndate: '2025-01-01 00:00:00', enddate: '2026-12-31 23:59:59', dept: '全科' },
    { code: 'J44', name: '慢性阻塞性肺疾病', begndate: '2023-01-01 00:00:00', enddate: '2024-12-31 23:59:59', dept: '全科' },
  ],
  // 吴婷: diabetes (the chronic demo person).
  [psn(9)]: [{ code: 'E11', name: '2型糖尿病', begndate: '2024-03-01 00:00:00', enddate: null, dept: '内分泌科' }],
};

const BINDINGS: Readonly<Record<string, Binding[]>> = {
  [psn(3)]: [{ bizAppyType: '01', fixmedinsCode: null, fixmedinsName: '', begndate: '2026-01-01 00:00:00', enddate: '2026-12-31 23:59:59' }],
  [psn(4)]: [{ bizAppyType: '01', fixmedinsCode: null, fixmedinsName: '', begndate: '2026-01-01 00:00:00', enddate: '2026-12-31 23:59:59' }],
  [psn(9)]: [{ bizAppyType: '02', fixmedinsCode: null, fixmedinsName: '', begndate: '2024-03-01 00:00:00', enddate: null }],
  // 徐丽: bound to another clinic (resident outpatient pooling does not pay here).
  [psn(11)]: [{ bizAppyType: '01', fixmedinsCode: OTHER_CLINIC.code, fixmedinsName: OTHER_CLINIC.name, begndate: '2026-01-01 00:00:00', enddate: '2026-12-31 23:59:59' }],
  [psn(12)]: [{ bizAppyType: '01', fixmedinsCode: null, fixmedinsName: '', begndate: '2026-01-01 00:00:00', enddate: '2026-12-31 23:59:59' }],
};

/** Where a person without listed bindings stands: a resident is bound here for outpatient pooling (so registered test persons pool as before). */
function bindingsFor(psnNo: string, insutype: string): Binding[] {
  const listed = BINDINGS[psnNo];
  if (listed) return listed;
  return insutype === '390' ? [{ bizAppyType: '01', fixmedinsCode: null, fixmedinsName: '', begndate: '2026-01-01 00:00:00', enddate: null }] : [];
}

const day = (t: string | null): string | null => (t === null ? null : t.slice(0, 10));

/**
 * A person's filings and bindings as the split engine takes them (docs/SPLIT.md): what the
 * sandbox's own split uses when a settlement arrives (both protocols), and what the simple
 * protocol's 1101 answer carries (docs/CENTER.md "Filings and bindings in our protocol").
 */
export function splitRecordsOf(psnNo: string, insutype: string, institution: { code: string; name: string }): { filings: PatientFiling[]; bindings: PatientBinding[] } {
  return {
    filings: (FILINGS[psnNo] ?? []).map((f) => ({ code: f.code, name: f.name, begin: day(f.begndate)!, end: day(f.enddate) })),
    bindings: bindingsFor(psnNo, insutype).map((b) => ({
      bizType: b.bizAppyType,
      institutionCode: b.fixmedinsCode ?? institution.code,
      institutionName: b.fixmedinsCode ? b.fixmedinsName : institution.name,
      begin: day(b.begndate)!,
      end: day(b.enddate),
    })),
  };
}

/** The filings' rows as dept-bearing records (the simple protocol's 1101 answer). */
export function filingRowsOf(psnNo: string): readonly Filing[] {
  return FILINGS[psnNo] ?? [];
}

export function filings(ctx: NationalTxContext, input: unknown): TxAnswer {
  const p = filings5301Input.safeParse(input);
  if (!p.success) return reject('INVALID_INPUT', `输入不正确：${p.error.issues[0]?.path.join('.') ?? ''}`);
  if (!personByPsnNo(ctx.db, p.data.data.psn_no)) return reject('PERSON_NOT_FOUND', '未找到该参保人');
  const rows = FILINGS[p.data.data.psn_no] ?? [];
  return ok({ feedetail: rows.map((f) => ({ opsp_dise_code: f.code, opsp_dise_name: f.name, begndate: f.begndate, enddate: f.enddate, hosp_appy_dept: f.dept, memo: null })) });
}

export function binding(ctx: NationalTxContext, input: unknown): TxAnswer {
  const p = binding5302Input.safeParse(input);
  if (!p.success) return reject('INVALID_INPUT', `输入不正确：${p.error.issues[0]?.path.join('.') ?? ''}`);
  const { psn_no, biz_appy_type } = p.data.data;
  const person = personByPsnNo(ctx.db, psn_no);
  if (!person) return reject('PERSON_NOT_FOUND', '未找到该参保人');
  const rows = bindingsFor(psn_no, person.insutype).filter((b) => b.bizAppyType === biz_appy_type);
  return ok({
    psnfixmedin: rows.map((b, i) => ({
      psn_no, fix_srt_no: String(i + 1), fixmedins_code: b.fixmedinsCode ?? ctx.institutionCode, fixmedins_name: b.fixmedinsCode ? b.fixmedinsName : ctx.institutionName,
      begndate: b.begndate, enddate: b.enddate, memo: null,
    })),
  });
}
