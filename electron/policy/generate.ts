// A deterministic generator of realistic policy tables (drugs, services, materials with
// national-style codes and Chinese names), for tests, benchmarks and demo data. The same
// seed gives the same table on every machine. Names repeat across specs and makers, as in
// real catalogs; codes are unique.
import { fenToYuan } from '../api/money';
import type { CatalogEntry, PolicyDelta, PolicyTable, Scheme } from './split/types';

/** mulberry32: small, fast, good enough for test data; never for anything secret. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DRUG_STEMS = [
  '阿莫西林', '头孢呋辛酯', '头孢克肟', '阿奇霉素', '左氧氟沙星', '甲硝唑', '阿托伐他汀钙', '瑞舒伐他汀钙', '氨氯地平', '硝苯地平',
  '缬沙坦', '厄贝沙坦', '美托洛尔', '二甲双胍', '格列美脲', '阿卡波糖', '甘精胰岛素', '门冬胰岛素', '奥美拉唑', '雷贝拉唑',
  '兰索拉唑', '多潘立酮', '蒙脱石', '布洛芬', '对乙酰氨基酚', '双氯芬酸钠', '氯雷他定', '西替利嗪', '孟鲁司特钠', '氨溴索',
  '复方甘草', '连花清瘟', '板蓝根', '银黄', '双黄连', '藿香正气', '六味地黄', '丹参', '血塞通', '复方丹参',
  '奥司他韦', '伊马替尼', '利伐沙班', '氯吡格雷', '阿司匹林', '维生素C', '维生素B12', '葡萄糖', '氯化钠', '碳酸钙',
  '地塞米松', '泼尼松', '甲泼尼龙', '氢化可的松', '胰岛素', '肝素钠', '头孢曲松钠', '青霉素钠', '庆大霉素', '利巴韦林',
];
const DRUG_FORMS = ['片', '胶囊', '颗粒', '注射液', '分散片', '缓释片', '肠溶片', '口服液', '软膏', '滴眼液', '干混悬剂', '泡腾片', '丸', '糖浆'];
const DRUG_SPECS = ['0.25g*24粒', '0.5g*12片', '10mg*7片', '20mg*14片', '5ml:0.1g', '100ml:0.9g', '3ml:300单位', '10g*10袋', '75mg*10粒', '1g*10片'];
const DRUG_UNITS = ['盒', '瓶', '支', '袋', '板'];
const SERVICES = [
  '普通门诊诊查费', '副主任医师诊查费', '主任医师诊查费', '急诊诊查费', '血细胞分析(血常规)', '尿常规', '肝功能检查', '肾功能检查', '血糖测定', '糖化血红蛋白测定',
  'X线摄影', 'X线计算机体层(CT)平扫', 'CT增强扫描', '磁共振平扫', '彩色多普勒超声常规检查', '心电图检查', '动态心电图', '普通针刺', '电针', '推拿治疗',
  '静脉输液', '肌肉注射', '换药', '清创缝合', '床位费(普通病房)', '一级护理', '二级护理', '雾化吸入', '吸氧', '导尿',
];
const SERVICE_PARTS = ['', '(加收)', '(儿童)', '(夜间)', '(每部位)', '(床旁)'];
const MATERIALS = ['一次性使用输液器', '一次性注射器', '医用纱布', '医用胶带', '留置针', '导尿管', '冠状动脉药物洗脱支架', '人工晶体', '骨科内固定钢板', '吻合器', '缝合线', '引流袋'];
const MATERIAL_SPECS = ['普通型', '精密过滤型', '5ml', '10ml', '22G', '3.0mm*18mm', '大号', '小号'];

/** The schemes of the sample city (same as test/fixtures/split-vectors/policies/sample-city-2026.json). */
export const SAMPLE_SCHEMES: Scheme[] = [
  { id: 'emp-retired-outpatient', match: { insuranceType: 'employee', personGroup: 'retired', visitType: 'outpatient' }, accumulator: 'emp-outpatient', deductible: { per: 'year', amount: 130000 }, bands: [{ from: 0, ratioByLevel: { '1': '0.9', '2': '0.85', '3': '0.85' } }], annualCap: 2000000, account: { payInPolicy: true, payOwnPay: true } },
  { id: 'emp-active-outpatient', match: { insuranceType: 'employee', visitType: 'outpatient' }, accumulator: 'emp-outpatient', deductible: { per: 'year', amount: 180000 }, bands: [{ from: 0, ratioByLevel: { '1': '0.9', '2': '0.7', '3': '0.7' } }], annualCap: 2000000, account: { payInPolicy: true, payOwnPay: true } },
  { id: 'emp-chronic', match: { insuranceType: 'employee', visitType: 'chronic' }, accumulator: 'emp-chronic', deductible: { per: 'year', amount: 0 }, bands: [{ from: 0, ratio: '0.9' }], annualCap: 5000000, account: { payInPolicy: true, payOwnPay: false } },
  { id: 'emp-inpatient', match: { insuranceType: 'employee', visitType: 'inpatient' }, accumulator: 'emp-inpatient', deductible: { per: 'visit', byLevel: { '1': 50000, '2': 100000, '3': 130000 } }, bands: [{ from: 0, ratioByLevel: { '1': '0.9', '2': '0.87', '3': '0.85' } }, { from: 3000000, ratioByLevel: { '1': '0.95', '2': '0.92', '3': '0.9' } }, { from: 4000000, ratio: '0.95' }], annualCap: 50000000, account: { payInPolicy: true, payOwnPay: false } },
  { id: 'res-outpatient', match: { insuranceType: 'resident', visitType: 'outpatient' }, accumulator: 'res-outpatient', deductible: { per: 'year', byLevel: { '1': 10000, '2': 55000, '3': 55000 } }, bands: [{ from: 0, ratioByLevel: { '1': '0.55', '2': '0.5', '3': '0.5' } }], annualCap: 450000, account: { payInPolicy: false, payOwnPay: false } },
  { id: 'res-inpatient', match: { insuranceType: 'resident', visitType: 'inpatient' }, accumulator: 'res-inpatient', deductible: { per: 'visit', byLevel: { '1': 30000, '2': 80000, '3': 130000 } }, bands: [{ from: 0, ratioByLevel: { '1': '0.8', '2': '0.78', '3': '0.75' } }], annualCap: 25000000, criticalIllness: { threshold: 1800000, bands: [{ from: 0, ratio: '0.6' }, { from: 10000000, ratio: '0.7' }] }, account: { payInPolicy: false, payOwnPay: false } },
];

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const digits = (n: number, width: number) => String(n).padStart(width, '0');
/** A price from 0.50 yuan up to maxYuan + 0.50, whole fen. */
const money = (r: () => number, maxYuan: number) => fenToYuan(Math.floor(r() * maxYuan * 100) + 50);

