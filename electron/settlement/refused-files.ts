// Bill files the watched inbox refused, kept inside the encrypted database (issue 14): the
// file is removed from the inbox, so what it held (names, ID numbers) is never left readable
// on disk; the supervisor sees the reason and, when needed, the content (`bill refused`).
// The one owner of the refused_bill_files table.
import { createHash } from 'node:crypto';
import type { CoreApp } from '../app/core';

export interface RefusedFile {
  id: number;
  file: string;
  refusedAt: string;
  code: string;
  message: string;
  bytes: number | null;
}

interface Row {
  id: number;
  file: string;
  refused_at: string;
  code: string;
  message: string;
  bytes: number | null;
}

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
        const seen = db.prepare('SELECT id FROM refused_bill_files WHERE file = ? AND sha256 = ?').get(r.file, sha) as { id: number } | undefined;
        if (seen) return seen.id;
      }
      const id = Number(
        db
          .prepare('INSERT INTO refused_bill_files (file, refused_at, code, message, sha256, bytes, content) VALUES (?,?,?,?,?,?,?)')
          .run(r.file, this.core.clock.now().toISOString(), r.code, r.message, sha, r.content?.length ?? null, r.content).lastInsertRowid,
      );
      this.core.audit.append({ action: 'bill.refusedFile', subject: r.file, detail: { refusedId: id, code: r.code, bytes: r.content?.length ?? null } });
      return id;
    })();
  }

  /** Newest first. */
  list(limit = 200): RefusedFile[] {
    const rows = this.core.db
      .prepare('SELECT id, file, refused_at, code, message, bytes FROM refused_bill_files ORDER BY id DESC LIMIT ?')
      .all(limit) as Row[];
    return rows.map(toView);
  }

  /** The refused file's bytes as they were (null when it was never read, or no such row). */
  content(id: number): { refused: RefusedFile; content: Buffer | null } | null {
    const r = this.core.db.prepare('SELECT * FROM refused_bill_files WHERE id = ?').get(id) as (Row & { content: Buffer | null }) | undefined;
    return r ? { refused: toView(r), content: r.content } : null;
  }
}
