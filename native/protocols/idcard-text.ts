// The resident ID card's text block: 256 bytes of UCS-2 little-endian, space padded, in
// fixed fields. And the read answer's data: text length, photo length, text, photo.
import { compactDateToIso, type CardData } from './card-read';
import { parseFail, parsed, type ParseResult } from './result';

/** Field name and size in bytes, in card order (sums to 256). */
export const IDCARD_TEXT_FIELDS = [
  ['name', 30],
  ['genderCode', 2],
  ['nationCode', 4],
  ['birthDate', 16],
  ['address', 70],
  ['idNumber', 36],
  ['authority', 30],
  ['validFrom', 16],
  ['validTo', 16],
  ['reserved', 36],
] as const;

export type IdCardTextField = (typeof IDCARD_TEXT_FIELDS)[number][0];
export type IdCardText = Record<IdCardTextField, string>;

export const IDCARD_TEXT_BYTES = 256;
export const IDCARD_PHOTO_BYTES = 1024;

function decodeUcs2Le(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode(b[i]! | (b[i + 1]! << 8));
  return s;
}

function encodeUcs2Le(s: string, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes / 2; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 0x20;
    out[2 * i] = c & 0xff;
    out[2 * i + 1] = c >> 8;
  }
  return out;
}

/** Decode the 256-byte text block into trimmed fields. */
export function decodeIdCardText(block: Uint8Array): IdCardText {
  const out = {} as IdCardText;
  let off = 0;
  for (const [name, size] of IDCARD_TEXT_FIELDS) {
    out[name] = decodeUcs2Le(block.subarray(off, off + size)).replace(/[\s\u0000]+$/u, '');
    off += size;
  }
  return out;
}

export function encodeIdCardText(t: Partial<IdCardText>): Uint8Array {
  const out = new Uint8Array(IDCARD_TEXT_BYTES);
  let off = 0;
  for (const [name, size] of IDCARD_TEXT_FIELDS) {
    out.set(encodeUcs2Le(t[name] ?? '', size), off);
    off += size;
  }
  return out;
}

/** The data of a successful read answer: lengths, then text and photo. */
export function encodeIdCardReadData(t: Partial<IdCardText>, photo = new Uint8Array(IDCARD_PHOTO_BYTES)): Uint8Array {
  const out = new Uint8Array(4 + IDCARD_TEXT_BYTES + IDCARD_PHOTO_BYTES);
  out[0] = IDCARD_TEXT_BYTES >> 8;
  out[1] = IDCARD_TEXT_BYTES & 0xff;
  out[2] = IDCARD_PHOTO_BYTES >> 8;
  out[3] = IDCARD_PHOTO_BYTES & 0xff;
  out.set(encodeIdCardText(t), 4);
  out.set(photo.subarray(0, IDCARD_PHOTO_BYTES), 4 + IDCARD_TEXT_BYTES);
  return out;
}

const ID_NUMBER = /^\d{17}[\dX]$/;
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** GB 11643 check digit of an 18-character resident ID number. */
export function idNumberChecksumOk(id: string): boolean {
  if (!ID_NUMBER.test(id)) return false;
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(id[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[s % 11] === id[17];
}

/** Parse a read answer's data into a CardRead (certType 02: ID number). */
export function parseIdCardReadData(data: Uint8Array): ParseResult<CardData> {
  if (data.length < 4 + IDCARD_TEXT_BYTES) {
    return parseFail('IDCARD_DATA_SHORT', `身份证读卡数据过短（${data.length} 字节）；请重新放卡`, { bytes: data.length });
  }
  const textLen = (data[0]! << 8) | data[1]!;
  const photoLen = (data[2]! << 8) | data[3]!;
  if (textLen !== IDCARD_TEXT_BYTES) return parseFail('IDCARD_DATA_LAYOUT', `身份证文字信息长度异常（${textLen}）；请重新放卡`, { textLen });
  if (data.length < 4 + textLen + photoLen) {
    return parseFail('IDCARD_DATA_SHORT', '身份证读卡数据不完整（照片缺失）；请重新放卡', { photoLen, bytes: data.length });
  }
  const t = decodeIdCardText(data.subarray(4, 4 + textLen));
  if (!t.name) return parseFail('IDCARD_NO_NAME', '身份证姓名为空；请重新放卡');
  if (!ID_NUMBER.test(t.idNumber)) return parseFail('IDCARD_BAD_NUMBER', '身份证号码格式无效；请重新放卡或手工输入');
  if (!idNumberChecksumOk(t.idNumber)) return parseFail('IDCARD_BAD_NUMBER', '身份证号码校验位错误；请重新放卡或手工输入');
  const birth = compactDateToIso(t.birthDate);
  if (!birth) return parseFail('IDCARD_BAD_DATE', '身份证出生日期无效；请重新放卡');
  const validTo = t.validTo === '长期' ? '长期' : compactDateToIso(t.validTo);
  if (!validTo) return parseFail('IDCARD_BAD_DATE', '身份证有效期无效；请重新放卡');
  const gender = t.genderCode === '1' ? '1' : t.genderCode === '2' ? '2' : '9';
  return parsed({
    credential: 'idcard',
    certType: '02',
    certNo: t.idNumber,
    name: t.name,
    gender,
    birthDate: birth,
    region: t.idNumber.slice(0, 6),
    validTo,
  });
}