/** The i-th catalog entry of a generated table: kind by position, details from the seeded stream. */
function entryAt(r: () => number, i: number): CatalogEntry {
  const roll = r();
  const cls = roll < 0.45 ? 'A' : roll < 0.85 ? 'B' : 'C';
  const kindRoll = i % 10;
  let e: CatalogEntry;
  if (kindRoll < 7) {
    const western = r() < 0.75;
    const atc = `${String.fromCharCode(65 + Math.floor(r() * 14))}${digits(Math.floor(r() * 100), 2)}${String.fromCharCode(65 + Math.floor(r() * 26))}${String.fromCharCode(65 + Math.floor(r() * 26))}`;
    // National drug codes: X/Z + category + serial; the serial carries i so codes never collide.
    const code = western ? `X${atc}${digits(i, 8)}A00101010${digits(Math.floor(r() * 100), 2)}`.slice(0, 23) : `Z${atc}${digits(i, 8)}0101${digits(Math.floor(r() * 1000), 3)}`.slice(0, 20);
    e = { code, name: pick(r, DRUG_STEMS) + pick(r, DRUG_FORMS), kind: 'drug', spec: pick(r, DRUG_SPECS), unit: pick(r, DRUG_UNITS), class: cls };
  } else if (kindRoll < 9) {
    const code = `${digits(110000000 + i, 9)}${digits(Math.floor(r() * 1e6), 6)}`;
    e = { code, name: pick(r, SERVICES) + pick(r, SERVICE_PARTS), kind: 'service', unit: pick(r, ['次', '项', '部位', '日']), class: cls };
  } else {
    const code = `C${digits(i, 8)}${digits(Math.floor(r() * 1e6), 6)}`;
    e = { code, name: pick(r, MATERIALS), kind: 'material', spec: pick(r, MATERIAL_SPECS), unit: pick(r, ['个', '套', '根', '支']), class: cls };
  }
  if (cls === 'B') {
    e.selfPayRatio = pick(r, ['0.05', '0.1', '0.15', '0.2', '0.3']);
    if (r() < 0.1) e.selfPayRatioByInsuranceType = { resident: pick(r, ['0.1', '0.2']) };
  }
  if (cls !== 'C' && r() < 0.2) e.priceCap = money(r, 500);
  if (cls !== 'C' && r() < 0.03) e.restriction = r() < 0.5 ? { diagnosisPrefixes: [pick(r, ['E10', 'E11', 'I10', 'C', 'J44'])] } : { minHospitalLevel: 2 };
  return e;
}

