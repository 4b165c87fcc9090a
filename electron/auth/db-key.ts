// Where the database key comes from outside Electron: CASHIER_DB_KEY, or a key file in the
// data dir (created on first use, readable by the owner only). Electron keeps it with the
// OS's safeStorage instead (electron/main.ts). Filled out by the security work.
export function resolveDbKey(_dataDir: string): string | undefined {
  return process.env.CASHIER_DB_KEY || undefined;
}
