// Validation of policy-table/1 and policy-delta/1 (../shared/docs/SPLIT-MODEL.md). A table
// that fails here is never stored; the error names the first bad field by its path.
import { z } from 'zod';
import { AppError } from '../api/result';
import type { CatalogEntry, PolicyDelta, PolicyTable, Scheme } from './split/types';

const decimal = z.string().regex(/^\d{1,12}(\.\d{1,4})?$/, '必须是最多四位小数的数字字符串');
const ratio = decimal.refine((s) => Number(s) <= 1, '比例不能大于 1');
const fen = z.number().int('必须是整数（分）').nonnegative('不能为负').max(Number.MAX_SAFE_INTEGER);
const date = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, '必须是 YYYY-MM-DD 日期');
const levelKey = z.string().regex(/^[1-9]$/, '医院等级必须是 1–9');
const text = (max: number) => z.string().min(1, '不能为空').max(max);

export const catalogEntrySchema = z
  .object({
    code: text(64),
    name: text(200),
    kind: z.enum(['drug', 'service', 'material']),
    spec: z.string().max(200).optional(),
    unit: z.string().max(32).optional(),
    class: z.enum(['A', 'B', 'C']),
    selfPayRatio: ratio.optional(),
    selfPayRatioByInsuranceType: z.record(text(32), ratio).optional(),
    priceCap: decimal.optional(),
    restriction: z
      .object({
        insuranceTypes: z.array(text(32)).min(1).optional(),
        visitTypes: z.array(text(32)).min(1).optional(),
        minHospitalLevel: z.number().int().min(1).max(9).optional(),
        diagnosisPrefixes: z.array(text(16)).min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (e.class === 'B' && e.selfPayRatio === undefined) {
      ctx.addIssue({ code: 'custom', path: ['selfPayRatio'], message: '乙类项目必须有先行自付比例' });
    }
  });

const bandsOf = <T extends z.ZodType>(band: T) =>
  z
    .array(band)
    .min(1, '至少一段')
    .superRefine((bs, ctx) => {
      const froms = (bs as { from: number }[]).map((b) => b.from);
      if (Math.min(...froms) !== 0) ctx.addIssue({ code: 'custom', path: [0, 'from'], message: '第一段必须从 0 开始' });
      if (new Set(froms).size !== froms.length) ctx.addIssue({ code: 'custom', path: [], message: '分段起点不能重复' });
    });

const band = z
  .object({ from: fen, ratio: ratio.optional(), ratioByLevel: z.record(levelKey, ratio).optional() })
  .strict()
  .refine((b) => (b.ratio === undefined) !== (b.ratioByLevel === undefined), { message: '必须有 ratio 或 ratioByLevel 之一', path: ['ratio'] });

export const schemeSchema = z
  .object({
    id: text(64),
    match: z.object({ insuranceType: text(32), personGroup: text(32).optional(), visitType: text(32) }).strict(),
    accumulator: text(64).refine((k) => k !== 'criticalBurden' && k !== 'criticalPaid', '累计键名与大病累计冲突'),
    deductible: z
      .object({ per: z.enum(['year', 'visit']), amount: fen.optional(), byLevel: z.record(levelKey, fen).optional() })
      .strict()
      .refine((d) => (d.amount === undefined) !== (d.byLevel === undefined), { message: '必须有 amount 或 byLevel 之一', path: ['amount'] }),
    bands: bandsOf(band),
    annualCap: fen.optional(),
    criticalIllness: z
      .object({ threshold: fen, bands: bandsOf(z.object({ from: fen, ratio }).strict()), annualCap: fen.optional() })
      .strict()
      .optional(),
    account: z.object({ payInPolicy: z.boolean(), payOwnPay: z.boolean() }).strict(),
    bindingRequired: z.string().regex(/^\d{2}$/, '必须是两位定点备案业务类型（如 01）').optional(),
  })
  .strict();

const deductibleSchema = z
  .object({ per: z.enum(['year', 'visit']), amount: fen.optional(), byLevel: z.record(levelKey, fen).optional() })
  .strict()
  .refine((d) => (d.amount === undefined) !== (d.byLevel === undefined), { message: '必须有 amount 或 byLevel 之一', path: ['amount'] });

/** One filed disease's rules (门慢门特 / 两病, issue 17; docs/SPLIT.md "Chronic-disease visits"). */
export const diseaseRuleSchema = z
  .object({
    code: text(32),
    name: text(100),
    kind: z.enum(['chronic', 'twoDiseases']),
    insuranceTypes: z.array(text(32)).min(1).optional(),
    accumulator: text(64).refine((k) => k !== 'criticalBurden' && k !== 'criticalPaid', '累计键名与大病累计冲突'),
    deductible: deductibleSchema,
    bands: bandsOf(band),
    annualCap: fen.optional(),
    eligibleItems: z.array(text(64)).min(1, '病种项目清单不能为空（不限项目请省略此字段）').optional(),
  })
  .strict();

/** Codes may repeat only for different insurance types: each (code, type) has one rule. */
const diseaseRules = z.array(diseaseRuleSchema).superRefine((rs, ctx) => {
  const seen = new Set<string>();
  rs.forEach((r, i) => {
    for (const t of r.insuranceTypes ?? ['*']) {
      const key = `${r.code}|${t}`;
      const clash = seen.has(key) || seen.has(`${r.code}|*`) || (t === '*' && [...seen].some((k) => k.startsWith(`${r.code}|`)));
      if (clash) {
        ctx.addIssue({ code: 'custom', path: [i, 'code'], message: `病种 ${r.code} 的待遇规则重复（同一险种只能有一条）` });
        return;
      }
      seen.add(key);
    }
  });
});

const DECIMAL4 = /^\d{1,12}(\.\d{1,4})?$/;
const isDec = (v: unknown): boolean => typeof v === 'string' && DECIMAL4.test(v);
const isRatio = (v: unknown): boolean => isDec(v) && Number(v) <= 1;
const isText = (v: unknown, max: number): boolean => typeof v === 'string' && v.length >= 1 && v.length <= max;
const ENTRY_KEYS = new Set(['code', 'name', 'kind', 'spec', 'unit', 'class', 'selfPayRatio', 'selfPayRatioByInsuranceType', 'priceCap', 'restriction']);

/**
 * The common case of a catalog entry, checked by hand: zod costs ~9 µs an entry, too slow for
 * 300,000 entries at the import target. Only ever stricter than catalogEntrySchema: whatever
 * it accepts, the schema accepts; anything else goes to the schema, which decides and names
 * the bad field. Restrictions and per-type ratios (rare) always go to the schema.
 */
export function plainEntryOk(e: unknown): boolean {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return false;
  const o = e as Record<string, unknown>;
  for (const k in o) if (!ENTRY_KEYS.has(k) || o[k] === undefined) return false;
  if (o.restriction !== undefined || o.selfPayRatioByInsuranceType !== undefined) return false;
  if (!isText(o.code, 64) || !isText(o.name, 200)) return false;
  if (o.kind !== 'drug' && o.kind !== 'service' && o.kind !== 'material') return false;
  if (o.class !== 'A' && o.class !== 'B' && o.class !== 'C') return false;
  if (o.spec !== undefined && !(typeof o.spec === 'string' && o.spec.length <= 200)) return false;
  if (o.unit !== undefined && !(typeof o.unit === 'string' && o.unit.length <= 32)) return false;
  if (o.selfPayRatio !== undefined ? !isRatio(o.selfPayRatio) : o.class === 'B') return false;
  if (o.priceCap !== undefined && !isDec(o.priceCap)) return false;
  return true;
}

/** An array of catalog entries: the fast check per entry, the zod schema where it declines. */
const catalogArray = z.array(z.unknown()).transform((entries, ctx) => {
  const out: CatalogEntry[] = new Array<CatalogEntry>(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (plainEntryOk(e)) {
      out[i] = e as CatalogEntry;
      continue;
    }
    const r = catalogEntrySchema.safeParse(e);
    if (!r.success) {
      for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: [i, ...issue.path] });
      return z.NEVER;
    }
    out[i] = r.data as CatalogEntry;
  }
  return out;
});

