// The sandbox center's national catalogue (1312 / 1318 / 1319) and mapping (3301 / 3302), from
// the policy tables it publishes. Every published version is kept (policy_versions), so each
// row's `updt_time` is when it last changed: the publication time of the first version in the
// run of versions where it reads as it does now. A code that left the table is answered with
// vali_flag "0" from the version that removed it, so an incremental client learns of removals.
// Rows are ordered by (updt_time, key): a change made while a client pages lands after the
// pages it has read, so page numbers stay stable within one round.
import { z } from 'zod';
import type { CatalogEntry, PolicyTable } from '../../../policy/split/types';
import { insuranceTypeToInsutype } from '../../wire/codes';
import { catalogPageInputSchema, type CatalogInfno } from '../../wire/national/catalog';
import { mapping3301Input, mapping3302Input } from '../../wire/national/mapping';
import { msgStamp } from '../../wire/msgid';
import { prepared, type SandboxDb } from '../store';
import type { TxAnswer, TxContext } from '../transactions';
import { ok, reject } from '../answers';

type Row = Record<string, unknown> & { hilist_code: string; updt_time: string };

const LIST_TYPE: Record<CatalogEntry['kind'], string> = { drug: '101', service: '201', material: '301' };
const LEVEL: Record<CatalogEntry['class'], string> = { A: '01', B: '02', C: '03' };

