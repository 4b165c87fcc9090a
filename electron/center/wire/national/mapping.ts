// 3301 目录对照上传 / 3302 目录对照撤销: the clinic's own item code (定点医药机构目录编号,
// `fixmedins_hilist_id`) paired with a national code (`med_list_codg`). PURE. One pair per
// message, so each pair's upload or revocation is one outbox item with its own msgid and is
// applied at the center exactly once. Field names are the national defaults; a province renames
// them in its variant (inputNames), as for every other transaction.
import { z } from 'zod';

const code = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/, '编码只能含字母、数字和 . _ -（最长 50）');
const text = (max: number) => z.string().min(1).max(max).refine((s) => !/[\u0000-\u001f\u007f]/.test(s), '含控制字符');

export interface MappingPair {
  clinicCode: string;
  clinicName: string;
  nationalCode: string;
  /** 101 / 102 / 201 / 301: the national list the code is from. */
  listType: string;
  /** yyyy-MM-dd the pairing holds from. */
  begndate: string;
}

export function mapping3301(p: MappingPair) {
  return { data: { fixmedins_hilist_id: p.clinicCode, fixmedins_hilist_name: p.clinicName, list_type: p.listType, med_list_codg: p.nationalCode, begndate: p.begndate, enddate: null } };
}

export function mapping3302(p: Pick<MappingPair, 'clinicCode' | 'nationalCode' | 'listType'>) {
  return { data: { fixmedins_hilist_id: p.clinicCode, list_type: p.listType, med_list_codg: p.nationalCode } };
}

export const mapping3301Input = z.object({
  data: z.object({
    fixmedins_hilist_id: code,
    fixmedins_hilist_name: text(200),
    list_type: z.string().regex(/^\d{3}$/),
    med_list_codg: code,
    begndate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    enddate: z.string().nullable().optional(),
  }),
});

export const mapping3302Input = z.object({
  data: z.object({ fixmedins_hilist_id: code, list_type: z.string().regex(/^\d{3}$/), med_list_codg: code }),
});
