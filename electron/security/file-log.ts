// A log file that rotates by size and never holds an identity in full (the masking is
// electron/app/log.ts's formatLogLine). cashier.log grows to maxBytes, then becomes
// cashier.1.log (older ones shift to .2, .3 ...) and the oldest beyond `keep` is deleted, so
// the logs of a PC that runs for years stay bounded.
import { closeSync, constants, existsSync, fchmodSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../app/clock';
import { systemClock } from '../app/clock';
import { formatLogLine, type Logger } from '../app/log';

export interface FileLogOptions {
  dir: string;
  /** Base name without extension; default 'cashier'. */
  name?: string;
  /** Rotate when the current file would exceed this many bytes; default 5 MB. */
  maxBytes?: number;
  /** Rotated files kept besides the current one; default 5. */
  keep?: number;
  clock?: Clock;
  /** Also echo to stderr (development). */
  echo?: boolean;
}

/** Append one line: 0600 from creation, never through a symbolic link put in the file's place. */
function appendPrivately(file: string, line: string, maybeNew: boolean): void {
  const fd = openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0), 0o600);
  try {
    if (maybeNew && process.platform !== 'win32') fchmodSync(fd, 0o600);
    writeSync(fd, line);
  } finally {
    closeSync(fd);
  }
}

export function createRotatingFileLogger(opts: FileLogOptions): Logger & { file: string } {
  const name = opts.name ?? 'cashier';
  const maxBytes = opts.maxBytes ?? 5 * 1024 * 1024;
  const keep = Math.max(1, opts.keep ?? 5);
  const clock = opts.clock ?? systemClock;
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const file = join(opts.dir, `${name}.log`);
  const rotated = (n: number) => join(opts.dir, `${name}.${n}.log`);
  let size = existsSync(file) ? statSync(file).size : 0;

  const rotate = () => {
    rmSync(rotated(keep), { force: true });
    for (let n = keep - 1; n >= 1; n--) if (existsSync(rotated(n))) renameSync(rotated(n), rotated(n + 1));
    if (existsSync(file)) renameSync(file, rotated(1));
    size = 0;
  };

  const write = (level: string, msg: string, ctx?: Record<string, unknown>) => {
    const line = formatLogLine(clock.now(), level, msg, ctx) + '\n';
    const bytes = Buffer.byteLength(line);
    try {
      if (size > 0 && size + bytes > maxBytes) rotate();
      appendPrivately(file, line, size === 0);
      size += bytes;
    } catch {
      // A full or unplugged disk must not stop the cashier's window; stderr still gets it.
      process.stderr.write(line);
      return;
    }
    if (opts.echo) process.stderr.write(line);
  };
  return {
    file,
    info: (m, c) => write('INFO', m, c),
    warn: (m, c) => write('WARN', m, c),
    error: (m, c) => write('ERROR', m, c),
  };
}
