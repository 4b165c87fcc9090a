// The watched bill folder: an HIS drops .json/.csv files; each is imported whole or refused
// whole, and either way REMOVED from the folder (issue 14: an HIS export holds names and ID
// numbers; nothing readable may stay on disk). An imported file's bills are in the encrypted
// database; a refused file's bytes are kept there too (refused_bill_files, `bill refused`) and
// only a note without its content is left in rejected/<name>.error.txt (0600). A symbolic link,
// anything that is not a regular file, and a file over the size limit are refused without being
// read. A file is only picked up once it has stopped changing, and a file imported just before
// a crash is recognised by its content hash on the next look instead of being imported twice.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { existsSync, lstatSync, readdirSync, rmdirSync, unlinkSync, watch, type FSWatcher, type Stats } from 'node:fs';
import { join } from 'node:path';
import { isErrorCode, type ErrorCode } from '../api/error-codes';
import { AppError, isAppError } from '../api/result';
import type { CoreApp } from '../app/core';
import { maskIdentities } from '../app/log';
import { ensurePrivateDir, writePrivateFile } from '../security/safe-files';
import { parseBillFile } from './bill-format';
import { decodeBillBytes, readBillBytes, type BillStore } from './bills';
import { RefusedBillFiles } from './refused-files';
import { value } from '../db/sql';

export interface InboxResult {
  file: string;
  ok: boolean;
  bills?: number;
  code?: string;
  message?: string;
  /** The refusal's row in refused_bill_files. */
  refusedId?: number;
}

const BILL_NAME = /\.(json|csv)$/i;
const NOTE_SUFFIX = '.error.txt';

export class BillInbox {
  private timer: NodeJS.Timeout | null = null;
  private watcher: FSWatcher | null = null;
  readonly dir: string;
  readonly refused: RefusedBillFiles;

  constructor(
    private readonly core: CoreApp,
    private readonly bills: BillStore,
    dir?: string,
    /** A file younger than this (ms, by its mtime) may still be being written. */
    private readonly settleMs = 500,
  ) {
    this.dir = dir || core.settings.billInboxDir || join(core.dataDir, 'inbox');
    this.refused = new RefusedBillFiles(core);
  }

  start(pollMs = 1000): void {
    ensurePrivateDir(this.dir);
    try {
      this.clearOldFolders();
    } catch (e) {
      this.core.log.warn('bill inbox: old imported/rejected folders not cleared', { dir: this.dir, error: String(e) });
    }
    try {
      this.watcher = watch(this.dir, () => this.soon());
      this.watcher.on('error', () => undefined);
    } catch {
      // Polling alone still works (network shares may not support watching).
    }
    this.timer = setInterval(() => this.scanQuietly(), pollMs);
    this.timer.unref?.();
    this.soon();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.watcher?.close();
    this.watcher = null;
  }

  private soon(): void {
    setTimeout(() => this.scanQuietly(), this.settleMs + 50).unref?.();
  }

  private scanQuietly(): void {
    try {
      this.scan();
    } catch (e) {
      this.core.log.warn('bill inbox scan failed', { dir: this.dir, error: String(e) });
    }
  }

  /** Look once; returns what happened to each file handled. */
  scan(nowMs = Date.now()): InboxResult[] {
    if (!existsSync(this.dir)) return [];
    const out: InboxResult[] = [];
    for (const name of readdirSync(this.dir).sort()) {
      if (name.startsWith('.') || !BILL_NAME.test(name)) continue;
      const path = join(this.dir, name);
      let st: Stats;
      try {
        // lstat: a symbolic link is judged as the link, never as what it points to.
        st = lstatSync(path);
      } catch {
        continue;
      }
      if (st.isDirectory()) continue;
      if (st.isFile() && nowMs - st.mtimeMs < this.settleMs) continue;
      out.push(this.handle(name, path));
    }
    return out;
  }