/** 'yyyy-MM-dd HH:mm:ss' China time of an ISO instant. */
function chinaTime(iso: string): string {
  const s = msgStamp(new Date(iso));
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)} ${s.slice(8, 10)}:${s.slice(10, 12)}:${s.slice(12, 14)}`;
}

/** The rows of each source a table holds, by key, without their times. */
function rowsOf(t: PolicyTable): Record<CatalogInfno, Map<string, Record<string, unknown> & { hilist_code: string }>> {
  const out = { '1312': new Map(), '1318': new Map(), '1319': new Map() } as Record<CatalogInfno, Map<string, Record<string, unknown> & { hilist_code: string }>>;
  const begndate = t.effectiveFrom;
  for (const e of t.catalog) {
    out['1312'].set(e.code, {
      hilist_code: e.code, hilist_name: e.name, chrgitm_lv: LEVEL[e.class], list_type: LIST_TYPE[e.kind], med_chrgitm_type: e.kind === 'drug' ? '09' : '05',
      lmt_used_flag: e.restriction ? '1' : '0', spec: e.spec ?? null, prcunt: e.unit ?? null,
      exp_content: e.restriction ? JSON.stringify({ restriction: e.restriction }) : null, begndate, enddate: null,
    });
    if (e.priceCap !== undefined) {
      out['1318'].set(e.code, { hilist_code: e.code, hilist_lmtpric_type: '1', overlmt_dspo_way: '1', hilist_pric_uplmt_amt: e.priceCap, begndate, enddate: null });
    }
    if (e.selfPayRatio !== undefined) {
      out['1319'].set(`${e.code}|0`, { hilist_code: e.code, selfpay_prop_psn_type: '0', selfpay_prop_type: '1', selfpay_prop: e.selfPayRatio, begndate, enddate: null });
    }
    for (const [type, r] of Object.entries(e.selfPayRatioByInsuranceType ?? {})) {
      const psnType = insuranceTypeToInsutype(type);
      out['1319'].set(`${e.code}|${psnType}`, { hilist_code: e.code, selfpay_prop_psn_type: psnType, selfpay_prop_type: '1', selfpay_prop: r, begndate, enddate: null });
    }
  }
  return out;
}

const VersionRow = z.object({ seq: z.number().int(), table_json: z.string(), published_at: z.string() });

interface Built {
  seq: number;
  rows: Record<CatalogInfno, Row[]>;
}
const built = new WeakMap<SandboxDb, Built>();

/** Every source's rows as of the latest published table, each with its updt_time and vali_flag. */
function catalogRows(db: SandboxDb): Record<CatalogInfno, Row[]> {
  const latest = z.object({ seq: z.number().int() }).parse(prepared(db, 'SELECT max(seq) AS seq FROM policy_versions').get()).seq;
  const cached = built.get(db);
  if (cached && cached.seq === latest) return cached.rows;
  const versions = z.array(VersionRow).parse(db.prepare('SELECT seq, table_json, published_at FROM policy_versions ORDER BY seq').all());
  const state = { '1312': new Map(), '1318': new Map(), '1319': new Map() } as Record<CatalogInfno, Map<string, { json: string; row: Row }>>;
  for (const v of versions) {
    const at = chinaTime(v.published_at);
    const now = rowsOf(JSON.parse(v.table_json) as PolicyTable);
    for (const infno of ['1312', '1318', '1319'] as const) {
      const held = state[infno];
      for (const [key, row] of now[infno]) {
        const json = JSON.stringify(row);
        if (held.get(key)?.json !== json) held.set(key, { json, row: { ...row, vali_flag: '1', updt_time: at } as Row });
      }
      for (const [key, h] of held) {
        if (!now[infno].has(key) && h.row.vali_flag === '1') held.set(key, { json: 'gone', row: { ...h.row, vali_flag: '0', updt_time: at } });
      }
    }
  }
  const order = (a: Row, b: Row, ka: string, kb: string) => (a.updt_time < b.updt_time ? -1 : a.updt_time > b.updt_time ? 1 : ka < kb ? -1 : ka > kb ? 1 : 0);
  const rows = {} as Record<CatalogInfno, Row[]>;
  for (const infno of ['1312', '1318', '1319'] as const) {
    const list = [...state[infno].entries()];
    list.sort(([ka, a], [kb, b]) => order(a.row, b.row, ka, kb));
    rows[infno] = list.map(([, h]) => h.row);
  }
  built.set(db, { seq: latest, rows });
  return rows;
}

/**
 * One page of a source. With the fault `hostileCatalog` the page is answered wrong on purpose: a
 * row with a level no dictionary has and a negative cap, as a hostile or broken gateway might.
 */
function page(infno: CatalogInfno) {
  return (ctx: TxContext, input: unknown): TxAnswer => {
    const p = catalogPageInputSchema.safeParse(input);
    if (!p.success) return reject('INVALID_INPUT', `输入不正确：${p.error.issues[0]?.path.join('.') ?? ''} ${p.error.issues[0]?.message ?? ''}`);
    const d = p.data.data;
    const since = d.updt_time ?? '0000-00-00 00:00:00';
    const all = catalogRows(ctx.db)[infno].filter((r) => r.updt_time >= since && (!d.hilist_code || r.hilist_code === d.hilist_code));
    const pages = all.length === 0 ? 0 : Math.ceil(all.length / d.page_size);
    const data: Record<string, unknown>[] = all.slice((d.page_num - 1) * d.page_size, d.page_num * d.page_size);
    return ok({ data, pageNum: d.page_num, pageSize: d.page_size, recordCounts: all.length, pages, firstPage: d.page_num === 1, lastPage: d.page_num >= pages });
  };
}

/** A hostile variant of a page answer (the sandbox's hostileCatalog fault). */
export function spoilCatalogPage(output: unknown): unknown {
  if (output === null || typeof output !== 'object') return output;
  const o = output as { data?: Record<string, unknown>[] };
  const data = [...(o.data ?? [])];
  if (data.length === 0) return { ...o, pages: 7 };
  data[0] = { ...data[0], chrgitm_lv: '99', hilist_pric_uplmt_amt: '-5', selfpay_prop: '1.5', hilist_code: "X'; DROP TABLE policy_tables; --" };
  return { ...o, data };
}

// ---- 3301 / 3302: the clinic's mapping of its own codes to national ones ----

/** The mapping the center holds for a clinic code now (uploaded and not revoked), or null. */
export function mappedAtCenter(db: SandboxDb, medinsListCodg: string): string | null {
  const r = z.object({ hilist_code: z.string() }).optional().parse(prepared(db, "SELECT hilist_code FROM nat_mappings WHERE medins_list_codg = ? AND state = 'active'").get(medinsListCodg));
  return r?.hilist_code ?? null;
}

const upload: (ctx: TxContext, input: unknown) => TxAnswer = (ctx, input) => {
  const p = mapping3301Input.safeParse(input);
  if (!p.success) return reject('INVALID_INPUT', `输入不正确：${p.error.issues[0]?.path.join('.') ?? ''} ${p.error.issues[0]?.message ?? ''}`);
  const d = p.data.data;
  const known = catalogRows(ctx.db)['1312'].some((r) => r.hilist_code === d.med_list_codg && r.vali_flag === '1');
  if (!known) return reject('HILIST_UNKNOWN', `医保目录中没有编码 ${d.med_list_codg}`);
  prepared(
    ctx.db,
    `INSERT INTO nat_mappings (medins_list_codg, hilist_code, medins_list_name, list_type, msgid, state, updated_at) VALUES (?,?,?,?,?,'active',?)
     ON CONFLICT (medins_list_codg) DO UPDATE SET hilist_code = excluded.hilist_code, medins_list_name = excluded.medins_list_name, list_type = excluded.list_type, msgid = excluded.msgid, state = 'active', updated_at = excluded.updated_at`,
  ).run(d.fixmedins_hilist_id, d.med_list_codg, d.fixmedins_hilist_name, d.list_type, ctx.msgid, ctx.now.toISOString());
  prepared(ctx.db, 'INSERT INTO nat_mapping_log (msgid, infno, medins_list_codg, hilist_code, at) VALUES (?,?,?,?,?)').run(ctx.msgid, '3301', d.fixmedins_hilist_id, d.med_list_codg, ctx.now.toISOString());
  return ok({ fixmedins_hilist_id: d.fixmedins_hilist_id, med_list_codg: d.med_list_codg });
};

const revoke: (ctx: TxContext, input: unknown) => TxAnswer = (ctx, input) => {
  const p = mapping3302Input.safeParse(input);
  if (!p.success) return reject('INVALID_INPUT', `输入不正确：${p.error.issues[0]?.path.join('.') ?? ''} ${p.error.issues[0]?.message ?? ''}`);
  const d = p.data.data;
  if (mappedAtCenter(ctx.db, d.fixmedins_hilist_id) !== d.med_list_codg) return reject('MAPPING_NOT_FOUND', `没有 ${d.fixmedins_hilist_id} ↔ ${d.med_list_codg} 的对照可撤销`);
  prepared(ctx.db, "UPDATE nat_mappings SET state = 'revoked', msgid = ?, updated_at = ? WHERE medins_list_codg = ?").run(ctx.msgid, ctx.now.toISOString(), d.fixmedins_hilist_id);
  prepared(ctx.db, 'INSERT INTO nat_mapping_log (msgid, infno, medins_list_codg, hilist_code, at) VALUES (?,?,?,?,?)').run(ctx.msgid, '3302', d.fixmedins_hilist_id, d.med_list_codg, ctx.now.toISOString());
  return ok({ fixmedins_hilist_id: d.fixmedins_hilist_id, med_list_codg: d.med_list_codg });
};

export const CATALOG_TRANSACTIONS = {
  '1312': page('1312'),
  '1318': page('1318'),
  '1319': page('1319'),
  '3301': upload,
  '3302': revoke,
} as const;
