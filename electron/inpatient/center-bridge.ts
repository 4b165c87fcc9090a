// From a queued stay step (the facts written at commit, the stay as it is now) to the center's
// inpatient adapter (electron/center/inpatient/client.ts, both protocols): the typed call of
// each step, under the step's own msgid. The sender (sender.ts) applies what comes back.
import type { CenterOutcome } from '../center/wire/envelope';
import type { InpatientCenter, InpatientOutcome, StaySettlement } from '../center/inpatient/client';
import type { StayFeeLine, StayRef } from '../center/wire/national/inpatient';
import type { StayCenterAdapter, StayStepMessage } from './sender';
import type { StayRow } from './stays';

export interface BridgeDeps {
  center: InpatientCenter;
  /** The stay as it is now (the sender's read). */
  stay(stayId: string): StayRow | undefined;
  /** The center's setl_id of a journal settlement (its 2304 answer), or null. */
  centerSetlIdOf(settlementId: string): string | null;
  /** The national code of a clinic code (the catalogue mapping's; default: itself). */
  nationalCodeFor(code: string): string;
}

const str = (v: unknown, d = ''): string => (typeof v === 'string' ? v : d);
const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const codeName = (v: unknown) => ({ code: str(obj(v)['code']), name: str(obj(v)['name']) });
const dayTime = (day: string): string => `${day} 00:00:00`;

/** A typed outcome back as the plain CenterOutcome the sender applies, the value's meaning in `output`. */
function plain<T>(o: InpatientOutcome<T>, output?: (v: T) => unknown): CenterOutcome {
  if (o.kind !== 'success') return o;
  return { kind: 'success', msgid: o.msgid, refmsgid: o.refmsgid, output: output ? output(o.value) : o.output };
}

export function stayCenterAdapter(deps: BridgeDeps): StayCenterAdapter {
  const factsOf = (s: StayRow) => ({
    psnNo: s.psn_no,
    insutype: s.insutype,
    certType: s.cert_type,
    certNo: s.cert_no,
    medType: s.med_type,
    iptNo: s.his_stay_no ?? s.id,
    admittedAt: dayTime(s.admitted_on),
    department: { code: s.dept_code, name: s.dept_name },
    ward: s.ward,
    bed: s.bed,
    doctor: { code: s.doctor_code, name: s.doctor_name },
    diagnoses: (JSON.parse(s.diagnoses) as string[]).map((code) => ({ code })),
    hospitalLevel: s.hospital_level,
  });

  return {
    async send(step: StayStepMessage, opts): Promise<CenterOutcome> {
      const s = deps.stay(str(step.facts['stayId']));
      if (!s) return { kind: 'rejected', msgid: step.msgid, code: 'STAY_NOT_FOUND', message: '本机找不到这次住院' };
      const o = { msgid: step.msgid, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}), ...(step.facts['operator'] ? { operator: { id: str(obj(step.facts['operator'])['id']), name: str(obj(step.facts['operator'])['name']) } } : {}) };
      const c = deps.center;
      if (step.kind === 'admit') return plain(await c.admit(factsOf(s), o), (v) => ({ mdtrt_id: v.centerStayId }));
      const ref: StayRef = { psnNo: s.psn_no, centerStayId: step.centerStayId ?? '' };
      switch (step.kind) {
        case 'change':
          return plain(await c.change(ref, factsOf(s), o));
        case 'cancelAdmission':
          return plain(await c.cancelAdmission(ref, o));
        case 'fees': {
          const lines: StayFeeLine[] = (Array.isArray(step.facts['lines']) ? step.facts['lines'] : []).map((x) => {
            const l = obj(x);
            const code = str(l['code']);
            return {
              feedetlSn: String(l['lineNo']),
              medListCodg: deps.nationalCodeFor(code),
              medinsListCodg: code,
              unitPrice: str(l['unitPrice']),
              quantity: str(l['quantity']),
              amount: typeof l['amount'] === 'number' ? l['amount'] : 0,
              feeTime: dayTime(str(l['feeDate'])),
              department: codeName(step.facts['dept']),
              doctor: codeName(step.facts['doctor']),
              ...(l['ownPay'] === true ? { ownPay: true } : {}),
            };
          });
          return plain(await c.uploadFees(ref, s.med_type, lines, o));
        }
        case 'revokeFees': {
          const which = str(step.facts['batchId']) === '0000' ? 'all' : (Array.isArray(step.facts['lineNos']) ? step.facts['lineNos'] : []).map(String);
          return plain(await c.revokeFees(ref, which, o));
        }
        case 'discharge':
          return plain(
            await c.discharge(
              ref,
              { insutype: s.insutype },
              {
                dischargedAt: dayTime(str(step.facts['dischargedOn'])),
                diagnoses: (Array.isArray(step.facts['diagnoses']) ? step.facts['diagnoses'] : []).map((d) => ({ code: str(d) })),
                dischargeWay: str(step.facts['dischargeWay'], '1'),
                department: codeName(step.facts['dept']),
                doctor: { code: s.doctor_code, name: s.doctor_name },
              },
              o,
            ),
          );
        case 'undoDischarge':
          return plain(await c.undoDischarge(ref, o));
        case 'settle': {
          const settlementId = str(step.facts['settlementId']);
          const r = await c.settle(
            ref,
            { certType: s.cert_type, certNo: s.cert_no, insutype: s.insutype, total: typeof step.facts['total'] === 'number' ? step.facts['total'] : 0, useAccount: step.facts['useAccount'] !== false, midStay: step.facts['midStay'] === true },
            // The window's own figures (extras.local) are not sent: the differences are found
            // here from the answer, line by line and in the totals, as for a 2207
            // (diffAgainstCenter), which the center's stmt would only repeat.
            { ...o, extras: { medinsSetlId: settlementId, hospitalLevel: s.hospital_level } },
          );
          return plain(r);
        }
        case 'cancelSettlement': {
          const setlId = deps.centerSetlIdOf(str(step.facts['settlementId']));
          // Its 2304 never reached the center (refused there): nothing to undo at the center.
          if (!setlId) return { kind: 'success', msgid: step.msgid, refmsgid: '', output: { localOnly: true } };
          return plain(await c.cancelSettlement(ref, setlId, o));
        }
      }
      return { kind: 'rejected', msgid: step.msgid, code: 'BAD_MESSAGE', message: `未知的住院步骤 ${step.kind}` };
    },

    async preSettle(facts, opts): Promise<InpatientOutcome<StaySettlement>> {
      const s = deps.stay(str(facts['stayId']));
      const ref: StayRef = { psnNo: str(facts['psnNo']), centerStayId: str(facts['centerStayId']) };
      return deps.center.preSettle(
        ref,
        { certType: str(facts['certType']), certNo: str(facts['certNo']), insutype: str(facts['insutype']), total: typeof facts['total'] === 'number' ? facts['total'] : 0, useAccount: facts['useAccount'] !== false, midStay: facts['midStay'] === true },
        { msgid: str(facts['msgid']), timeoutMs: opts.timeoutMs, extras: { ...(s ? { hospitalLevel: s.hospital_level } : {}) } },
      );
    },
  };
}
