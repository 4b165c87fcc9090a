// The explanation traces every fen of the patient's part to its rule, in Chinese, each
// percentage with what it is of; each line also carries a key + params for the window's words.
import { describe, expect, it } from 'vitest';
import { computeSplit, PATIENT_RULES, type SplitResult } from '../../../electron/policy/split';
import { loadProjectVectors, loadVectors, type Vector } from './vectors';

const vectors = loadVectors();
const projectVectors = loadProjectVectors();
function resultOf(prefix: string): SplitResult {
  const v = vectors.find((x) => x.file.startsWith(prefix))!;
  const o = computeSplit(v.table, v.patient, v.visit, v.items);
  if (!o.ok) throw new Error(o.error.code);
  return o.result;
}
const texts = (r: SplitResult) => r.explanation.map((l) => l.text);

describe('explanation', () => {
  it('traces B self-pay per line with its ratio and the C line (vector 02)', () => {
    const t = texts(resultOf('02'));
    expect(t).toContain('头孢呋辛酯片 乙类先行自付 10% × 28.60 = 2.86 元');
    expect(t).toContain('连花清瘟胶囊 乙类先行自付 15% × 31.60 = 4.74 元');
    expect(t).toContain('维生素C泡腾片 丙类（医保范围外），全额自付: 19.90 元');
    expect(t).toContain('起付线剩余 1800.00 元，本次计入 72.60 元');
  });
  it('carries the same facts as a key and parameters (vector 09: fund and critical illness bases)', () => {
    const r = resultOf('09');
    const fund = r.explanation.find((l) => l.rule === 'fund')!;
    expect([fund.key, fund.params]).toEqual(['fund', { of: '75% × 68978.00', amount: '51733.50' }]);
    expect(r.explanation.find((l) => l.rule === 'critical')!.params.of).toBe('60% × 15544.50');
    for (const l of r.explanation) expect(l.key, l.text).toMatch(/^[a-zA-Z.]+$/);
  });
  it('shows the amount over the price cap (vector 03)', () => {
    const t = texts(resultOf('03'));
    expect(t).toContain('X线计算机体层(CT)平扫 超出限价 120.00 元自付');
    expect(t).toContain('对乙酰氨基酚片 超出限价 2.10 元自付');
  });
  it('shows the deductible crossing, the fund ratio and the co-pay (vector 04)', () => {
    const t = texts(resultOf('04'));
    expect(t).toContain('起付线剩余 100.00 元，本次计入 100.00 元');
    expect(t).toContain('统筹支付 90% × 162.00 = 145.80 元');
    expect(t).toContain('统筹范围内个人按比例自付: 16.20 元');
    expect(t).toContain('个人账户支付: 134.20 元');
  });
  it('shows the annual cap, the restriction, the own-pay flag and critical illness', () => {
    expect(texts(resultOf('06')).join('\n')).toContain('超出部分自付 188.00 元');
    expect(texts(resultOf('07'))).toContain('甘精胰岛素注射液 不符合限诊断条件，全额自付: 160.00 元');
    expect(texts(resultOf('10'))).toContain('HOSP-LOCAL-0001 按自费结算: 35.00 元');
    expect(texts(resultOf('10'))).toContain('本次不使用个人账户');
    expect(texts(resultOf('09')).join('\n')).toContain('大病保险支付 60%');
  });
  it('adds up to the patient part in every vector', () => {
    for (const v of vectors.filter((x) => x.expect)) {
      const r = resultOf(v.file.slice(0, 2));
      const sum = r.explanation.filter((l) => PATIENT_RULES.has(l.rule)).reduce((s, l) => s + (l.amount ?? 0), 0);
      const critical = r.explanation.find((l) => l.rule === 'critical')?.amount ?? 0;
      expect(sum - critical, v.file).toBe(r.personalTotal);
      const cash = r.explanation.find((l) => l.rule === 'cash');
      expect(cash?.amount).toBe(r.cashPay);
    }
  });
});

