// 3505 商品销售 and 3506 商品销售退货 (drug traceability, issue 17): one product per message,
// `selinfo` with the product, the sale's settlement and person, the count and `drugtracinfo[]`
// (one `drug_trac_codg` per package). PURE. Field names as public clients copy the national
// spec; a province's spellings are applied by the envelope (variant inputNames), like every
// other message. Built from a settled line by the adapter; the sandbox answers them
// (electron/center/sandbox/trace-sales.ts).
import { z } from 'zod';
import { formatQuantity } from './decimal';

/** One drug line sold (3505) or returned (3506), with its codes. */
export interface TraceSaleLine {
  /** The national code (医疗目录编码). */
  medListCodg: string;
  /** The clinic's own item code and name (定点医药机构目录编号 / 名称). */
  itemCode: string;
  itemName: string;
  /** The clinic's id of the sale line (unique per line: settlement id + line number). */
  saleNo: string;
  psnNo: string;
  psnName: string;
  /** The center's settlement id, when the sale was settled under insurance. */
  setlId: string;
  /** Quantity as billed (decimal string); returns send it as is, positive. */
  quantity: string;
  /** 'yyyy-MM-dd HH:mm:ss' China time. */
  time: string;
  operatorName: string;
  /** Whether it was sold on a prescription (处方药标志). */
  prescription: boolean;
  codes: readonly string[];
}

function selinfo(l: TraceSaleLine) {
  return {
    med_list_codg: l.medListCodg,
    fixmedins_hilist_id: l.itemCode,
    fixmedins_hilist_name: l.itemName,
    medins_prod_sel_no: l.saleNo,
    psn_no: l.psnNo,
    psn_name: l.psnName,
    setl_id: l.setlId,
    rx_flag: l.prescription ? '1' : '0',
    // 拆零标志: a quantity with a fraction opened a package.
    trdn_flag: /\.\d*[1-9]/.test(l.quantity) ? '1' : '0',
    sel_retn_cnt: formatQuantity(l.quantity.replace(/^-/, '')),
    sel_retn_time: l.time,
    sel_retn_opter_name: l.operatorName,
    drugtracinfo: l.codes.map((c) => ({ drug_trac_codg: c })),
  };
}

/** 3505 input: the sale of one drug line with its codes. */
export const sale3505 = (l: TraceSaleLine) => ({ selinfo: selinfo(l) });
/** 3506 input: the return of one drug line (a refund), naming the codes that come back. */
export const return3506 = (l: TraceSaleLine) => ({ selinfo: selinfo(l) });

/** The answer of either (provinces differ: a result flag and words, both optional). */
export const traceSaleOutput = z
  .object({ retRslt: z.string().max(10).optional(), msgRslt: z.string().max(200).optional() })
  .passthrough();
