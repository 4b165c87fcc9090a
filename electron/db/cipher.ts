// How every connection to the app's database is keyed: the main connection (open.ts), checks
// and restores (backup.ts) and the background checkpointer's worker (checkpointer.ts, which
// cannot import this module and receives KEY_PRAGMAS as data instead).

/**
 * The cipher is chosen explicitly (sqleet/SQLCipher key pragma, SQLCipher 4 layout) so files
 * are portable to SQLCipher tools for recovery. Run before the key is given.
 */
export const KEY_PRAGMAS: readonly string[] = [`cipher = 'sqlcipher'`, 'legacy = 4'];

/** What keying needs from a connection; better-sqlite3's Database has both. */
interface Keyable {
  pragma(source: string): unknown;
  key(key: Buffer): unknown;
}

export function applyKey(db: Keyable, key: string): void {
  for (const p of KEY_PRAGMAS) db.pragma(p);
  db.key(Buffer.from(key, 'utf8'));
}
