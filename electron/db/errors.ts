// SQLite failures as the codes the rest of the program reports. Whatever the path — an API
// call, a CLI verb, the HIS endpoint — a busy, damaged or full database is answered with a code
// and words, never an INTERNAL or a crash (a stack on stderr with nothing on stdout).
import { AppError } from '../api/result';

/** The SQLite result code of a better-sqlite3 error (`SQLITE_BUSY_SNAPSHOT`...), or null. */
function sqliteCode(e: unknown): string | null {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

/** An AppError for a database failure, or null when `e` is not one. */
export function databaseError(e: unknown): AppError | null {
  const code = sqliteCode(e);
  if (!code) return null;
  const cause = e instanceof Error ? e.message : String(e);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new AppError('DB_BUSY', '数据库正被另一个程序占用（收费程序或另一个命令正在写入），等待超时，操作未完成。请稍后重试。', { sqlite: code });
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new AppError('DB_CORRUPT', `数据库文件已损坏，操作未完成：${cause}。请运行 db check，并按 docs/SECURITY.md 从备份恢复（db restore）。`, { sqlite: code });
  }
  if (code.startsWith('SQLITE_FULL')) {
    return new AppError('DISK_FULL', '磁盘已满，操作未完成。请清理磁盘空间后重试。', { sqlite: code });
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM')) {
    return new AppError('DB_IO_ERROR', `数据库读写失败，操作未完成：${cause}。请检查数据目录所在磁盘与权限。`, { sqlite: code });
  }
  return null;
}
