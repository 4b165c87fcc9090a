// 1101 (person info): the answer's schema and its conversion to the app's view. PURE.
import { z } from 'zod';
import { insuStatusToStatus, insutypeToInsuranceType, psnTypeToPersonGroup } from './codes';
import { tryYuanToFen } from '../../api/money';

const yuan = z.string().refine((s) => tryYuanToFen(s) !== null, '金额应为两位小数的元');
const fenCount = z.number().int().nonnegative();

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
});

export type PersonOutput = z.infer<typeof personOutputSchema>;

/** Year-to-date accumulators as in SPLIT-MODEL.md. */
export type AccumulatorsView = Record<string, { eligible: number; fundPaid: number } | number>;

export interface PersonCore {
  psnNo: string;
  name: string;
  gender: string;
  birthDate: string;
  certNo: string;
  insutype: string;
  psnType: string;
  insuranceType: string;
  personGroup: string;
  status: string;
  accountBalance: number;
  insuplcAdmdvs: string;
  accumulators: AccumulatorsView;
}

/** The first insurance line is the one used for settlement (employee before resident if both). */
export function personFromOutput(out: PersonOutput): PersonCore {
  const lines = [...out.insuinfo].sort((a, b) => (a.insutype === '310' ? -1 : b.insutype === '310' ? 1 : 0));
  const insu = lines[0]!;
  return {
    psnNo: out.baseinfo.psn_no,
    name: out.baseinfo.psn_name,
    gender: out.baseinfo.gend === '1' ? 'male' : out.baseinfo.gend === '2' ? 'female' : 'unknown',
    birthDate: out.baseinfo.brdy,
    certNo: out.baseinfo.certno,
    insutype: insu.insutype,
    psnType: insu.psn_type,
    insuranceType: insutypeToInsuranceType(insu.insutype),
    personGroup: psnTypeToPersonGroup(insu.psn_type),
    status: insuStatusToStatus(insu.psn_insu_stas),
    accountBalance: tryYuanToFen(insu.balc) ?? 0,
    insuplcAdmdvs: insu.insuplc_admdvs,
    accumulators: (out.accumulators ?? {}) as AccumulatorsView,
  };
}
