// 1101 (person info): the answer's schema and its conversion to the app's view. PURE.
import { z } from 'zod';
import { insuStatusToStatus, insutypeToInsuranceType, psnTypeToPersonGroup } from './codes';
import { tryYuanToFen } from '../../api/money';
import type { AccumulatorsView, PersonCore } from '../../api/contract/center';

const yuan = z.string().refine((s) => tryYuanToFen(s) !== null, '金额应为两位小数的元');
const fenCount = z.number().int().nonnegative();
/** yyyy-MM-dd (a time after it is dropped). */
const dateWire = z.string().regex(/^\d{4}-\d{2}-\d{2}/, '应为 yyyy-MM-dd').transform((s) => s.slice(0, 10));

export const accumulatorsWireSchema = z
  .object({
    criticalBurden: fenCount.optional(),
    criticalPaid: fenCount.optional(),
  })
  .catchall(z.union([fenCount, z.object({ eligible: fenCount, fundPaid: fenCount })]));

export const personOutputSchema = z.object({
  baseinfo: z.object({
    psn_no: z.string().min(1).max(40),
    psn_name: z.string().min(1).max(60),
    gend: z.string().max(2),
    brdy: z.string().max(10),
    certno: z.string().max(40),
  }),
  insuinfo: z
    .array(
      z.object({
        insutype: z.string().min(1).max(6),
        psn_type: z.string().min(1).max(6),
        balc: yuan,
        psn_insu_stas: z.string().max(2),
        insuplc_admdvs: z.string().max(6),
      }),
    )
    .min(1),
  accumulators: accumulatorsWireSchema.optional(),
  /** Our protocol's 5301 equivalent (docs/CENTER.md "Filings and bindings"); absent = not told. */
  opspdise: z
    .array(z.object({ opsp_dise_code: z.string().min(1).max(30), opsp_dise_name: z.string().max(100), begndate: dateWire, enddate: dateWire.nullable() }))
    .max(50)
    .optional(),
  /** Our protocol's 5302 equivalent; absent = not told. */
  psnfixmedin: z
    .array(z.object({ biz_appy_type: z.string().regex(/^\d{2}$/), fixmedins_code: z.string().min(1).max(30), fixmedins_name: z.string().max(100), begndate: dateWire, enddate: dateWire.nullable() }))
    .max(50)
    .optional(),
});

export type PersonOutput = z.infer<typeof personOutputSchema>;

const inForce = (begin: string, end: string | null, day: string): boolean => begin <= day && (end === null || end >= day);

/** The 1101 answer's filings and bindings as the view holds them, `valid` / `here` as of `day`. */
export function recordsFromOutput(out: PersonOutput, institutionCode: string, day: string): Pick<PersonCore, 'filings' | 'bindings'> {
  const r: Pick<PersonCore, 'filings' | 'bindings'> = {};
  if (out.opspdise) {
    r.filings = out.opspdise.map((f) => ({ code: f.opsp_dise_code, name: f.opsp_dise_name, begin: f.begndate, end: f.enddate, valid: inForce(f.begndate, f.enddate, day) }));
  }
  if (out.psnfixmedin) {
    r.bindings = out.psnfixmedin.map((b) => ({
      bizType: b.biz_appy_type, institutionCode: b.fixmedins_code, institutionName: b.fixmedins_name, begin: b.begndate, end: b.enddate,
      valid: inForce(b.begndate, b.enddate, day), here: b.fixmedins_code === institutionCode,
    }));
  }
  return r;
}

/** Who the person is and the insurance line used, as both protocols' 1101 answers give them. */
export function personIdentity(
  base: { psn_no: string; psn_name: string; gend: string; brdy: string; certno: string },
  insu: { insutype: string; psn_type: string; insuplc_admdvs: string },
): Omit<PersonCore, 'status' | 'accountBalance' | 'accumulators' | 'filings' | 'bindings'> {
  return {
    psnNo: base.psn_no,
    name: base.psn_name,
    gender: base.gend === '1' ? 'male' : base.gend === '2' ? 'female' : 'unknown',
    birthDate: base.brdy,
    certNo: base.certno,
    insutype: insu.insutype,
    psnType: insu.psn_type,
    insuranceType: insutypeToInsuranceType(insu.insutype),
    personGroup: psnTypeToPersonGroup(insu.psn_type),
    insuplcAdmdvs: insu.insuplc_admdvs,
  };
}

/** The first insurance line is the one used for settlement (employee before resident if both). */
export function personFromOutput(out: PersonOutput): PersonCore {
  const lines = [...out.insuinfo].sort((a, b) => (a.insutype === '310' ? -1 : b.insutype === '310' ? 1 : 0));
  const insu = lines[0]!;
  return {
    ...personIdentity(out.baseinfo, insu),
    status: insuStatusToStatus(insu.psn_insu_stas),
    accountBalance: tryYuanToFen(insu.balc) ?? 0,
    accumulators: (out.accumulators ?? {}) as AccumulatorsView,
  };
}
