// Probes of the file doors (issue 14, "patients' data stays protected"): bill files dropped into
// the watched inbox of the real browser-mode process, and given to `bill import` of the real
// CLI — a symbolic link, a file over the limit, /dev/zero, a FIFO, refused files that carry a
// name and an ID number. After each: a clear code, the process alive, no bill stored; after
// all: no name or ID number readable anywhere in the data folder (files, notes, logs, backups)
// or in the process's output, and every file the app wrote is 0600 in 0700 folders.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDbKey } from '../../../../electron/auth/db-key';
import { openDatabase } from '../../../../electron/db/open';
import { BILL_FILE_MAX_BYTES } from '../../../../electron/settlement/bill-format';
import { runCli } from '../../../helpers/run-cli';
import { tempDir } from '../../../helpers/temp-app';
import { snapshotTables } from '../db-snapshot';
import { changedTables, sleep, startProbeTarget, type ProbeTarget } from './harness';

const posix = process.platform !== 'win32';
const header = 'bill_id,cert_type,cert_no,card_sn,patient_name,visit_type,visit_date,hospital_level,diagnoses,use_account,code,name,unit_price,quantity,own_pay';

// Identities that must never be readable on disk. Each refused file carries its own.
const PEOPLE = {
  refusedCsv: { name: '钱多多', id: '110101199003077710' },
  refusedJson: { name: '孙二娘', id: '110101198807150026' },
  linked: { name: '周大福', id: '110101197001010037' },
  big: { name: '郑成功', id: '110101196502280048' },
  good: { name: '吴学究', id: '110101199512120051' },
};

const bill = (billId: string, who: { name: string; id: string }) => ({
  billId,
  credential: { certType: '02', certNo: who.id },
  patientName: who.name,
  visit: { visitType: 'outpatient', date: '2026-03-15' },
  items: [{ code: 'X1', unitPrice: '12.50', quantity: '2' }],
});

/** Every regular file under `dir` (links are not followed), with its mode. */
function walk(dir: string, out: { path: string; mode: number; dir: boolean }[] = []): typeof out {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = lstatSync(path);
    if (st.isDirectory()) {
      out.push({ path, mode: st.mode & 0o777, dir: true });
      walk(path, out);
    } else if (st.isFile()) out.push({ path, mode: st.mode & 0o777, dir: false });
  }
  return out;
}

/** Plain-text occurrences of any identity in `bytes`: UTF-8 and GBK (what HIS exports use). */
function identitiesIn(bytes: Buffer): string[] {
  const found: string[] = [];
  for (const p of Object.values(PEOPLE)) {
    for (const plain of [p.name, p.id]) {
      if (bytes.includes(Buffer.from(plain, 'utf8')) || bytes.includes(iconv.encode(plain, 'gbk'))) found.push(plain);
    }
  }
  return found;
}

function readonlyDb(dataDir: string) {
  return openDatabase({ file: join(dataDir, 'cashier.db'), key: findDbKey(dataDir, {}), readonly: true }).db;
}

