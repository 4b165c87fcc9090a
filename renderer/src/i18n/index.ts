// t(key, vars): the string for the current language with {placeholders} filled. Two catalogues
// per language: the window's own words (zh-CN.ts / en.ts) and the words for codes the main
// process sends (codes.zh-CN.ts / codes.en.ts: errors, field names, the split's explanation).
import { codeWordsEn } from './codes.en';
import { codeWordsZh } from './codes.zh-CN';
import { en } from './en';
import { zhCN, type WindowKey } from './zh-CN';

export type Lang = 'zh-CN' | 'en';
export type MessageKey = WindowKey | keyof typeof codeWordsZh;

const ZH: Record<MessageKey, string> = { ...zhCN, ...codeWordsZh };
const CATALOGUES: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': ZH, en: { ...en, ...codeWordsEn } };

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const cat = CATALOGUES[lang];
  return (key, vars) => {
    const s = cat[key] ?? ZH[key] ?? key;
    return vars ? s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : s;
  };
}

/** Whether a key exists (for labels built from data, e.g. insurance types, or codes from the main process). */
export function hasKey(key: string): key is MessageKey {
  return key in ZH;
}

/** Both catalogues of a language, for the test that compares keys and placeholders. */
export function catalogue(lang: Lang): Record<MessageKey, string> {
  return CATALOGUES[lang];
}
