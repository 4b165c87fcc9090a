// The watched bill folder: an HIS drops .json/.csv files; each is imported whole (then moved to
// imported/) or refused whole (moved to rejected/ with <name>.error.txt beside it). A file is
// only picked up once it has stopped changing, and a file imported just before a crash is
// recognised by its content hash on the next look instead of being imported twice.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { isAppError } from '../api/result';
import type { CoreApp } from '../app/core';
import { parseBillFile } from './bill-format';
import { decodeBillBytes, type BillStore } from './bills';

export interface InboxResult {
  file: string;
  ok: boolean;
  bills?: number;
  code?: string;
  message?: string;
}

export class BillInbox {
  private timer: NodeJS.Timeout | null = null;
  private watcher: FSWatcher | null = null;
  readonly dir: string;

  constructor(
    private readonly core: CoreApp,
    private readonly bills: BillStore,
    dir?: string,
    /** A file younger than this (ms, by its mtime) may still be being written. */
    private readonly settleMs = 500,
  ) {
    this.dir = dir || core.settings.billInboxDir || join(core.dataDir, 'inbox');
  }

  start(pollMs = 1000): void {
    mkdirSync(this.dir, { recursive: true });
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
      if (name.startsWith('.') || !/\.(json|csv)$/i.test(name)) continue;
      const path = join(this.dir, name);
      let st;
      try {
        st = statSync(path);
      } catch {
        continue;
      }
      if (!st.isFile() || nowMs - st.mtimeMs < this.settleMs) continue;
      out.push(this.handle(name, path));
    }
    return out;
  }

  private handle(name: string, path: string): InboxResult {
    const buf = readFileSync(path);
    const ref = `${name}#${createHash('sha256').update(buf).digest('hex').slice(0, 16)}`;
    const seen = this.core.db.prepare('SELECT count(*) AS n FROM bills WHERE source_ref = ?').get(ref) as { n: number };
    if (seen.n > 0) {
      this.move(path, 'imported', name);
      return { file: name, ok: true, bills: seen.n };
    }
    try {
      const bills = parseBillFile(name, decodeBillBytes(buf));
      this.bills.add(bills, 'inbox', ref);
      this.move(path, 'imported', name);
      return { file: name, ok: true, bills: bills.length };
    } catch (e) {
      const code = isAppError(e) ? e.code : 'BILL_INVALID';
      const message = e instanceof Error ? e.message : String(e);
      const moved = this.move(path, 'rejected', name);
      writeFileSync(`${moved}.error.txt`, `${code}\n${message}\n`, 'utf8');
      this.core.log.warn('bill file refused', { file: name, code, message });
      return { file: name, ok: false, code, message };
    }
  }

  private move(path: string, sub: 'imported' | 'rejected', name: string): string {
    const dir = join(this.dir, sub);
    mkdirSync(dir, { recursive: true });
    let target = join(dir, name);
    if (existsSync(target)) target = join(dir, `${Date.now()}-${name}`);
    renameSync(path, target);
    return target;
  }
}
