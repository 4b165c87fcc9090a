// The sandbox center's demo persons, with every credential a reader can produce: the social
// security card (card number, card serial and the 11-field card data), the e-voucher token
// and the resident ID number. Importable by the device emulators and the UI's card tray.
// No I/O; everything is fictitious (region 990100 does not exist).
import type { DemoPerson } from '../../api/contract/center';
import { fenToYuan } from '../../api/money';

export type { DemoPerson } from '../../api/contract/center';

/** The center's record of a person's year at the start of the demo. */
export interface DemoYearStart {
  /** Account balance, fen. */
  balance: number;
  accumulators: Record<string, { eligible: number; fundPaid: number } | number>;
  /**
   * Claims from other hospitals that reach the center right after each 1101 answer, so the
   * answer a client cached is always one visit behind: an offline split made from it comes
   * back `adjusted` on upload.
   */
  outsideVisitAfterLookup?: { accumulator: string; eligible: number; fundPaid: number };
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** An 18-digit resident ID number with a correct check digit (GB 11643). */
export function residentIdNumber(area: string, birth: string, serial: number): string {
  const body = `${area}${birth.replace(/-/g, '')}${String(serial).padStart(3, '0')}`;
  const sum = [...body].reduce((s, c, i) => s + Number(c) * ID_WEIGHTS[i]!, 0);
  return body + ID_CHECK[sum % 11]!;
}

/** The 11 fields of the card's basic data, each followed by '|' (DEVICES.md). */
export function socialSecurityCardData(f: {
  region: string;
  ssn: string;
  cardNo: string;
  cardSn: string;
  name: string;
  issueDate: string;
  expiryDate: string;
}): string {
  const fields = [f.region, f.ssn, f.cardNo, f.cardSn, f.name, '00814E43', '3.00', f.issueDate, f.expiryDate, '990100000001', '00000001'];
  return fields.map((x) => x + '|').join('');
}

interface Seed {
  name: string;
  gend: '1' | '2';
  brdy: string;
  insutype: '310' | '390';
  psnType: string;
  stas?: string;
  admdvs?: string;
  balance: number;
  accumulators?: DemoYearStart['accumulators'];
  outside?: DemoYearStart['outsideVisitAfterLookup'];
  cardExpiry?: string;
  note: string;
}

const SEEDS: Seed[] = [
  { name: '张伟', gend: '1', brdy: '1980-03-15', insutype: '310', psnType: '1101', balance: 234567, note: '职工在职，个人账户充足' },
  { name: '李秀英', gend: '2', brdy: '1952-07-08', insutype: '310', psnType: '1201', balance: 562030, accumulators: { 'emp-outpatient': { eligible: 120000, fundPaid: 0 } }, note: '职工退休，接近年度起付线（1300 元）' },
  { name: '王芳', gend: '2', brdy: '1975-11-20', insutype: '390', psnType: '1501', balance: 0, note: '城乡居民（成年），无个人账户' },
  { name: '刘洋', gend: '1', brdy: '2008-09-01', insutype: '390', psnType: '1401', balance: 0, note: '城乡居民（学生）' },
  { name: '陈静', gend: '2', brdy: '1988-02-14', insutype: '310', psnType: '1101', stas: '2', balance: 80000, note: '参保暂停（不能医保结算）' },
  { name: '杨磊', gend: '1', brdy: '1992-05-30', insutype: '310', psnType: '1101', balance: 0, note: '职工在职，个人账户余额为 0' },
  { name: '赵敏', gend: '2', brdy: '1966-12-03', insutype: '310', psnType: '1101', balance: 150000, accumulators: { 'emp-outpatient': { eligible: 3200000, fundPaid: 1990000 } }, note: '接近门诊年度支付限额（已付 19900 元 / 20000 元）' },
  { name: '黄强', gend: '1', brdy: '1970-04-22', insutype: '310', psnType: '1101', balance: 300000, accumulators: { 'emp-outpatient': { eligible: 150000, fundPaid: 0 } }, outside: { accumulator: 'emp-outpatient', eligible: 50000, fundPaid: 0 }, note: '在其他医院有就诊：离线结算上传后会被中心调整' },
  { name: '吴婷', gend: '2', brdy: '1958-06-18', insutype: '310', psnType: '1201', balance: 420000, accumulators: { 'chronic-E11': { eligible: 320000, fundPaid: 270000 } }, note: '职工退休，慢特病（糖尿病 E11）门诊，年度已付 2700 元 / 8000 元' },
  { name: '周杰', gend: '1', brdy: '1985-10-10', insutype: '310', psnType: '1101', balance: 321055, accumulators: { 'emp-outpatient': { eligible: 200000, fundPaid: 18000 } }, note: '职工在职，已过起付线' },
  { name: '徐丽', gend: '2', brdy: '1962-01-25', insutype: '390', psnType: '1501', balance: 0, accumulators: { 'res-inpatient': { eligible: 2100000, fundPaid: 1575000 }, criticalBurden: 1500000, criticalPaid: 0 }, note: '城乡居民，住院大额：接近大病保险起付线' },
  { name: '孙浩', gend: '1', brdy: '2015-08-08', insutype: '390', psnType: '1401', balance: 0, note: '城乡居民（中小学生）' },
  { name: '马军', gend: '1', brdy: '1979-09-09', insutype: '310', psnType: '1101', admdvs: '990200', balance: 98000, note: '异地参保（参保地 990200）' },
  { name: '朱琳', gend: '2', brdy: '1990-03-03', insutype: '310', psnType: '1101', balance: 51000, cardExpiry: '20240101', note: '社保卡已过有效期：请改用电子凭证或身份证号' },
];

function build(seed: Seed, i: number): { person: DemoPerson; year: DemoYearStart } {
  const n = i + 1;
  const certno = residentIdNumber('990101', seed.brdy, 10 + n * 2 + (seed.gend === '1' ? 1 : 0));
  const cardNo = `A9901${String(n).padStart(4, '0')}`;
  const cardSn = `99010000000${String(n).padStart(2, '0')}D156000005000${String(1000 + n)}`.slice(0, 32);
  const issue = '20200115';
  const expiry = seed.cardExpiry ?? '20300115';
  const person: DemoPerson = {
    psn_no: `9901000000000000${String(n).padStart(4, '0')}`,
    psn_name: seed.name,
    gend: seed.gend,
    brdy: seed.brdy,
    certno,
    card_no: cardNo,
    card_sn: cardSn,
    ec_token: `EC990100${String(n).padStart(4, '0')}T${certno.slice(-6)}A7F3Q9`,
    insutype: seed.insutype,
    psn_type: seed.psnType,
    psn_insu_stas: seed.stas ?? '1',
    insuplc_admdvs: seed.admdvs ?? '990100',
    balc: fenToYuan(seed.balance),
    card_data: socialSecurityCardData({ region: seed.admdvs ?? '990100', ssn: certno, cardNo, cardSn, name: seed.name, issueDate: issue, expiryDate: expiry }),
    note: seed.note,
  };
  const year: DemoYearStart = { balance: seed.balance, accumulators: seed.accumulators ?? {} };
  if (seed.outside) year.outsideVisitAfterLookup = seed.outside;
  return { person, year };
}

const BUILT = SEEDS.map(build);

/** Every demo person, in a stable order. */
export const DEMO_PERSONS: readonly DemoPerson[] = BUILT.map((b) => b.person);

/** The center's record of each demo person's year at the start, by psn_no. */
export const DEMO_YEAR_START: Readonly<Record<string, DemoYearStart>> = Object.fromEntries(BUILT.map((b) => [b.person.psn_no, b.year]));

/** Find a demo person by any credential (01 e-voucher token, 02 ID number, 03 card number). */
export function findDemoPerson(certType: string, certNo: string): DemoPerson | undefined {
  return DEMO_PERSONS.find((p) => (certType === '01' ? p.ec_token : certType === '02' ? p.certno : certType === '03' ? p.card_no : null) === certNo);
}
