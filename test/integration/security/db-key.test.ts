// Where the database key comes from, on real files.
import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../electron/app/create-app';
import { silentLogger } from '../../../electron/app/log';
import { findDbKey, isPlainSqliteFile, resolveDbKey, resolveSafeStorageDbKey, type KeyVault } from '../../../electron/auth/db-key';
import { tempDir } from '../../helpers/temp-app';

/** A stand-in for Electron's safeStorage: reversible, but not the identity, and it can be "unavailable". */
function fakeVault(available = true): KeyVault & { stored: Buffer[] } {
  const stored: Buffer[] = [];
  return {
    stored,
    isEncryptionAvailable: () => available,
    encryptString: (s) => {
      const b = Buffer.from(s, 'utf8').map((x) => x ^ 0x5a);
      stored.push(Buffer.from(b));
      return Buffer.from(b);
    },
    decryptString: (b) => Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8'),
  };
}

const dirs: string[] = [];
function dir(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('resolveDbKey (browser mode, CLI)', () => {
  it('creates a random key file readable by the owner only, and reuses it', () => {
    const d = dir();
    const k1 = resolveDbKey(d, {});
    // A raw 256-bit key for SQLCipher (no passphrase stretching); the file holds its hex.
    expect(k1).toMatch(/^x'[0-9a-f]{64}'$/);
    const file = join(d, 'db.key');
    expect(`x'${readFileSync(file, 'utf8').trim()}'`).toBe(k1);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(resolveDbKey(d, {})).toBe(k1);
    expect(resolveDbKey(dir(), {})).not.toBe(k1);
  });

  it('takes CASHIER_DB_KEY first and then writes no file', () => {
    const d = dir();
    expect(resolveDbKey(d, { CASHIER_DB_KEY: 'from-the-environment-0123' })).toBe('from-the-environment-0123');
    // The hex printed by --print-db-key (or a db.key's content) is used raw, like the file's.
    expect(resolveDbKey(d, { CASHIER_DB_KEY: 'ab'.repeat(32) })).toBe(`x'${'ab'.repeat(32)}'`);
    expect(existsSync(join(d, 'db.key'))).toBe(false);
  });

  it('narrows a key file whose permissions were widened', () => {
    if (process.platform === 'win32') return;
    const d = dir();
    resolveDbKey(d, {});
    const file = join(d, 'db.key');
    chmodSync(file, 0o644);
    resolveDbKey(d, {});
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('encrypts a database made before encryption, keeping its data', async () => {
    const d = dir();
    const plain = await createApp({ dataDir: d, runtime: 'test', env: {}, log: silentLogger });
    plain.audit.append({ action: 'before.encryption', subject: '110101195803074527' });
    await plain.close();
    expect(isPlainSqliteFile(join(d, 'cashier.db'))).toBe(true);
    const key = resolveDbKey(d, {});
    expect(isPlainSqliteFile(join(d, 'cashier.db'))).toBe(false);
    expect(readFileSync(join(d, 'cashier.db')).includes(Buffer.from('110101195803074527'))).toBe(false);
    const app = await createApp({ dataDir: d, runtime: 'test', env: {}, log: silentLogger, dbKey: key });
    expect(app.db.prepare("SELECT subject FROM audit_log WHERE action = 'before.encryption'").get()).toEqual({ subject: '110101195803074527' });
    expect(app.audit.verify().ok).toBe(true);
    await app.close();
  });

  it('refuses to invent a new key for an encrypted database whose key is gone', async () => {
    const d = dir();
    const key = resolveDbKey(d, {});
    const app = await createApp({ dataDir: d, runtime: 'test', env: {}, log: silentLogger, dbKey: key });
    await app.close();
    rmSync(join(d, 'db.key'));
    expect(() => resolveDbKey(d, {})).toThrow(expect.objectContaining({ code: 'DB_KEY_MISSING' }));
    expect(existsSync(join(d, 'db.key'))).toBe(false);
    expect(findDbKey(d, {})).toBeUndefined();
  });

  it('re-keys a database of the first builds (hex used as a passphrase) to the raw key, keeping its data', async () => {
    const d = dir();
    const hex = 'c3'.repeat(32);
    const old = await createApp({ dataDir: d, runtime: 'test', env: {}, log: silentLogger, dbKey: hex });
    old.audit.append({ action: 'legacy.entry' });
    await old.close();
    writeFileSync(join(d, 'db.key'), hex + '\n', { mode: 0o600 });
    const key = resolveDbKey(d, {});
    expect(key).toBe(`x'${hex}'`);
    const app = await createApp({ dataDir: d, runtime: 'test', env: {}, log: silentLogger, dbKey: key });
    expect(app.db.prepare("SELECT count(*) n FROM audit_log WHERE action = 'legacy.entry'").get()).toEqual({ n: 1 });
    await app.close();
    await expect(createApp({ dataDir: d, runtime: 'test', env: {}, log: silentLogger, dbKey: hex })).rejects.toThrow(/not a database/);
  });

  it('rejects a damaged key file with a clear code', () => {
    const d = dir();
    writeFileSync(join(d, 'db.key'), 'short\n', { mode: 0o600 });
    expect(() => resolveDbKey(d, {})).toThrow(expect.objectContaining({ code: 'DB_KEY_INVALID' }));
  });
});

describe('resolveSafeStorageDbKey (Electron)', () => {
  it('keeps the key only encrypted by the OS vault and returns the same key next start', () => {
    const d = dir();
    const vault = fakeVault();
    const k = resolveSafeStorageDbKey(d, vault);
    expect(k).toMatch(/^x'[0-9a-f]{64}'$/);
    const safe = readFileSync(join(d, 'db.key.safe'));
    expect(safe.includes(Buffer.from(k))).toBe(false);
    expect(existsSync(join(d, 'db.key'))).toBe(false);
    expect(resolveSafeStorageDbKey(d, vault)).toBe(k);
  });

  it('moves a browser-mode key file into the vault and removes the plain file', () => {
    const d = dir();
    const k = resolveDbKey(d, {});
    expect(resolveSafeStorageDbKey(d, fakeVault())).toBe(k);
    expect(existsSync(join(d, 'db.key'))).toBe(false);
    // The CLI then explains where the key is instead of making a new one.
    expect(() => resolveDbKey(d, {})).toThrow(expect.objectContaining({ code: 'DB_KEY_IN_OS_STORE' }));
  });

  it('falls back to the 0600 key file, with a warning, when the OS has no vault', () => {
    const d = dir();
    const warnings: string[] = [];
    const k = resolveSafeStorageDbKey(d, fakeVault(false), (m) => warnings.push(m));
    expect(`x'${readFileSync(join(d, 'db.key'), 'utf8').trim()}'`).toBe(k);
    expect(warnings.join()).toMatch(/key file/);
  });

  it('says the key is unreadable when the vault cannot decrypt it (another PC or user)', () => {
    const d = dir();
    resolveSafeStorageDbKey(d, fakeVault());
    const broken: KeyVault = { ...fakeVault(), decryptString: () => { throw new Error('decrypt failed'); } };
    expect(() => resolveSafeStorageDbKey(d, broken)).toThrow(expect.objectContaining({ code: 'DB_KEY_UNREADABLE' }));
  });
});
