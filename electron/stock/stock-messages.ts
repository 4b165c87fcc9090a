// The stock reports' bodies (issue 17, docs/STOCK.md). PURE. The national platform's 进销存
// transactions, one batch per message:
//   3501 商品盘存上传      invinfo  {… inv_cnt, invdate}            a stock-take's counted quantity
//   3502 商品信息变更      invinfo  {… inv_chg_type, cnt, pric}     a change other than buying and selling
//   3503 商品采购          purcinfo {… purc_retn_cnt, finl_trns_pric} a batch received
//   3504 商品采购退货      purcinfo {… purc_retn_cnt, medins_prod_purc_no} part of a batch sent back
// Field names as public clients copy the spec; confirm against the province's release. Our
// protocol sends the same infnos with the inner object as the flat input (no wrapper key).
import { fenToYuan, formatScaled } from '../api/money';

/** 库存变更类型 (inv_chg_type) of the national dictionary for the changes we make. */
export const INV_CHG_TYPE = {
  /** 盘盈: a count correction found more. */
  countIn: '103',
  /** 盘亏: a count correction found less. */
  countOut: '104',
  /** 销毁: damaged (broken, spoiled, expired) and destroyed. */
  damage: '105',
  /** 其他出库: lost. */
  loss: '107',
} as const;

export interface StockMessageBatch {
  id: number;
  drugCode: string;
  drugName: string;
  nationalCode: string;
  batchNo: string;
  productionDate: string | null;
  expiryDate: string;
  /** Fen per unit. */
  purchasePrice: number;
  supplier: string;
}

export interface StockMessageMove {
  movementId: number;
  /** × 10^4, positive: how much came in or went out (the sign is the transaction's). */
  quantity: bigint;
  /** China time, yyyy-MM-dd HH:mm:ss. */
  time: string;
  operatorName: string;
  memo: string;
}

function common(b: StockMessageBatch) {
  return { med_list_codg: b.nationalCode, fixmedins_hilist_id: b.drugCode, fixmedins_hilist_name: b.drugName, fixmedins_bchno: String(b.id), rx_flag: '0' };
}

function dates(b: StockMessageBatch) {
  return { manu_date: b.productionDate ?? '', expy_end: b.expiryDate };
}

/** The body of one report, as the national platform nests it; `flat` (our protocol) sends the inner object. */
export function stockMessage(
  infno: '3501' | '3502' | '3503' | '3504',
  b: StockMessageBatch,
  m: StockMessageMove,
  extra: { invChgType?: string; purchaseMovementId?: number },
  flat: boolean,
): object {
  let key: 'invinfo' | 'purcinfo';
  let body: Record<string, unknown>;
  const cnt = formatScaled(m.quantity);
  if (infno === '3501') {
    key = 'invinfo';
    body = { ...common(b), ...dates(b), manu_lotnum: b.batchNo, invdate: m.time.slice(0, 10), inv_cnt: cnt, memo: m.memo };
  } else if (infno === '3502') {
    key = 'invinfo';
    body = { ...common(b), inv_chg_type: extra.invChgType ?? '', pric: fenToYuan(b.purchasePrice), cnt, inv_chg_time: m.time, inv_chg_opter_name: m.operatorName, trdn_flag: '0', memo: m.memo };
  } else if (infno === '3503') {
    key = 'purcinfo';
    body = {
      ...common(b),
      ...dates(b),
      dynt_no: '',
      spler_name: b.supplier,
      spler_pmtno: '',
      manu_lotnum: b.batchNo,
      prodentp_name: '',
      aprvno: '',
      finl_trns_pric: fenToYuan(b.purchasePrice),
      purc_retn_cnt: cnt,
      purc_invo_codg: '',
      purc_invo_no: '',
      purc_retn_stoin_time: m.time,
      purc_retn_opter_name: m.operatorName,
      prod_geay_flag: '0',
      memo: m.memo,
    };
  } else {
    key = 'purcinfo';
    body = {
      ...common(b),
      ...dates(b),
      spler_name: b.supplier,
      spler_pmtno: '',
      manu_lotnum: b.batchNo,
      finl_trns_pric: fenToYuan(b.purchasePrice),
      purc_retn_cnt: cnt,
      purc_retn_stoin_time: m.time,
      purc_retn_opter_name: m.operatorName,
      medins_prod_purc_no: String(extra.purchaseMovementId ?? ''),
      memo: m.memo,
    };
  }
  return flat ? body : { [key]: body };
}
