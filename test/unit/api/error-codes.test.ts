// Error codes are one list (electron/api/error-codes.ts). AppError, fail, ApiError and ParseError
// take an ErrorCode, so the compiler holds most of this; the scan below holds it from the text
// too: every code the sources give as a literal — AppError('X', …), fail('X', …), parseFail('X', …),
// the split engine's codes — is on it, and every code on it has words in both catalogues
// (renderer/src/i18n/codes.*.ts). safe-files' `<prefix>_SYMLINK` … are typed by FileCodePrefix.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../electron/api/error-codes';
import { codeWordsEn } from '../../../renderer/src/i18n/codes.en';
import { codeWordsZh } from '../../../renderer/src/i18n/codes.zh-CN';
import { sourceFiles } from '../../helpers/sql-tables';

const ROOT = process.cwd();
const THROWN = /(?:AppError|[fF]ail)\(\s*'([A-Z][A-Z0-9_]+)'/g;

function thrownCodes(): Map<string, string> {
  const found = new Map<string, string>();
  for (const f of ['electron', 'native'].flatMap((d) => sourceFiles(ROOT, d)).filter((f) => !f.startsWith('electron/center/sandbox/'))) {
    for (const m of readFileSync(`${ROOT}/${f}`, 'utf8').matchAll(THROWN)) if (!found.has(m[1]!)) found.set(m[1]!, f);
  }
  return found;
}

describe('error codes: one list, words in both languages', () => {
  it('finds the thrown codes (a scan of nothing would pass for nothing)', () => {
    const found = thrownCodes();
    expect(found.size).toBeGreaterThan(100);
    expect(found.get('SETTLEMENT_NOT_FOUND')).toBeDefined();
  });

  it('every code thrown is on the list', () => {
    const list = new Set<string>(ERROR_CODES);
    expect([...thrownCodes()].filter(([c]) => !list.has(c)).map(([c, f]) => `${c} (${f})`)).toEqual([]);
  });

  it('every code on the list has Chinese and English words', () => {
    const zh: Record<string, string> = codeWordsZh;
    const en: Record<string, string> = codeWordsEn;
    expect(ERROR_CODES.filter((c) => !zh[`err.${c}`]?.trim() || !en[`err.${c}`]?.trim())).toEqual([]);
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });
});
