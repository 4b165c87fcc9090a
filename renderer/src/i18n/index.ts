// t(key, vars): the string for the current language with {placeholders} filled.
import { en } from './en';
import { zhCN, type MessageKey } from './zh-CN';

export type Lang = 'zh-CN' | 'en';
export type { MessageKey };

const CATALOGUES: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const cat = CATALOGUES[lang];
  return (key, vars) => {
    const s = cat[key] ?? zhCN[key] ?? key;
    return vars ? s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : s;
  };
}

/** Whether a key exists (for labels built from data, e.g. insurance types). */
export function hasKey(key: string): key is MessageKey {
  return key in zhCN;
}
