// What the tests that run the real CLI on a data folder share (cli-settlement.test.ts,
// settlement/two-processes.test.ts): a HIS bill file for `settle --bill` / `bill import`
// (format bill/1: one person's outpatient visit), and the folder's encrypted database opened as
// the CLI processes left it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveDbKey } from '../../electron/auth/db-key';
import { openDatabase, type Db } from '../../electron/db/open';

export interface BillFile {
  billId: string;
  certNo: string;
  /** The visit's day (YYYY-MM-DD). */
  date: string;
  items: Array<Record<string, unknown>>;
  /** Top-level fields laid over the bill (`{ billId: undefined }` leaves the number out). */
  extra?: object;
}

/** Writes the bill to `file` and returns its path. */
export function writeBillFile(file: string, b: BillFile): string {
  writeFileSync(
    file,
    JSON.stringify({
      format: 'bill/1',
      billId: b.billId,
      credential: { certType: '02', certNo: b.certNo },
      visit: { visitType: 'outpatient', date: b.date, diagnoses: ['J06.900'] },
      items: b.items,
      ...b.extra,
    }),
  );
  return file;
}

/** `fn` on the data folder's database (no CLI process holds it any more), closed after. */
export function withDataDb<T>(dataDir: string, fn: (db: Db) => T): T {
  const { db } = openDatabase({ file: join(dataDir, 'cashier.db'), key: resolveDbKey(dataDir) });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