const seq = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const schemes = z
  .array(schemeSchema)
  .min(1, '至少一个待遇方案')
  .superRefine((ss, ctx) => {
    const seen = new Set<string>();
    ss.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `方案编号 ${s.id} 重复` });
      seen.add(s.id);
    });
  });

function uniqueCodes(entries: { code: string }[], ctx: z.RefinementCtx, path: string): void {
  const seen = new Set<string>();
  for (let i = 0; i < entries.length; i++) {
    const code = entries[i]!.code;
    if (seen.has(code)) {
      ctx.addIssue({ code: 'custom', path: [path, i, 'code'], message: `项目编码 ${code} 重复` });
      return;
    }
    seen.add(code);
  }
}

function periodOk(from: string | undefined, to: string | null | undefined, ctx: z.RefinementCtx): void {
  if (from && to && to < from) ctx.addIssue({ code: 'custom', path: ['effectiveTo'], message: '失效日期早于生效日期' });
}

export const policyTableSchema = z
  .object({
    format: z.literal('policy-table/1'),
    seq,
    version: text(64),
    region: text(16),
    effectiveFrom: date,
    effectiveTo: date.nullable(),
    catalog: catalogArray,
    schemes,
    diseaseRules: diseaseRules.optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    uniqueCodes(t.catalog, ctx, 'catalog');
    periodOk(t.effectiveFrom, t.effectiveTo, ctx);
  });

export const policyDeltaSchema = z
  .object({
    format: z.literal('policy-delta/1'),
    fromSeq: z.number().int().nonnegative(),
    toSeq: seq,
    version: text(64),
    effectiveFrom: date.optional(),
    effectiveTo: date.nullable().optional(),
    catalogUpserts: catalogArray,
    catalogDeletes: z.array(text(64)),
    schemes: schemes.optional(),
    diseaseRules: diseaseRules.optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.toSeq <= d.fromSeq) ctx.addIssue({ code: 'custom', path: ['toSeq'], message: 'toSeq 必须大于 fromSeq' });
    uniqueCodes(d.catalogUpserts, ctx, 'catalogUpserts');
    const up = new Set(d.catalogUpserts.map((e) => e.code));
    const both = d.catalogDeletes.findIndex((c) => up.has(c));
    if (both >= 0) ctx.addIssue({ code: 'custom', path: ['catalogDeletes', both], message: '同一编码不能既更新又删除' });
    periodOk(d.effectiveFrom, d.effectiveTo, ctx);
  });

/** "catalog[12].selfPayRatio" from a zod path. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), '');
}

function invalid(what: string, error: z.ZodError): AppError {
  const issue = error.issues[0]!;
  const path = formatPath(issue.path);
  return new AppError('POLICY_INVALID', `${what}无效：字段 ${path || '(根)'} ${issue.message}。未应用任何更改。`, { path, issues: error.issues.length });
}

export function parsePolicyTable(raw: unknown): PolicyTable {
  const r = policyTableSchema.safeParse(raw);
  if (!r.success) throw invalid('政策表', r.error);
  return r.data as PolicyTable;
}

export function parsePolicyDelta(raw: unknown): PolicyDelta {
  const r = policyDeltaSchema.safeParse(raw);
  if (!r.success) throw invalid('政策变更包', r.error);
  return r.data as PolicyDelta;
}

export type { CatalogEntry, Scheme };
