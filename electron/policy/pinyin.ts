// Pinyin initials of catalog names (阿莫西林胶囊 → amxljn), computed once at import and
// stored beside the entry so search never runs pinyin-pro.
import { pinyin } from 'pinyin-pro';

/** Distinct names remembered between imports and deltas; past this the memory is dropped. */
const CACHE_LIMIT = 50_000;
const cache = new Map<string, string>();

/**
 * Initials of a name, remembered: real catalogs repeat names across specs and makers, and
 * pinyin-pro (with its polyphone context) is the slowest step of an import or a delta, so
 * each distinct name is converted once. The mapping is pure, so sharing the cache is safe.
 */
export function initialsOf(name: string): string {
  let v = cache.get(name);
  if (v === undefined) {
    v = pinyin(name, { pattern: 'first', toneType: 'none', type: 'array' })
      .join('')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '');
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(name, v);
  }
  return v;
}

/** Kept for callers that want a converter function. */
export function createInitials(): (name: string) => string {
  return initialsOf;
}

/** The name as FTS tokens: one character per token, so a phrase query matches any substring. */
export function nameChars(name: string): string {
  return Array.from(name.toLowerCase()).join(' ');
}

/** How many leading characters get a `head` token each (see migrations/0002_policy.sql). */
export const HEAD_CHARS = 3;
const WORD = /^[\p{L}\p{N}]$/u;

/** The name's first 1..3 word characters as tokens ("阿 阿莫 阿莫西"); stops at the first other character. */
export function nameHeads(name: string): string {
  const chars = Array.from(name.toLowerCase());
  const out: string[] = [];
  for (let k = 1; k <= Math.min(HEAD_CHARS, chars.length); k++) {
    if (!WORD.test(chars[k - 1]!)) break;
    out.push(chars.slice(0, k).join(''));
  }
  return out.join(' ');
}

/**
 * The initials' suffixes from the second letter on, two letters or more, as tokens:
 * "amxljn" → "mxljn xljn ljn jn". A prefix query on them finds a run of initials anywhere in
 * the name; the whole initials stay in catalog_initials (matched first).
 */
export function innerInitials(initials: string): string {
  const out: string[] = [];
  for (let k = 1; k <= initials.length - 2; k++) out.push(initials.slice(k));
  return out.join(' ');
}