describe('bill import (CLI): files that must be refused without being read', () => {
  const dataDir = tempDir('files-cli-');
  const outside = tempDir('files-cli-src-');
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });
  const snapshot = () => {
    const db = readonlyDb(dataDir);
    try {
      return snapshotTables(db);
    } finally {
      db.close();
    }
  };

  beforeAll(() => {
    expect(runCli(['--data-dir', dataDir, 'status']).code).toBe(0);
  }, 120_000);

  const refused = (file: string, code: string) => {
    const before = snapshot();
    const started = Date.now();
    // A bounded wait: the old code read /dev/zero until it had gigabytes, and a FIFO for ever.
    const r = runCli(['--data-dir', dataDir, '--json', 'bill', 'import', file], {}, undefined, 60_000);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code } });
    expect(r.stderr).toContain(`错误 ${code}`);
    expect(changedTables(before, snapshot())).toEqual([]);
    return r;
  };

  it('a symbolic link to a good bill file', () => {
    writeFileSync(join(outside, 'real.json'), JSON.stringify(bill('L1', PEOPLE.linked)));
    symlinkSync(join(outside, 'real.json'), join(outside, 'link.json'));
    refused(join(outside, 'link.json'), 'BILL_FILE_SYMLINK');
  }, 120_000);

  it('a file over the limit (one limit for JSON and CSV)', () => {
    writeFileSync(join(outside, 'big.csv'), `${header}\n`.padEnd(BILL_FILE_MAX_BYTES + 10, '#'));
    refused(join(outside, 'big.csv'), 'BILL_FILE_TOO_LARGE');
  }, 120_000);

  it('a CSV of more bills than a JSON file may hold', () => {
    const rows = Array.from({ length: 1001 }, (_, i) => `B${i},02,${PEOPLE.good.id},,,outpatient,2026-03-15,,,1,X1,,1.00,1,`);
    writeFileSync(join(outside, 'many.csv'), `${header}\n${rows.join('\n')}\n`);
    refused(join(outside, 'many.csv'), 'BILL_TOO_MANY');
  }, 120_000);

  it.skipIf(!posix)('/dev/zero and a FIFO: refused at once, not read for ever', () => {
    refused('/dev/zero', 'BILL_FILE_NOT_REGULAR');
    execFileSync('mkfifo', [join(outside, 'pipe.json')]);
    refused(join(outside, 'pipe.json'), 'BILL_FILE_NOT_REGULAR');
  }, 180_000);

  it('a refused file: the error names the problem, never the file content', () => {
    writeFileSync(join(outside, 'shifted.csv'), `${header}\nB1,02,${PEOPLE.refusedCsv.id},,,outpatient,2026-03-15,,,${PEOPLE.refusedCsv.name},X1,,1.00,1,\n`);
    const csv = refused(join(outside, 'shifted.csv'), 'BILL_INVALID');
    writeFileSync(join(outside, 'broken.json'), `{"patientName": ${PEOPLE.refusedJson.name}, "certNo": "${PEOPLE.refusedJson.id}"}`);
    const json = refused(join(outside, 'broken.json'), 'BILL_INVALID');
    for (const r of [csv, json]) expect(identitiesIn(Buffer.from(r.stdout + r.stderr))).toEqual([]);
  }, 120_000);
});

