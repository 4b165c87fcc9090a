// Reading and writing files that may hold patients' data, safely (issue 14).
// Reading: never through a symbolic link (unless the caller allows it: a CA file under /etc/ssl
// often is one), never anything but a regular file (a FIFO blocks forever, /dev/zero never
// ends), never more than a stated number of bytes (checked before and while reading, so a file
// that grows while read is refused too). Writing: mode 0600 in folders made 0700, never
// through a symbolic link, so an export or a note is readable by the OS user who runs the
// cashier only.
import { closeSync, constants, fchmodSync, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import type { ErrorCode } from '../api/error-codes';
import { AppError } from '../api/result';

type PrefixOf<Suffix extends string> = ErrorCode extends infer C ? (C extends `${infer P}_${Suffix}` ? P : never) : never;
/** A prefix whose four codes (`_SYMLINK`, `_NOT_REGULAR`, `_TOO_LARGE`, `_UNREADABLE`) are all on the list. */
export type FileCodePrefix = PrefixOf<'SYMLINK'> & PrefixOf<'NOT_REGULAR'> & PrefixOf<'TOO_LARGE'> & PrefixOf<'UNREADABLE'>;

export interface BoundedReadOptions {
  /** Refuse the file past this many bytes. */
  maxBytes: number;
  /** Code prefix: `${prefix}_SYMLINK`, `_NOT_REGULAR`, `_TOO_LARGE`, `_UNREADABLE` (all four on the list). */
  codePrefix: FileCodePrefix;
  /** What the file is, in the error's words (账单文件, CA 证书文件 ...). */
  what: string;
  /** Follow a symbolic link (a file the administrator configured, not one dropped by others). */
  allowSymlink?: boolean;
}

// Not on Windows: there, lstat below is the only symlink check.
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

function kindOf(st: { isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean; isDirectory(): boolean }): string {
  if (st.isDirectory()) return '文件夹';
  if (st.isFIFO()) return '命名管道';
  if (st.isCharacterDevice() || st.isBlockDevice()) return '设备';
  if (st.isSocket()) return '套接字';
  return '特殊文件';
}

export function megabytes(n: number): string {
  return `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`;
}

/** The whole file, or an AppError that names what is wrong (never the file's content). */
export function readBoundedFile(path: string, opts: BoundedReadOptions): Buffer {
  const { codePrefix: p, what, maxBytes } = opts;
  const unreadable = (e: unknown) =>
    new AppError(`${p}_UNREADABLE`, `无法读取${what} ${path}：${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { path });
  const symlink = () => new AppError(`${p}_SYMLINK`, `${what} ${path} 是符号链接，拒绝读取；请放入文件本身`, { path });
  if (!opts.allowSymlink) {
    try {
      if (lstatSync(path).isSymbolicLink()) throw symlink();
    } catch (e) {
      if (e instanceof AppError) throw e;
      throw unreadable(e);
    }
  }
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; the fstat below refuses it.
    fd = openSync(path, constants.O_RDONLY | O_NONBLOCK | (opts.allowSymlink ? 0 : O_NOFOLLOW));
  } catch (e) {
    // ELOOP: the path became a symbolic link after the lstat.
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw symlink();
    throw unreadable(e);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      throw new AppError(`${p}_NOT_REGULAR`, `${path} 是${kindOf(st)}，不是普通文件，拒绝读取`, { path });
    }
    const tooLarge = () =>
      new AppError(`${p}_TOO_LARGE`, `${what} ${path} 超过 ${megabytes(maxBytes)}，拒绝读取`, { path, maxBytes });
    if (st.size > maxBytes) throw tooLarge();
    // One byte more than allowed tells a file that grew past the limit from one that fits.
    let buf = Buffer.alloc(Math.min(maxBytes + 1, Math.max(st.size + 1, 64 * 1024)));
    let got = 0;
    for (;;) {
      if (got === buf.length) {
        if (buf.length > maxBytes) throw tooLarge();
        const bigger = Buffer.alloc(Math.min(maxBytes + 1, buf.length * 2));
        buf.copy(bigger, 0, 0, got);
        buf = bigger;
      }
      const n = readSync(fd, buf, got, buf.length - got, null);
      if (n === 0) return buf.subarray(0, got);
      got += n;
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw unreadable(e);
  } finally {
    closeSync(fd);
  }
}

/** A folder for the app's own files: created 0700 (with any missing parents). */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Write a whole file readable by this OS user only (0600, also when it existed with a wider
 * mode), never through a symbolic link; fsynced.
 */
export function writePrivateFile(path: string, data: string | Uint8Array): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | O_NOFOLLOW, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new AppError('FILE_SYMLINK', `${path} 是符号链接，拒绝写入`, { path });
    }
    throw e;
  }
  try {
    if (process.platform !== 'win32') fchmodSync(fd, 0o600);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