  private handle(name: string, path: string): InboxResult {
    let buf: Buffer;
    try {
      // Refuses a link, a FIFO or device, and anything over the limit, without reading it.
      buf = readBillBytes(path);
    } catch (e) {
      return this.refuse(name, path, e, null);
    }
    const ref = `${name}#${createHash('sha256').update(buf).digest('hex').slice(0, 16)}`;
    const seen = value(this.core.db, 'SELECT count(*) FROM bills WHERE source_ref = :ref', { ref }, z.number().int()) ?? 0;
    if (seen > 0) {
      // Imported just before a crash: the bills are stored, only the removal was missing.
      this.remove(path);
      return { file: name, ok: true, bills: seen };
    }
    try {
      const bills = parseBillFile(name, decodeBillBytes(buf));
      this.bills.add(bills, 'inbox', ref);
      this.remove(path);
      return { file: name, ok: true, bills: bills.length };
    } catch (e) {
      return this.refuse(name, path, e, buf);
    }
  }

  /**
   * Keep the refusal (and the bytes, when read) in the database, leave a note without the
   * content, remove the file. The messages of the bill formats never quote the file's content;
   * the note and the log are masked all the same.
   */
  private refuse(name: string, path: string, e: unknown, content: Buffer | null): InboxResult {
    const code = isAppError(e) ? e.code : 'BILL_INVALID';
    const message = maskIdentities(isAppError(e) ? e.message : '账单文件无法处理');
    if (!isAppError(e)) this.core.log.warn('bill inbox: unexpected failure', { file: name, error: e instanceof Error ? e.name : typeof e });
    const refusedId = this.refused.record({ file: name, code, message, content });
    const notes = join(this.dir, 'rejected');
    ensurePrivateDir(notes);
    writePrivateFile(
      join(notes, `${name}${NOTE_SUFFIX}`),
      `${code}\n${message}\n` +
        `文件已从收件夹移除；${content ? '其内容保存在加密数据库中' : '未读取其内容'}（拒收记录 ${refusedId}）。` +
        `主管可用 npm run cli -- bill refused --show ${refusedId} 查看。\n`,
    );
    this.remove(path);
    this.core.log.warn('bill file refused', { file: name, code, refusedId });
    return { file: name, ok: false, code, message, refusedId };
  }

  /** Unlink (a symbolic link is removed, never what it points to). */
  private remove(path: string): void {
    try {
      unlinkSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }

  /**
   * Versions before issue 14 moved files to imported/ and rejected/ in plain text. Imported ones
   * are in the database: removed. Rejected ones are refused again (kept in the database under
   * their old code), their old notes (which could quote the content) removed.
   */
  clearOldFolders(): void {
    const imported = join(this.dir, 'imported');
    if (existsSync(imported) && lstatSync(imported).isDirectory()) {
      for (const name of readdirSync(imported)) {
        if (BILL_NAME.test(name)) this.remove(join(imported, name));
      }
      if (readdirSync(imported).length === 0) rmdirSync(imported);
    }
    const rejected = join(this.dir, 'rejected');
    if (existsSync(rejected) && lstatSync(rejected).isDirectory()) {
      for (const name of readdirSync(rejected)) {
        if (!BILL_NAME.test(name)) continue;
        const path = join(rejected, name);
        const notePath = `${path}${NOTE_SUFFIX}`;
        let code: ErrorCode = 'BILL_INVALID';
        if (existsSync(notePath)) {
          try {
            const first = readBillBytes(notePath).toString('utf8').split('\n', 1)[0] ?? '';
            if (isErrorCode(first)) code = first;
          } catch {
            // A note that is a link or too large: its code is not needed.
          }
          this.remove(notePath);
        }
        let content: Buffer | null = null;
        try {
          content = readBillBytes(path);
        } catch {
          // Kept as refused without content.
        }
        this.refuse(name, path, new AppError(code, '旧版本拒收的账单文件（原因见当时的代码）'), content);
      }
    }
  }
}
