// Codes from the main process worded in the window's language (renderer/src/i18n/words.ts).
import { describe, expect, it } from 'vitest';
import { translator } from '../../../renderer/src/i18n';
import { wordError, wordExplanation } from '../../../renderer/src/i18n/words';
import { uploadErrorKey } from '../../../renderer/src/outbox/OutboxList';

const zh = translator('zh-CN');
const en = translator('en');
const cjk = /[\u3400-\u9fff]/;

describe('errors in words', () => {
  it('a known code is worded with its details as parameters, in either language', () => {
    const e = { code: 'CENTER_UNREACHABLE', message: '无法连接医保中心（1101）：connect ECONNREFUSED 127.0.0.1:9。请检查网络后重试。', details: { infno: '1101' } };
    expect(wordError(e, zh, 'zh-CN')).toBe('连不上医保中心（1101）。请检查网络后重试。');
    expect(wordError(e, en, 'en')).toBe('Cannot reach the insurance center (1101). Check the network and try again.');
    expect(wordError(e, zh, 'zh-CN')).not.toMatch(/ECONNREFUSED/);
  });

  it("validator text becomes the field's name", () => {
    const e = {
      code: 'INVALID_INPUT',
      message: '输入不正确：pin: Too small: expected string to have >=4 characters',
      details: { issues: [{ path: ['pin'], message: 'Too small: expected string to have >=4 characters' }] },
    };
    expect(wordError(e, zh, 'zh-CN')).toBe('填写的内容不正确（密码），请检查后重试。');
    expect(wordError(e, en, 'en')).toBe('Some input is not valid (PIN); check it and try again.');
  });

  it('an unknown code: the Chinese message in Chinese, never Chinese in English', () => {
    const e = { code: 'SOMETHING_NEW', message: '新的错误。' };
    expect(wordError(e, zh, 'zh-CN')).toBe('新的错误。');
    expect(wordError(e, en, 'en')).toMatch(/SOMETHING_NEW/);
    expect(wordError(e, en, 'en')).not.toMatch(cjk);
  });

  it('a parameter the error did not carry shows as a dash, not as {placeholder}', () => {
    expect(wordError({ code: 'SHIFT_NOT_FOUND', message: '没有班次。' }, en, 'en')).toBe('There is no shift —.');
  });
});

describe('explanation lines in words', () => {
  const line = { rule: 'fund', text: '统筹支付 90% × 291.79 = 262.61 元', key: 'fund', params: { of: '90% × 291.79', amount: '262.61' }, amount: 26261 };
  it('says what the percentage is of, in either language', () => {
    expect(wordExplanation(line, zh, 'zh-CN')).toBe('统筹支付 90% × 291.79 = 262.61 元');
    expect(wordExplanation(line, en, 'en')).toBe('Fund pays 90% × 291.79 = 262.61 yuan');
  });
  it('names a failed condition in the language', () => {
    const l = { rule: 'fullOwnPay', text: '', key: 'fullOwnPay.restriction', params: { name: 'X', condition: 'diagnosisPrefixes', amount: '1.00' } };
    expect(wordExplanation(l, en, 'en')).toBe('X does not meet the condition (diagnosis), paid in full: 1.00 yuan');
  });
  it('an old stored line without a key keeps its text in Chinese and has no Chinese in English', () => {
    const old = { rule: 'cash', text: '现金支付: 1.00 元', amount: 100 } as unknown as typeof line;
    expect(wordExplanation(old, zh, 'zh-CN')).toBe('现金支付: 1.00 元');
    expect(wordExplanation(old, en, 'en')).not.toMatch(cjk);
  });
});

describe("an upload's last error", () => {
  it('is named by its kind, not shown raw', () => {
    expect(uploadErrorKey('中心繁忙(-9)：busy')).toBe('uploaderr.busy');
    expect(uploadErrorKey('结果未知：connect ECONNREFUSED')).toBe('uploaderr.unknown');
    expect(uploadErrorKey('中心拒绝(-1)：x')).toBe('uploaderr.rejected');
    expect(uploadErrorKey('connect ECONNREFUSED 127.0.0.1:1')).toBe('uploaderr.network');
  });
});
