// Departments offered at admission: the national medical-insurance department codes (科室代码)
// a clinic's inpatient ward usually has. The name sent to the center is the Chinese one; the
// English one is only for the window.
export interface Department {
  code: string;
  name: string;
  en: string;
}

export const DEPARTMENTS: readonly Department[] = [
  { code: 'A03', name: '内科', en: 'Internal medicine' },
  { code: 'A04', name: '外科', en: 'Surgery' },
  { code: 'A05', name: '妇产科', en: 'Obstetrics & gynaecology' },
  { code: 'A07', name: '儿科', en: 'Paediatrics' },
  { code: 'A02', name: '全科医疗科', en: 'General practice' },
  { code: 'A50', name: '中医科', en: 'Traditional Chinese medicine' },
  { code: 'A21', name: '康复医学科', en: 'Rehabilitation' },
];
