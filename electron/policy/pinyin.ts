// Pinyin initials of catalog names (阿莫西林胶囊 → amxljn), computed once at import and
// stored beside the entry so search never runs pinyin-pro.
import { pinyin } from 'pinyin-pro';

/**
 * A converter with a per-import cache: real catalogs repeat names across specs and makers,
 * and pinyin-pro (with its polyphone context) is the slowest step of an import, so each
 * distinct name is converted once. The cache lives only as long as the converter.
 */
export function createInitials(): (name: string) => string {
  const cache = new Map<string, string>();
  return (name) => {
    let v = cache.get(name);
    if (v === undefined) {
      v = pinyin(name, { pattern: 'first', toneType: 'none', type: 'array' })
        .join('')
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '');
      cache.set(name, v);
    }
    return v;
  };
}

/** The name as FTS tokens: one character per token, so a phrase query matches any substring. */
export function nameChars(name: string): string {
  return Array.from(name.toLowerCase()).join(' ');
}