describe('explanation of the extensions (chronic-disease visits, clinic binding)', () => {
  function run(v: Vector, change: (v: Vector) => void = () => undefined): SplitResult {
    const copy = structuredClone(v);
    change(copy);
    const o = computeSplit(copy.table, copy.patient, copy.visit, copy.items);
    if (!o.ok) throw new Error(o.error.code);
    return o.result;
  }
  const byPrefix = (p: string): Vector => projectVectors.find((x) => x.file.startsWith(p))!;

  it('names the filed disease, the lines off its list, its deductible and its fund share (c01)', () => {
    const r = run(byPrefix('c01'));
    const t = texts(r);
    expect(t).toContain('门诊慢特病 E11 2型糖尿病（备案有效期 2024-03-01 至 长期）：按该病种的起付线、支付比例、年度限额和用药范围结算');
    expect(t).toContain('阿莫西林胶囊 不在2型糖尿病病种支付范围内，全额自付: 15.80 元');
    expect(t).toContain('起付线剩余 100.00 元，本次计入 100.00 元');
    expect(t).toContain('统筹支付 90% × 58.34 = 52.51 元');
    const line = r.explanation.find((l) => l.key === 'fullOwnPay.disease')!;
    expect(line.params).toEqual({ name: '阿莫西林胶囊', disease: '2型糖尿病', amount: '15.80' });
  });
  it("says the disease's own annual limit (c02) and the 两病 benefit (c03)", () => {
    expect(texts(run(byPrefix('c02')))).toContain('2型糖尿病病种年度支付限额仅剩 70.00 元，超出部分自付 176.75 元');
    expect(texts(run(byPrefix('c03')))[1]).toMatch(/^两病门诊用药 I10 原发性高血压（两病）/);
  });
  it('says why the fund pays nothing away from the bound clinic, or with no binding (c04)', () => {
    const t = texts(run(byPrefix('c04')));
    expect(t).toContain('参保人的门诊统筹定点机构是 示范第二社区卫生服务站，不是本机构：统筹基金不予支付，统筹范围内 68.27 元由个人负担（不计入起付线和年度累计）');
    expect(t.some((x) => x.startsWith('统筹范围内个人按比例自付'))).toBe(false);
    const none = run(byPrefix('c04'), (v) => (v.patient.bindings = []));
    expect(none.notPooled).toEqual({ reason: 'none', boundTo: null });
    expect(texts(none)).toContain('参保人没有有效的门诊统筹定点备案：统筹基金不予支付，统筹范围内 68.27 元由个人负担（不计入起付线和年度累计）');
    // A binding that ended before the visit does not count.
    const ended = run(byPrefix('c05'), (v) => (v.patient.bindings![0]!.end = '2026-05-31'));
    expect(ended.fundPay).toBe(0);
  });
  it('pools as usual when the bindings are not known, and says the center decides (c05 without bindings)', () => {
    const r = run(byPrefix('c05'), (v) => delete v.patient.bindings);
    expect(r.fundPay).toBe(3755);
    expect(r.explanation.find((l) => l.key === 'notPooled.unknown')?.text).toMatch(/以医保中心结算为准/);
  });
  it('adds up to the patient part in every project vector', () => {
    for (const v of projectVectors.filter((x) => x.expect)) {
      const r = run(v);
      const sum = r.explanation.filter((l) => PATIENT_RULES.has(l.rule)).reduce((s, l) => s + (l.amount ?? 0), 0);
      const critical = r.explanation.find((l) => l.rule === 'critical')?.amount ?? 0;
      expect(sum - critical, v.file).toBe(r.personalTotal);
      expect(r.explanation.find((l) => l.rule === 'cash')?.amount).toBe(r.cashPay);
      for (const l of r.explanation) expect(l.key, l.text).toMatch(/^[a-zA-Z.]+$/);
    }
  });
});
