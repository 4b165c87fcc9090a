// Monthly clearing on the wire (docs/CLEARING.md), PURE, shared by the client and the sandbox.
// - 3203 clearing application (NATIONAL-PLATFORM.md §"How the pieces fit" 5): clr_type, clr_way,
//   setlym, psntime, medfee_sumamt, med_sumfee, fund_appy_sum, cash_payamt, acct_pay; we add the
//   month's begndate / enddate. The answer's clrinfo.clr_appy_evt_id names the application.
//   Our own protocol sends the same message to /tx and also lists the center's setl_ids
//   (`setl_ids`): the center checks the application row by row, not only by its totals.
// - 3204 cancels it by clr_appy_evt_id.
// - 3205 asks how it stands (clr_stas 1 applied, 2 paid, 0 cancelled). NATIONAL-PLATFORM.md names
//   no transaction for a clearing's outcome (provinces publish one apart); 3205 is this client's
//   and the sandbox's, to be mapped to the province's own when deploying.
// Money: decimal yuan strings out, strings or numbers back (wireMoney), integer fen inside.
import { z } from 'zod';
import { fenToYuan } from './national/decimal';
import { wireMoney } from './national/messages';

export const CLEARING_INFNO = { apply: '3203', cancel: '3204', status: '3205' } as const;
/** clr_way 1: clearing by the month's totals (按项目/总额); the only way this client applies. */
export const CLR_WAY = '1';
export const CLR_STAS = { cancelled: '0', applied: '1', paid: '2' } as const;

export interface ClearingApplyFigures {
  setlym: string;
  clrType: string;
  psntime: number;
  medfee: number;
  fund: number;
  account: number;
  cash: number;
  begndate: string;
  enddate: string;
}

/** The 3203 input; `setlIds` only in our own protocol. */
export function apply3203(f: ClearingApplyFigures, setlIds?: readonly string[]) {
  return {
    data: {
      clr_type: f.clrType, clr_way: CLR_WAY, setlym: f.setlym, psntime: f.psntime, medfee_sumamt: fenToYuan(f.medfee), med_sumfee: fenToYuan(f.medfee),
      fund_appy_sum: fenToYuan(f.fund), cash_payamt: fenToYuan(f.cash), acct_pay: fenToYuan(f.account), begndate: f.begndate, enddate: f.enddate,
      ...(setlIds ? { setl_ids: [...setlIds] } : {}),
    },
  };
}

const setlym = z.string().regex(/^\d{4}(0[1-9]|1[0-2])$/);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const apply3203Input = z.object({
  data: z.object({
    clr_type: z.string().min(1).max(6), clr_way: z.string().max(6), setlym, psntime: z.number().int(), medfee_sumamt: wireMoney, med_sumfee: wireMoney,
    fund_appy_sum: wireMoney, cash_payamt: wireMoney, acct_pay: wireMoney, begndate: day, enddate: day,
    setl_ids: z.array(z.string().min(1).max(64)).max(1_000_000).optional(),
  }),
});

const appyId = z.string().min(1).max(40);
export const apply3203Output = z.object({ clrinfo: z.object({ clr_appy_evt_id: appyId, setlym: z.string().optional(), clr_type: z.string().optional() }) });

export const cancel3204 = (centerAppyId: string, clrType: string) => ({ data: { clr_appy_evt_id: centerAppyId, clr_type: clrType } });
export const cancel3204Input = z.object({ data: z.object({ clr_appy_evt_id: appyId, clr_type: z.string().max(6).optional() }) });
export const cancel3204Output = z.object({ clrinfo: z.object({ clr_appy_evt_id: appyId, clr_stas: z.string() }) });

export const status3205 = (centerAppyId: string) => ({ data: { clr_appy_evt_id: centerAppyId } });
export const status3205Input = z.object({ data: z.object({ clr_appy_evt_id: appyId }) });
export const status3205Output = z.object({
  clrinfo: z.object({ clr_appy_evt_id: appyId, clr_stas: z.enum([CLR_STAS.cancelled, CLR_STAS.applied, CLR_STAS.paid]), paid_amt: wireMoney.nullish(), paid_time: z.string().nullish() }),
});
