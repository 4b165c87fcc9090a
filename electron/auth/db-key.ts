// Where the database key comes from.
// - Electron: a random key kept encrypted by the OS (safeStorage: DPAPI on Windows, the
//   keyring on Linux) in <dataDir>/db.key.safe; see resolveSafeStorageDbKey.
// - Browser mode and the CLI: CASHIER_DB_KEY, or a random key in <dataDir>/db.key created on
//   first use and readable by the owner only (0600); see resolveDbKey.
// Losing the key loses the database (docs/SECURITY.md says what then).
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { applyKey, KEY_PRAGMAS } from '../db/cipher';
import { AppError } from '../api/result';
import { readBoundedFile } from '../security/safe-files';

export const KEY_FILE = 'db.key';
export const SAFE_KEY_FILE = 'db.key.safe';
export const DB_FILE = 'cashier.db';

/** 256 random bits, hex: what the key files hold. */
export function newDbKey(): string {
  return randomBytes(32).toString('hex');
}

const HEX_KEY = /^[0-9a-f]{64}$/;
const RAW_KEY = /^x'([0-9a-f]{64})'$/;

/**
 * The key string handed to SQLCipher. Our keys are 256 random bits, so they are given raw
 * (x'…'): SQLCipher then skips its PBKDF2 passphrase stretching (256,000 rounds, ~0.5 s on every
 * open) which only helps weak passphrases. A CASHIER_DB_KEY that is not 64 hex digits is used
 * as a passphrase, as given.
 */
export function sqlcipherKey(key: string): string {
  return HEX_KEY.test(key) ? `x'${key}'` : key;
}

/** A SQLCipher key string as people and key files see it (the hex without x'…'). */
export function keyFileContent(key: string): string {
  return RAW_KEY.exec(key)?.[1] ?? key;
}

/**
 * The key for the database in `dataDir` outside Electron: CASHIER_DB_KEY when set, else the key
 * file (created with a fresh random key on first use). A database created before encryption
 * existed (plain file, no key file yet) is encrypted in place with the new key.
 */
export function resolveDbKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CASHIER_DB_KEY;
  if (fromEnv) return sqlcipherKey(fromEnv);
  const file = join(dataDir, KEY_FILE);
  if (existsSync(file)) return upgradeLegacyKey(join(dataDir, DB_FILE), readKeyFile(file));
  if (existsSync(join(dataDir, SAFE_KEY_FILE))) {
    throw new AppError(
      'DB_KEY_IN_OS_STORE',
      '此数据目录的数据库密钥由桌面程序保存在系统密钥库中。命令行/浏览器模式请先用桌面程序 --print-db-key 取得密钥，再设置环境变量 CASHIER_DB_KEY。',
    );
  }
  const dbFile = join(dataDir, DB_FILE);
  if (existsSync(dbFile) && statSync(dbFile).size > 0 && !isPlainSqliteFile(dbFile)) {
    // An encrypted database whose key is gone: making a new key would not open it, and would
    // hide the real problem.
    throw new AppError('DB_KEY_MISSING', `数据库 ${dbFile} 已加密，但找不到密钥（${file} 或 CASHIER_DB_KEY）。请按 docs/SECURITY.md「密钥丢失」处理。`);
  }
  mkdirSync(dataDir, { recursive: true });
  const key = newDbKey();
  encryptPlainDatabase(dbFile, sqlcipherKey(key));
  writeKeyFile(file, key);
  return sqlcipherKey(key);
}

/**
 * The key already in place for `dataDir` (CASHIER_DB_KEY or the key file), without creating
 * one: for restoring a backup onto a fresh machine.
 */
export function findDbKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CASHIER_DB_KEY) return sqlcipherKey(env.CASHIER_DB_KEY);
  const file = join(dataDir, KEY_FILE);
  return existsSync(file) ? sqlcipherKey(readKeyFile(file)) : undefined;
}

/** Keep `key` as the data dir's key file unless one exists (after a restore with CASHIER_DB_KEY). */
export function saveDbKeyFile(dataDir: string, key: string): boolean {
  const file = join(dataDir, KEY_FILE);
  if (existsSync(file) || existsSync(join(dataDir, SAFE_KEY_FILE))) return false;
  mkdirSync(dataDir, { recursive: true });
  writeKeyFile(file, keyFileContent(key));
  return true;
}

