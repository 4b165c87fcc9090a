// Catalog search for the bill screen, over the table in force. Tiers, best first:
// exact code > code prefix > pinyin initials (exact, then prefix, then anywhere in the name) >
// name prefix > name substring.
// Each tier is one indexed query with a LIMIT, so typing stays fast on 300,000 entries.
import type { Db } from '../db/open';
import { HEAD_CHARS } from './pinyin';
import { NOT_CLOSED, rowToEntry, type EntryRow, type PolicyStore } from './store';
import type { CatalogHit } from '../api/contract/policy';

export type { CatalogHit };

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 200;
/** Above every character a code holds, so [q, q + TOP) is "starts with q". */
const TOP = '\u{10FFFF}';

export class CatalogSearch {
  private readonly byCode;
  private readonly byCodePrefix;
  private readonly byInitials;
  private readonly byInnerInitials;
  private readonly byChars;

  constructor(
    db: Db,
    private readonly store: PolicyStore,
  ) {
    const visible = `e.from_seq >= @base AND ${NOT_CLOSED}`;
    this.byCode = db.prepare<{ q: string; base: number }, EntryRow>(`SELECT e.* FROM catalog_entries e WHERE e.code = @q AND ${visible}`);
    this.byCodePrefix = db.prepare<{ q: string; hi: string; base: number; limit: number }, EntryRow>(
      `SELECT e.* FROM catalog_entries e WHERE e.code >= @q AND e.code < @hi AND ${visible} ORDER BY e.code LIMIT @limit`,
    );
    // FTS5 (migrations/0010): one whole-token or prefix lookup; matches come in rowid order.
    this.byInitials = db.prepare<{ match: string; base: number; limit: number }, EntryRow>(
      `SELECT e.* FROM catalog_initials f JOIN catalog_entries e ON e.id = f.rowid
       WHERE catalog_initials MATCH @match AND ${visible} LIMIT @limit`,
    );
    this.byInnerInitials = db.prepare<{ match: string; base: number; limit: number }, EntryRow>(
      `SELECT e.* FROM catalog_initials_inner f JOIN catalog_entries e ON e.id = f.rowid
       WHERE catalog_initials_inner MATCH @match AND ${visible} LIMIT @limit`,
    );
    this.byChars = db.prepare<{ match: string; base: number; limit: number }, EntryRow>(
      `SELECT e.* FROM catalog_fts f JOIN catalog_entries e ON e.id = f.rowid
       WHERE catalog_fts MATCH @match AND ${visible} LIMIT @limit`,
    );
  }

  search(query: string, limit = DEFAULT_LIMIT): CatalogHit[] {
    const q = query.trim();
    const cur = this.store.current();
    if (!q || !cur) return [];
    const max = Math.max(1, Math.min(MAX_LIMIT, Math.floor(limit)));
    const base = cur.base;
    const hits = new Map<number, EntryRow>();
    const add = (rows: EntryRow[]) => {
      for (const r of rows) if (hits.size < max && !hits.has(r.id)) hits.set(r.id, r);
    };
    const left = () => max - hits.size;

    const code = q.toUpperCase();
    add(this.byCode.all({ q: code, base }));
    if (left() > 0) add(this.byCodePrefix.all({ q: code, hi: code + TOP, base, limit: max }));
    const initials = q.toLowerCase();
    if (/^[a-z0-9]+$/.test(initials)) {
      // Names whose initials are exactly the query first, then those starting with it; each
      // page sorted by initials. The prefix page is the first `max` matches in catalog order,
      // not the alphabetically first (FTS5 returns rowid order); a longer query narrows it.
      if (left() > 0) add(this.byInitials.all({ match: `"${initials}"`, base, limit: max + hits.size }).sort(byInitials));
      if (left() > 0) add(this.byInitials.all({ match: `"${initials}" *`, base, limit: max + hits.size }).sort(byInitials));
      // Then initials anywhere inside the name ("xl" → 阿莫西林): two letters or more, a single
      // letter inside a name would match most of the catalog.
      if (left() > 0 && initials.length >= 2) add(this.byInnerInitials.all({ match: `"${initials}" *`, base, limit: max + hits.size }).sort(byInitials));
    }
    const chars = wordChars(q);
    if (chars.length) {
      const lower = q.toLowerCase();
      const head = headMatch(q);
      if (left() > 0 && head) {
        // Name prefix: one `head` token (plus the anchored phrase beyond three characters).
        const rows = this.byChars.all({ match: head, base, limit: max + hits.size });
        add(rows.filter((r) => r.name.toLowerCase().startsWith(lower)).sort(byName));
      }
      if (left() > 0) add(this.byChars.all({ match: `chars : "${chars.join(' ')}"`, base, limit: max + hits.size }));
    }
    return [...hits.values()].map((r) => ({ ...rowToEntry(r), pinyin: r.pinyin }));
  }
}

const byInitials = (a: EntryRow, b: EntryRow) => (a.pinyin < b.pinyin ? -1 : a.pinyin > b.pinyin ? 1 : a.id - b.id);
const byName = (a: EntryRow, b: EntryRow) => a.name.length - b.name.length || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The query's word characters (what the FTS tokenizer keeps), lower case. */
function wordChars(q: string): string[] {
  return Array.from(q.toLowerCase()).filter((c) => /[\p{L}\p{N}]/u.test(c));
}

/** FTS5 query for "name starts with q", or null when q does not start with word characters. */
function headMatch(q: string): string | null {
  const all = Array.from(q.toLowerCase());
  const lead = all.slice(0, HEAD_CHARS);
  if (!lead.every((c) => /[\p{L}\p{N}]/u.test(c))) return null;
  const token = `head : "${lead.join('')}"`;
  if (all.length <= HEAD_CHARS) return token;
  const rest = wordChars(q);
  return `${token} AND chars : ^"${rest.join(' ')}"`;
}
