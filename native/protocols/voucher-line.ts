// One scan of the medical-insurance e-voucher QR code (a token string), or a plain card
// number typed or scanned. Both arrive as a line of text.
import type { CardData } from './card-read';
import { parseFail, parsed, type ParseResult } from './result';

const TOKEN = /^[A-Za-z0-9_\-.:=+/]{16,256}$/;
const CARD_NUMBER = /^[0-9A-Za-z]{6,32}$/;

/** An e-voucher token: printable, no spaces, 16–256 characters (vendors differ in alphabet). */
export function parseVoucherLine(line: string): ParseResult<CardData> {
  if (typeof line !== 'string') return parseFail('VOUCHER_EMPTY', '扫码枪没有送来数据；请重新扫码');
  const token = line.replace(/[\r\n]+$/, '').trim();
  if (token.length === 0) return parseFail('VOUCHER_EMPTY', '扫码枪没有送来数据；请重新扫码');
  if (token.length > 256) return parseFail('VOUCHER_TOO_LONG', '二维码内容过长，不是医保电子凭证；请让患者刷新电子凭证后重扫');
  if (!TOKEN.test(token)) {
    return parseFail('VOUCHER_INVALID', '扫到的不是医保电子凭证（格式不符）；请让患者打开医保电子凭证后重扫');
  }
  return parsed({ credential: 'voucher', certType: '01', certNo: token });
}

/** A plain social security card number (no serial): certType 03. */
export function parseCardNumberLine(line: string): ParseResult<CardData> {
  if (typeof line !== 'string') return parseFail('CARD_NUMBER_EMPTY', '没有读到卡号；请重新刷卡或手工输入');
  const no = line.replace(/[\r\n]+$/, '').trim();
  if (no.length === 0) return parseFail('CARD_NUMBER_EMPTY', '没有读到卡号；请重新刷卡或手工输入');
  if (!CARD_NUMBER.test(no)) return parseFail('CARD_NUMBER_INVALID', '卡号应为 6–32 位数字或字母；请重新刷卡或手工输入');
  return parsed({ credential: 'number', certType: '03', certNo: no });
}