/** The part of Electron's safeStorage this module needs (kept narrow so tests need no Electron). */
export interface KeyVault {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/**
 * The key inside Electron: kept encrypted by the OS in db.key.safe. When the OS offers no
 * encryption (a Linux desktop without a keyring), falls back to the 0600 key file and says so
 * through `warn`, because refusing to start would stop the clinic's window.
 */
export function resolveSafeStorageDbKey(dataDir: string, vault: KeyVault, warn: (msg: string) => void = () => undefined): string {
  const safeFile = join(dataDir, SAFE_KEY_FILE);
  if (existsSync(safeFile)) {
    let stored: string;
    try {
      stored = vault.decryptString(readFileSync(safeFile));
    } catch (e) {
      throw new AppError('DB_KEY_UNREADABLE', '无法用系统密钥库解开数据库密钥（换了电脑或系统账户？）。请按 docs/SECURITY.md「密钥丢失」处理。', {
        cause: e instanceof Error ? e.message : String(e),
      });
    }
    return upgradeLegacyKey(join(dataDir, DB_FILE), stored);
  }
  if (!vault.isEncryptionAvailable()) {
    warn('OS key storage unavailable; the database key is kept in a 0600 key file instead');
    return resolveDbKey(dataDir, {});
  }
  mkdirSync(dataDir, { recursive: true });
  // A key file from browser mode / the CLI is moved into the OS store, then removed.
  const plainFile = join(dataDir, KEY_FILE);
  const key = existsSync(plainFile) ? readKeyFile(plainFile) : newDbKey();
  if (!existsSync(plainFile)) encryptPlainDatabase(join(dataDir, DB_FILE), sqlcipherKey(key));
  writeFileSync(safeFile + '.tmp', vault.encryptString(key), { mode: 0o600 });
  renameSync(safeFile + '.tmp', safeFile);
  if (existsSync(plainFile)) {
    // Overwrite before unlinking so the key does not linger in the file's old blocks (best effort).
    writeFileSync(plainFile, '0'.repeat(64) + '\n');
    unlinkSync(plainFile);
  }
  return upgradeLegacyKey(join(dataDir, DB_FILE), key);
}

function readKeyFile(file: string): string {
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    // Someone widened the permissions: narrow them again rather than refuse to start.
    chmodSync(file, 0o600);
  }
  const key = readBoundedFile(file, { maxBytes: 4096, codePrefix: 'DB_KEY_FILE', what: '数据库密钥文件', allowSymlink: true }).toString('utf8').trim();
  // Our own keys are 64 hex digits; a key carried over from CASHIER_DB_KEY may be any printable text.
  if (!/^[\x21-\x7e]{16,256}$/.test(key)) {
    throw new AppError('DB_KEY_INVALID', `数据库密钥文件 ${file} 内容无效。请从备份恢复该文件，或按 docs/SECURITY.md「密钥丢失」处理。`);
  }
  return key;
}

function writeKeyFile(file: string, key: string): void {
  // 'wx': never overwrite an existing key (two processes starting at once).
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, key + '\n');
  } finally {
    closeSync(fd);
  }
  if (process.platform !== 'win32') chmodSync(file, 0o600);
}

function openWith(file: string, key: string): Database.Database | null {
  const db = new Database(file, { fileMustExist: true });
  try {
    applyKey(db, key);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch {
    db.close();
    return null;
  }
}

/**
 * The SQLCipher key for a key file's content. Databases made by the first builds used the
 * hex as a passphrase; such a file is re-keyed once to the raw key (fast opens from then on).
 */
function upgradeLegacyKey(dbFile: string, stored: string): string {
  const key = sqlcipherKey(stored);
  if (key === stored || !existsSync(dbFile) || statSync(dbFile).size === 0 || isPlainSqliteFile(dbFile)) return key;
  const current = openWith(dbFile, key);
  if (current) {
    current.close();
    return key;
  }
  const legacy = openWith(dbFile, stored);
  if (!legacy) return key; // neither opens: let the caller report the real error on open
  try {
    legacy.pragma('journal_mode = DELETE');
    legacy.rekey(Buffer.from(key, 'utf8'));
  } finally {
    legacy.close();
  }
  return key;
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** True when the file is an unencrypted SQLite database (its header is readable). */
export function isPlainSqliteFile(file: string): boolean {
  if (!existsSync(file) || statSync(file).size < SQLITE_HEADER.length) return false;
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length);
    readSync(fd, head, 0, head.length, 0);
    return head.equals(SQLITE_HEADER);
  } finally {
    closeSync(fd);
  }
}

/** Encrypt a plain database file in place (rekey needs the rollback journal, not WAL). */
export function encryptPlainDatabase(file: string, key: string): boolean {
  if (!isPlainSqliteFile(file)) return false;
  const db = new Database(file);
  try {
    db.pragma('journal_mode = DELETE');
    for (const p of KEY_PRAGMAS) db.pragma(p);
    db.rekey(Buffer.from(key, 'utf8'));
  } finally {
    db.close();
  }
  return true;
}
