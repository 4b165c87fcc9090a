// Social security card basic data in the ministry's common text form: 11 fields, each
// followed by '|'. Readers in "read and send" mode emit it as one line.
import { compactDateToIso, type CardData } from './card-read';
import { parseFail, parsed, type ParseResult } from './result';

export const SSC_FIELDS = [
  'region', 'socialSecurityNo', 'cardNo', 'cardSn', 'name', 'resetInfo',
  'specVersion', 'issueDate', 'expiryDate', 'terminalNo', 'terminalDeviceNo',
] as const;

export type SscBasicData = Record<(typeof SSC_FIELDS)[number], string>;

const MAX_LINE = 512;

/** Split and check the 11 fields; `today` (yyyy-MM-dd) decides whether the card has expired. */
export function parseSscBasicData(line: string, today: string): ParseResult<SscBasicData> {
  if (typeof line !== 'string' || line.length === 0) return parseFail('SSC_EMPTY', '社保卡读卡器没有送来数据；请重新刷卡');
  if (line.length > MAX_LINE) return parseFail('SSC_TOO_LONG', '社保卡数据过长，不是社保卡基本信息；请检查读卡器设置');
  const trimmed = line.replace(/[\r\n]+$/, '');
  const parts = trimmed.split('|');
  // Each field is *followed* by '|', so a complete record splits into 11 fields + one empty tail.
  if (parts.length < 12 || parts[parts.length - 1] !== '') {
    return parseFail('SSC_FIELDS_MISSING', `社保卡数据不完整：应有 11 个字段（以“|”结尾），实际 ${Math.max(0, parts.length - 1)} 个；请重新刷卡`, {
      fields: Math.max(0, parts.length - 1),
    });
  }
  if (parts.length > 12) {
    return parseFail('SSC_FIELDS_EXTRA', `社保卡数据字段过多（${parts.length - 1} 个，应为 11 个）；请检查读卡器的输出格式`, { fields: parts.length - 1 });
  }
  const rec = {} as SscBasicData;
  SSC_FIELDS.forEach((f, i) => (rec[f] = (parts[i] ?? '').trim()));
  if (!/^\d{6}$/.test(rec.region)) return parseFail('SSC_BAD_REGION', `社保卡发卡地区代码无效：“${rec.region.slice(0, 20)}”；请重新刷卡`);
  if (!/^[0-9A-Za-z]{1,32}$/.test(rec.cardNo)) return parseFail('SSC_NO_CARD_NUMBER', '社保卡卡号为空或含非法字符；请重新刷卡或手工输入');
  if (!/^[0-9A-Za-z]{1,32}$/.test(rec.cardSn)) return parseFail('SSC_NO_CARD_SN', '社保卡卡识别码为空或含非法字符；请重新刷卡');
  if (rec.socialSecurityNo && !/^[0-9A-Za-z]{1,32}$/.test(rec.socialSecurityNo)) {
    return parseFail('SSC_BAD_SSN', '社会保障号码含非法字符；请重新刷卡');
  }
  if (rec.name.length === 0 || rec.name.length > 30) return parseFail('SSC_BAD_NAME', '社保卡姓名为空或过长；请重新刷卡');
  const expiry = compactDateToIso(rec.expiryDate);
  if (!expiry) return parseFail('SSC_BAD_DATE', `社保卡有效期无效：“${rec.expiryDate.slice(0, 20)}”；请重新刷卡`);
  if (rec.issueDate && !compactDateToIso(rec.issueDate)) return parseFail('SSC_BAD_DATE', `社保卡发卡日期无效：“${rec.issueDate.slice(0, 20)}”`);
  if (expiry < today) return parseFail('SSC_EXPIRED', `社保卡已于 ${expiry} 过期；请持有效卡或电子凭证就医`, { expiry });
  return parsed(rec);
}

/** The CardRead of a social security card line (certType 03: card number + card serial). */
export function parseSscText(line: string, today: string): ParseResult<CardData> {
  const r = parseSscBasicData(line, today);
  if (!r.ok) return r;
  const d = r.value;
  return parsed({
    credential: 'ssc',
    certType: '03',
    certNo: d.cardNo,
    cardSn: d.cardSn,
    name: d.name,
    region: d.region,
    validTo: compactDateToIso(d.expiryDate) ?? undefined,
  });
}

/** The line a card produces (for emulators and tests): every field followed by '|'. */
export function formatSscText(d: SscBasicData): string {
  return SSC_FIELDS.map((f) => d[f] + '|').join('');
}