export interface GenerateOptions {
  seed: number;
  entries: number;
  seq?: number;
  version?: string;
  effectiveFrom?: string;
  effectiveTo?: string | null;
}

export function generatePolicyTable(o: GenerateOptions): PolicyTable {
  const r = rng(o.seed);
  const catalog: CatalogEntry[] = new Array<CatalogEntry>(o.entries);
  for (let i = 0; i < o.entries; i++) catalog[i] = entryAt(r, i);
  return {
    format: 'policy-table/1',
    seq: o.seq ?? 1,
    version: o.version ?? `gen-${o.seed}-${o.entries}`,
    region: '990100',
    effectiveFrom: o.effectiveFrom ?? '2026-01-01',
    effectiveTo: o.effectiveTo === undefined ? '2026-12-31' : o.effectiveTo,
    catalog,
    schemes: structuredClone(SAMPLE_SCHEMES),
  };
}

/**
 * A delta on a generated table: `changes` entries, about 70% changed prices/classes of
 * existing codes, 25% new codes, 5% deletions. `existingCodes` is read by position only.
 */
export function generatePolicyDelta(o: { seed: number; fromSeq: number; changes: number; existingCodes: readonly string[]; version?: string }): PolicyDelta {
  const r = rng(o.seed);
  const upserts: CatalogEntry[] = [];
  const deletes: string[] = [];
  const used = new Set<string>();
  for (let k = 0; k < o.changes; k++) {
    const roll = r();
    if (roll < 0.75 && o.existingCodes.length) {
      const code = o.existingCodes[Math.floor(r() * o.existingCodes.length)]!;
      if (used.has(code)) continue;
      used.add(code);
      if (roll < 0.7) upserts.push({ ...entryAt(r, 0), code });
      else deletes.push(code);
    } else {
      const e = entryAt(r, 90_000_000 + o.seed % 1000 * 10_000 + k);
      if (used.has(e.code)) continue;
      used.add(e.code);
      upserts.push(e);
    }
  }
  return { format: 'policy-delta/1', fromSeq: o.fromSeq, toSeq: o.fromSeq + 1, version: o.version ?? `delta-${o.seed}`, catalogUpserts: upserts, catalogDeletes: deletes };
}
