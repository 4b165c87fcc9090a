// Bill files: the documented JSON and CSV formats, and precise refusals.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../electron/api/result';
import { parseBillCsv, parseBillFile, parseBillJson, parseCsvRows } from '../../../electron/settlement/bill-format';

const good = {
  format: 'bill/1',
  billId: 'HIS-1',
  credential: { certType: '03', certNo: 'A12345678', cardSn: 'SN1' },
  patientName: '张三',
  visit: { visitType: 'outpatient', date: '2026-03-15', diagnoses: ['J06.9'] },
  items: [
    { code: 'X1', name: '阿莫西林', unitPrice: '12.50', quantity: '2' },
    { code: 'Z9', unitPrice: '3', quantity: '1', ownPay: true },
  ],
};

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'no error';
}

describe('JSON bills', () => {
  it('reads one bill, an array, or {format, bills}; useAccount defaults to true', () => {
    const [b] = parseBillJson(JSON.stringify(good));
    expect(b).toMatchObject({ billId: 'HIS-1', useAccount: true, items: [{ code: 'X1', unitPrice: '12.50' }, { ownPay: true }] });
    expect(parseBillJson(JSON.stringify([good, { ...good, billId: 'HIS-2' }]))).toHaveLength(2);
    expect(parseBillJson(JSON.stringify({ format: 'bill/1', bills: [good] }))).toHaveLength(1);
    expect(parseBillJson('\uFEFF' + JSON.stringify(good))).toHaveLength(1);
  });

  it.each([
    ['not JSON', '{', /BILL_INVALID: 账单文件不是有效的 JSON/],
    ['float price', JSON.stringify({ ...good, items: [{ code: 'X1', unitPrice: 12.5, quantity: '1' }] }), /BILL_INVALID: .*items\.0\.unitPrice/],
    ['5 decimals', JSON.stringify({ ...good, items: [{ code: 'X1', unitPrice: '1.00001', quantity: '1' }] }), /items\.0\.unitPrice/],
    ['zero quantity', JSON.stringify({ ...good, items: [{ code: 'X1', unitPrice: '1', quantity: '0.0' }] }), /items\.0\.quantity.*大于 0/],
    ['no items', JSON.stringify({ ...good, items: [] }), /items/],
    ['bad cert type', JSON.stringify({ ...good, credential: { certType: '09', certNo: '1' } }), /credential\.certType/],
    ['bad date', JSON.stringify({ ...good, visit: { visitType: 'outpatient', date: '15/03/2026' } }), /visit\.date/],
    ['unknown field', JSON.stringify({ ...good, extra: 1 }), /BILL_INVALID/],
    ['duplicate bill ids', JSON.stringify([good, good]), /账单号重复：HIS-1/],
  ])('refuses %s with a coded Chinese error', (_name, text, re) => {
    expect(codeOf(() => parseBillJson(text))).toMatch(re);
  });
});

