// Reading files that others drop, and writing files that hold patients' data (issue 14).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../electron/api/result';
import { ensurePrivateDir, readBoundedFile, writePrivateFile } from '../../../electron/security/safe-files';
import { tempDir } from '../../helpers/temp-app';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const fresh = () => {
  const d = tempDir('safe-files-');
  dirs.push(d);
  return d;
};
const opts = { maxBytes: 1000, codePrefix: 'BILL_FILE' as const, what: '账单文件' };
const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
  return 'no error';
};
const posix = process.platform !== 'win32';

describe('readBoundedFile', () => {
  it('reads a regular file up to the limit, and refuses one byte more', () => {
    const d = fresh();
    writeFileSync(join(d, 'ok'), 'x'.repeat(1000));
    expect(readBoundedFile(join(d, 'ok'), opts).length).toBe(1000);
    writeFileSync(join(d, 'big'), 'x'.repeat(1001));
    expect(codeOf(() => readBoundedFile(join(d, 'big'), opts))).toBe('BILL_FILE_TOO_LARGE');
    expect(readBoundedFile(join(d, 'ok'), { ...opts, maxBytes: 10 * 1024 * 1024 }).toString()).toBe('x'.repeat(1000));
  });

  it('refuses a symbolic link (to a file that would be fine) unless told to follow it', () => {
    const d = fresh();
    writeFileSync(join(d, 'real'), 'content');
    symlinkSync(join(d, 'real'), join(d, 'link'));
    expect(codeOf(() => readBoundedFile(join(d, 'link'), opts))).toBe('BILL_FILE_SYMLINK');
    expect(readBoundedFile(join(d, 'link'), { ...opts, allowSymlink: true }).toString()).toBe('content');
  });

  it.skipIf(!posix)('refuses /dev/zero and a FIFO at once instead of reading forever or waiting for a writer', () => {
    const d = fresh();
    execFileSync('mkfifo', [join(d, 'pipe')]);
    const started = Date.now();
    expect(codeOf(() => readBoundedFile('/dev/zero', opts))).toBe('BILL_FILE_NOT_REGULAR');
    expect(codeOf(() => readBoundedFile(join(d, 'pipe'), opts))).toBe('BILL_FILE_NOT_REGULAR');
    expect(codeOf(() => readBoundedFile(d, opts))).toBe('BILL_FILE_NOT_REGULAR');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('answers a missing file with the unreadable code, naming the path only', () => {
    const d = fresh();
    let err: AppError | null = null;
    try {
      readBoundedFile(join(d, 'missing.json'), opts);
    } catch (e) {
      err = e as AppError;
    }
    expect(err?.code).toBe('BILL_FILE_UNREADABLE');
    expect(err?.message).toContain('missing.json');
  });
});

describe.skipIf(!posix)('writePrivateFile', () => {
  it('writes 0600 in a 0700 folder, narrows an existing wider file, and refuses a symbolic link', () => {
    const d = fresh();
    const sub = join(d, 'a', 'b');
    ensurePrivateDir(sub);
    expect(statSync(sub).mode & 0o777).toBe(0o700);
    expect(statSync(join(d, 'a')).mode & 0o777).toBe(0o700);
    writePrivateFile(join(sub, 'report.csv'), '张三,110101199003077777\n');
    expect(statSync(join(sub, 'report.csv')).mode & 0o777).toBe(0o600);
    writeFileSync(join(d, 'wide.txt'), 'old', { mode: 0o644 });
    writePrivateFile(join(d, 'wide.txt'), 'new');
    expect(statSync(join(d, 'wide.txt')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(d, 'wide.txt'), 'utf8')).toBe('new');
    // A link planted where an export goes must not redirect the data elsewhere.
    mkdirSync(join(d, 'elsewhere'));
    symlinkSync(join(d, 'elsewhere', 'stolen.csv'), join(d, 'export.csv'));
    expect(codeOf(() => writePrivateFile(join(d, 'export.csv'), 'secret'))).toBe('FILE_SYMLINK');
    expect(existsSync(join(d, 'elsewhere', 'stolen.csv'))).toBe(false);
  });
});
