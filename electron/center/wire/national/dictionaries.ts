// The national dictionaries we read or send (NATIONAL-PLATFORM.md §2), as defaults a province's
// variant extends or overrides (variant.ts `dictionaries`). PURE. A code that is in no
// dictionary is shown as the code itself, never guessed.

export const DICTIONARY_NAMES = ['insutype', 'psn_type', 'med_type', 'mdtrt_cert_type', 'chrgitm_lv', 'fund_pay_type', 'clr_type', 'opter_type', 'stmt_rslt'] as const;
export type DictionaryName = (typeof DICTIONARY_NAMES)[number];
export type Dictionary = Readonly<Record<string, string>>;
export type Dictionaries = Readonly<Record<DictionaryName, Dictionary>>;

export const DEFAULT_DICTIONARIES: Dictionaries = {
  insutype: {
    '310': '职工基本医疗保险', '320': '公务员医疗补助', '330': '大额医疗费用补助', '340': '离休人员医疗保障',
    '350': '一至六级残废军人医疗补助', '360': '老红军医疗保障', '370': '企业补充医疗保险', '380': '新型农村合作医疗',
    '390': '城乡居民基本医疗保险', '391': '城镇居民基本医疗保险', '392': '城乡居民大病医疗保险', '399': '其他特殊人员医疗保障',
    '410': '长期照护保险', '510': '生育保险',
  },
  psn_type: {
    '1101': '职工在职', '1102': '公务员在职', '1103': '灵活就业在职', '1201': '职工退休', '1202': '公务员退休', '1203': '灵活就业退休',
    '1300': '离休', '1401': '新生儿', '1402': '学龄前儿童', '1403': '中小学生', '1404': '大学生', '1405': '未成年（未入学）', '1501': '普通居民（成年）',
  },
  med_type: {
    '11': '普通门诊', '12': '门诊挂号', '13': '急诊', '14': '门诊慢特病', '19': '意外伤害门诊', '21': '普通住院', '23': '转外诊治住院',
    '24': '急诊转住院', '51': '生育门诊', '52': '生育住院', '53': '计划生育手术费',
  },
  mdtrt_cert_type: { '01': '医保电子凭证', '02': '居民身份证', '03': '社会保障卡' },
  chrgitm_lv: { '01': '甲类', '02': '乙类', '03': '丙类（自费）' },
  fund_pay_type: {
    '310100': '职工基本医疗保险统筹基金', '310200': '职工基本医疗保险个人账户', '310103': '职工生育', '320100': '公务员医疗补助',
    '330100': '大额医疗费用补助', '340100': '离休人员医疗保障', '350100': '残疾军人医疗补助', '370100': '企业补充医疗保险',
    '390100': '城乡居民基本医疗保险基金', '390200': '城乡居民大病医疗保险', '510100': '生育基金', '610100': '医疗救助基金',
    '999996': '医院垫付', '999997': '其他',
  },
  clr_type: { '11': '门诊', '21': '住院' },
  opter_type: { '1': '经办人', '2': '自助终端', '3': '移动终端' },
  // The spec's values were not found in a citable source (NATIONAL-PLATFORM.md 3201): these are
  // the sandbox's; a province sets its own in the variant.
  stmt_rslt: { '0': '对账一致', '1': '对账不一致' },
};

/** Defaults with a variant's additions and overrides laid over them, dictionary by dictionary. */
export function mergeDictionaries(over: Partial<Record<DictionaryName, Record<string, string>>>): Dictionaries {
  const out = {} as Record<DictionaryName, Dictionary>;
  for (const name of DICTIONARY_NAMES) out[name] = { ...DEFAULT_DICTIONARIES[name], ...(over[name] ?? {}) };
  return out;
}

/** The label of a code, or the code itself when the dictionary does not know it. */
export function label(dicts: Dictionaries, name: DictionaryName, code: string): string {
  return dicts[name][code] ?? code;
}

/** Whether a code is in a dictionary (for refusing what we would send). */
export function isKnown(dicts: Dictionaries, name: DictionaryName, code: string): boolean {
  return Object.prototype.hasOwnProperty.call(dicts[name], code);
}