describe('CSV bills (HIS export)', () => {
  const header = 'bill_id,cert_type,cert_no,card_sn,patient_name,visit_type,visit_date,hospital_level,diagnoses,use_account,code,name,unit_price,quantity,own_pay';
  it('groups rows by bill_id and reads quoted fields', () => {
    const csv = [
      header,
      'B1,03,A1,SN1,张三,outpatient,2026-03-15,1,J06.9;R50.9,1,X1,"阿莫西林, 胶囊",12.50,2,0',
      'B1,03,A1,SN1,张三,outpatient,2026-03-15,1,J06.9;R50.9,1,Z9,"说""明""",3,1,1',
      'B2,02,110101199001011234,,李四,chronic,2026-03-15,,,0,X2,,1.5,3,',
    ].join('\r\n');
    const bills = parseBillCsv(csv);
    expect(bills).toHaveLength(2);
    expect(bills[0]).toMatchObject({
      billId: 'B1',
      credential: { certType: '03', certNo: 'A1', cardSn: 'SN1' },
      visit: { visitType: 'outpatient', hospitalLevel: 1, diagnoses: ['J06.9', 'R50.9'] },
      useAccount: true,
      items: [{ code: 'X1', name: '阿莫西林, 胶囊', unitPrice: '12.50', quantity: '2' }, { code: 'Z9', name: '说"明"', ownPay: true }],
    });
    expect(bills[1]).toMatchObject({ billId: 'B2', useAccount: false, credential: { certType: '02' } });
    expect(bills[1]!.credential.cardSn).toBeUndefined();
  });

  it.each([
    ['a missing column', 'bill_id,cert_type,cert_no,visit_type,visit_date,code,unit_price\nB1,03,A1,outpatient,2026-03-15,X1,1', /表头缺少列 quantity/],
    ['an unknown column', header + ',foo\nB1,03,A1,,,outpatient,2026-03-15,,,1,X1,,1,1,,x', /未知列 foo/],
    ['a short row', `${header}\nB1,03,A1`, /第 2 行有 3 列/],
    ['rows of one bill disagreeing', `${header}\nB1,03,A1,,,outpatient,2026-03-15,,,1,X1,,1,1,\nB1,03,A2,,,outpatient,2026-03-15,,,1,X2,,1,1,`, /第 3 行的 cert_no 与第 2 行/],
    ['a bad own_pay flag', `${header}\nB1,03,A1,,,outpatient,2026-03-15,,,1,X1,,1,1,maybe`, /own_pay 应为 1 或 0/],
    ['a bad price', `${header}\nB1,03,A1,,,outpatient,2026-03-15,,,1,X1,,1.2.3,1,`, /账单 B1.*unitPrice/],
    ['an unclosed quote', `${header}\nB1,"03`, /引号未闭合/],
  ])('refuses %s', (_n, text, re) => {
    expect(codeOf(() => parseBillCsv(text))).toMatch(re);
  });

  it('parses RFC 4180 rows', () => {
    expect(parseCsvRows('a,"b,c"\n"d""e",\n')).toEqual([['a', 'b,c'], ['d"e', '']]);
  });

  it('chooses the reader by file extension', () => {
    expect(codeOf(() => parseBillFile('bill.xml', '<a/>'))).toMatch(/只接受 \.json 或 \.csv/);
    expect(parseBillFile('B.JSON', JSON.stringify(good))).toHaveLength(1);
  });
});

describe('refusals never quote the file content (issue 14: they reach the log and the inbox note)', () => {
  const header = 'bill_id,cert_type,cert_no,card_sn,patient_name,visit_type,visit_date,hospital_level,diagnoses,use_account,code,name,unit_price,quantity,own_pay';
  const name = '钱多多';
  const id = '110101199003077710';
  it.each([
    ['JSON that does not parse (V8 quotes the text around the error)', 'b.json', `{"patientName": ${name}, "certNo": "${id}"}`],
    ['JSON cut short', 'b.json', `{"patientName": "${name}", "certNo": "${id}"`],
    ['an unknown key that is a name', 'b.json', JSON.stringify({ ...good, [name]: id })],
    ['a flag column holding a name', 'b.csv', `${header}\nB1,02,${id},,,outpatient,2026-03-15,,,${name},X1,,1.00,1,`],
    ['a header that is a data row', 'b.csv', `${header},${name}\nB1,02,${id},,,outpatient,2026-03-15,,,1,X1,,1.00,1,,x`],
    ['a visit type holding a name', 'b.csv', `${header}\nB1,02,${id},,,${name},2026-03-15,,,1,X1,,1.00,1,`],
  ])('%s', (_n, file, text) => {
    const message = codeOf(() => parseBillFile(file, text));
    expect(message).toMatch(/^BILL_INVALID: /);
    expect(message).not.toContain(name);
    expect(message).not.toContain(id);
  });

  it('says where JSON broke instead', () => {
    expect(codeOf(() => parseBillJson('[1,2'))).toMatch(/位置 4|第 1 行第 5 列/);
  });

  it('one limit on the number of bills for JSON and CSV', () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({ ...good, billId: `B${i}` }));
    expect(codeOf(() => parseBillJson(JSON.stringify(many)))).toMatch(/^BILL_TOO_MANY/);
    const rows = Array.from({ length: 1001 }, (_, i) => `B${i},03,A1,,,outpatient,2026-03-15,,,1,X1,,1,1,`);
    expect(codeOf(() => parseBillCsv(`${header}\n${rows.join('\n')}`))).toMatch(/^BILL_TOO_MANY/);
    expect(parseBillCsv(`${header}\n${rows.slice(0, 1000).join('\n')}`)).toHaveLength(1000);
  });
});
