// Bill files the watched inbox refused, kept inside the encrypted database (issue 14): the
// file is removed from the inbox, so what it held (names, ID numbers) is never left readable
// on disk; the supervisor sees the reason and, when needed, the content (`bill refused`).
// The one owner of the refused_bill_files table.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { CoreApp } from '../app/core';
import { insertInto, many, one, value } from '../db/sql';

export interface RefusedFile {
  id: number;
  file: string;
  refusedAt: string;
  code: string;
  message: string;
  bytes: number | null;
}

const rowSchema = z.object({
  id: z.number().int(),
  file: z.string(),
  refused_at: z.string(),
  code: z.string(),
  message: z.string(),
  bytes: z.number().int().nullable(),
});
type Row = z.output<typeof rowSchema>;
const withContent = rowSchema.extend({ content: z.instanceof(Buffer).nullable() });

const toView = (r: Row): RefusedFile => ({ id: r.id, file: r.file, refusedAt: r.refused_at, code: r.code, message: r.message, bytes: r.bytes });

export class RefusedBillFiles {
  constructor(private readonly core: CoreApp) {}

  /**
   * Keep one refusal (with the content when it was read). The same file refused again (a crash
   * between keeping it and removing it from the inbox) is the row kept before.
   */
  record(r: { file: string; code: string; message: string; content: Buffer | null }): number {
    const db = this.core.db;
    const sha = r.content ? createHash('sha256').update(r.content).digest('hex') : null;
    return db.transaction(() => {
      if (sha) {
        const seen = value(db, 'SELECT id FROM refused_bill_files WHERE file = :file AND sha256 = :sha', { file: r.file, sha }, z.number().int());
        if (seen !== undefined) return seen;
      }
      const id = Number(
        insertInto(db, 'refused_bill_files', {
          file: r.file, refused_at: this.core.clock.now().toISOString(), code: r.code, message: r.message, sha256: sha, bytes: r.content?.length ?? null, content: r.content,
        }).lastInsertRowid,
      );
      this.core.audit.append({ action: 'bill.refusedFile', subject: r.file, detail: { refusedId: id, code: r.code, bytes: r.content?.length ?? null } });
      return id;
    })();
  }

  /** Newest first. */
  list(limit = 200): RefusedFile[] {
    return many(this.core.db, 'SELECT id, file, refused_at, code, message, bytes FROM refused_bill_files ORDER BY id DESC LIMIT :limit', { limit }, rowSchema).map(toView);
  }

  /** The refused file's bytes as they were (null when it was never read, or no such row). */
  content(id: number): { refused: RefusedFile; content: Buffer | null } | null {
    const r = one(this.core.db, 'SELECT id, file, refused_at, code, message, bytes, content FROM refused_bill_files WHERE id = :id', { id }, withContent);
    return r ? { refused: toView(r), content: r.content } : null;
  }
}