describe('the watched inbox of the running app', () => {
  let target: ProbeTarget;
  let outside: string;

  beforeAll(async () => {
    target = await startProbeTarget();
    await target.quietSnapshot();
    outside = mkdtempSync(join(tmpdir(), 'files-inbox-src-'));
  }, 120_000);

  afterAll(async () => {
    await target?.stop();
    rmSync(outside, { recursive: true, force: true });
  });

  it('refuses links, FIFOs, oversize and invalid files, imports the good one, and leaves nothing readable behind', async () => {
    const inbox = join(target.dataDir, 'inbox');
    const drop = (name: string, content: string | Buffer) => writeFileSync(join(inbox, name), content);
    drop('refused.csv', iconv.encode(`${header}\nB1,02,${PEOPLE.refusedCsv.id},,,outpatient,2026-03-15,,,${PEOPLE.refusedCsv.name},X1,,1.00,1,\n`, 'gbk'));
    drop('broken.json', `{"patientName": ${PEOPLE.refusedJson.name}, "certNo": "${PEOPLE.refusedJson.id}"}`);
    drop('big.csv', `${header}\nB2,02,${PEOPLE.big.id},,${PEOPLE.big.name},outpatient,2026-03-15,,,1,X1,,1.00,1,\n`.padEnd(BILL_FILE_MAX_BYTES + 10, '\n'));
    drop('good.json', JSON.stringify(bill('G1', PEOPLE.good)));
    writeFileSync(join(outside, 'secret.json'), JSON.stringify(bill('L1', PEOPLE.linked)));
    symlinkSync(join(outside, 'secret.json'), join(inbox, 'linked.json'));
    if (posix) execFileSync('mkfifo', [join(inbox, 'pipe.json')]);

    // Every dropped entry is handled and removed (the old code left the FIFO for ever).
    for (let i = 0; i < 80 && readdirSync(inbox).some((n) => /\.(json|csv)$/.test(n)); i++) await sleep(250);
    expect(readdirSync(inbox).filter((n) => /\.(json|csv)$/.test(n))).toEqual([]);
    await target.expectAlive();

    const db = readonlyDb(target.dataDir);
    try {
      const refusals = db.prepare('SELECT file, code, content IS NOT NULL AS kept FROM refused_bill_files ORDER BY file').all();
      expect(refusals).toEqual([
        { file: 'big.csv', code: 'BILL_FILE_TOO_LARGE', kept: 0 },
        { file: 'broken.json', code: 'BILL_INVALID', kept: 1 },
        { file: 'linked.json', code: 'BILL_FILE_SYMLINK', kept: 0 },
        ...(posix ? [{ file: 'pipe.json', code: 'BILL_FILE_NOT_REGULAR', kept: 0 }] : []),
        { file: 'refused.csv', code: 'BILL_INVALID', kept: 1 },
      ]);
      expect(db.prepare('SELECT external_id FROM bills').all()).toEqual([{ external_id: 'G1' }]);
    } finally {
      db.close();
    }
    // The link's target was neither read into the app nor removed.
    expect(readFileSync(join(outside, 'secret.json'), 'utf8')).toBe(JSON.stringify(bill('L1', PEOPLE.linked)));

    // A backup taken now (encrypted) joins the folder that is searched.
    expect(runCli(['--data-dir', target.dataDir, 'db', 'backup']).code).toBe(0);

    // Nothing readable: every file in the data folder, and everything the process printed.
    const files = walk(target.dataDir);
    expect(files.some((f) => f.path.includes('rejected'))).toBe(true);
    expect(files.some((f) => f.path.includes('backups'))).toBe(true);
    const leaks = files.filter((f) => !f.dir).flatMap((f) => identitiesIn(readFileSync(f.path)).map((who) => `${f.path}: ${who}`));
    expect(leaks).toEqual([]);
    expect(identitiesIn(Buffer.from(target.mode.output()))).toEqual([]);
    // The note says why, names the refusal, and quotes nothing.
    expect(readFileSync(join(inbox, 'rejected', 'refused.csv.error.txt'), 'utf8')).toMatch(/^BILL_INVALID\n第 2 行 use_account 应为 1 或 0\n.*拒收记录 \d+/);
    if (posix) {
      const wide = files.filter((f) => (f.dir ? f.mode !== 0o700 : (f.mode & 0o077) !== 0)).map((f) => `${f.path} ${f.mode.toString(8)}`);
      expect(wide).toEqual([]);
    }

    // The supervisor still gets the refused file back, from the encrypted database.
    const list = runCli(['--data-dir', target.dataDir, '--json', 'bill', 'refused']);
    expect(list.code).toBe(0);
    const { refused } = JSON.parse(list.stdout) as { refused: { id: number; file: string; code: string; message: string }[] };
    expect(refused.map((r) => r.file).sort()).toEqual(['big.csv', 'broken.json', 'linked.json', ...(posix ? ['pipe.json'] : []), 'refused.csv']);
    const csvId = refused.find((r) => r.file === 'refused.csv')!.id;
    const shown = runCli(['--data-dir', target.dataDir, 'bill', 'refused', '--show', String(csvId)]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(PEOPLE.refusedCsv.name);
    expect(shown.stdout).toContain(PEOPLE.refusedCsv.id);
  }, 180_000);

  it('refuses the same way with the bills table unchanged when only bad files come', async () => {
    const before = await target.quietSnapshot();
    const inbox = join(target.dataDir, 'inbox');
    writeFileSync(join(outside, 'again.json'), `{"billId": "${PEOPLE.refusedJson.id}"`);
    symlinkSync(join(outside, 'again.json'), join(inbox, 'again.json'));
    for (let i = 0; i < 40 && readdirSync(inbox).includes('again.json'); i++) await sleep(250);
    expect(readdirSync(inbox)).not.toContain('again.json');
    await target.expectAlive();
    // Only the refusal and its audit entry were written.
    expect(changedTables(before, target.snapshot()).sort()).toEqual(['audit_log', 'refused_bill_files']);
  }, 60_000);
});
