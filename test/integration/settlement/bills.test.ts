// Bills in: file import, the watched inbox folder and the HIS endpoint, on a real app and a
// real SQLite file. A bad file changes nothing and is moved aside with its error.
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../electron/api/result';
import { HisEndpoint } from '../../../electron/settlement/his-endpoint';
import { BillInbox } from '../../../electron/settlement/inbox';
import { startTempApp, type TempApp } from '../../helpers/temp-app';
import { rowCount } from '../../helpers/db-rows';
import { values } from '../../../electron/db/sql';
import { z } from 'zod';

const bill = (id: string, certNo = 'A1') => ({
  billId: id,
  credential: { certType: '03', certNo },
  visit: { visitType: 'outpatient', date: '2026-03-15' },
  items: [{ code: 'X1', unitPrice: '12.50', quantity: '2' }],
});
const header = 'bill_id,cert_type,cert_no,card_sn,patient_name,visit_type,visit_date,hospital_level,diagnoses,use_account,code,name,unit_price,quantity,own_pay';

let t: TempApp;
beforeEach(async () => {
  t = await startTempApp();
});
afterEach(async () => {
  await t.close();
});

const count = () => rowCount(t.app.db, 'bills');

describe('bill import', () => {
  it('imports a whole file, lists it as pending, and refuses a second import of the same bill number', async () => {
    const f = join(t.dir, 'b.json');
    writeFileSync(f, JSON.stringify([bill('H1'), bill('H2', 'B2')]));
    const got = t.app.settlement.bills.importFile(f);
    expect(got.map((b) => b.billId)).toEqual(['H1', 'H2']);
    const s = await t.login();
    const r = await t.call(s, 'settlement.pendingBills', { certNo: 'B2' });
    expect(r.ok && r.value.map((b) => b.billId)).toEqual(['H2']);
    // A file holding H3 and the already imported H1 is refused whole: H3 is not stored either.
    writeFileSync(f, JSON.stringify([bill('H3'), bill('H1')]));
    expect(() => t.app.settlement.bills.importFile(f)).toThrow(AppError);
    expect(count()).toBe(2);
    expect(t.app.audit.verify().ok).toBe(true);
  });

  it('decodes a GBK CSV export from an HIS', () => {
    const f = join(t.dir, 'his.csv');
    writeFileSync(f, iconv.encode(`${header}\nB9,03,A1,,王五,outpatient,2026-03-15,1,,1,X1,阿莫西林,12.50,2,0\n`, 'gbk'));
    const [b] = t.app.settlement.bills.importFile(f);
    expect(b).toMatchObject({ billId: 'B9', patientName: '王五', items: [{ name: '阿莫西林' }] });
  });
});

describe('watched inbox folder', () => {
  it('imports good files, refuses bad ones whole, and removes both from the folder (the refused bytes kept in the database)', () => {
    const dir = join(t.dir, 'inbox');
    mkdirSync(dir);
    const inbox = new BillInbox(t.app, t.app.settlement.bills, dir, 0);
    writeFileSync(join(dir, 'good.json'), JSON.stringify(bill('G1')));
    const badCsv = `${header}\nB1,03,A1,,,outpatient,2026-03-15,,,1,X1,,1,1,\nB2,03,A1,,,outpatient,2026-03-15,,,1,X1,,abc,1,\n`;
    writeFileSync(join(dir, 'bad.csv'), badCsv);
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    const results = inbox.scan(Date.now() + 10_000);
    expect(results).toEqual([
      { file: 'bad.csv', ok: false, code: 'BILL_INVALID', message: expect.stringContaining('账单 B2'), refusedId: expect.any(Number) },
      { file: 'good.json', ok: true, bills: 1 },
    ]);
    // The bad file's first bill (B1 was valid) was not half-imported.
    expect(t.app.settlement.bills.pending().map((b) => b.billId)).toEqual(['G1']);
    // Neither file stays in the folder; no imported/ copy; the refusal's note has no content.
    expect(existsSync(join(dir, 'good.json'))).toBe(false);
    expect(existsSync(join(dir, 'bad.csv'))).toBe(false);
    expect(existsSync(join(dir, 'imported'))).toBe(false);
    expect(readFileSync(join(dir, 'rejected', 'bad.csv.error.txt'), 'utf8')).toMatch(/^BILL_INVALID\n.*unitPrice.*\n.*拒收记录 1/);
    expect(existsSync(join(dir, 'rejected', 'bad.csv'))).toBe(false);
    const kept = inbox.refused.content(results[0]!.refusedId!);
    expect(kept?.content?.toString('utf8')).toBe(badCsv);
    expect(existsSync(join(dir, 'notes.txt'))).toBe(true);
  });

  it('recognises a file imported just before a crash (same content) instead of importing it again', () => {
    const dir = join(t.dir, 'inbox2');
    mkdirSync(dir);
    const inbox = new BillInbox(t.app, t.app.settlement.bills, dir, 0);
    const body = JSON.stringify(bill('C1'));
    writeFileSync(join(dir, 'c.json'), body);
    inbox.scan(Date.now() + 10_000);
    // As if the process died after the commit but before the removal: the file is back.
    writeFileSync(join(dir, 'c.json'), body);
    expect(inbox.scan(Date.now() + 10_000)).toEqual([{ file: 'c.json', ok: true, bills: 1 }]);
    expect(count()).toBe(1);
  });

  it('clears the imported/ and rejected/ folders an older version left in plain text', () => {
    const dir = join(t.dir, 'inbox4');
    mkdirSync(join(dir, 'imported'), { recursive: true });
    mkdirSync(join(dir, 'rejected'));
    writeFileSync(join(dir, 'imported', 'old.json'), JSON.stringify({ ...bill('O1'), patientName: '钱多多' }));
    writeFileSync(join(dir, 'rejected', 'bad.json'), '{"patientName": 钱多多}');
    writeFileSync(join(dir, 'rejected', 'bad.json.error.txt'), 'BILL_INVALID\n账单文件不是有效的 JSON：Unexpected token \'钱\', "{"patientName": 钱多多}"\n');
    const inbox = new BillInbox(t.app, t.app.settlement.bills, dir, 0);
    inbox.clearOldFolders();
    expect(existsSync(join(dir, 'imported'))).toBe(false);
    expect(existsSync(join(dir, 'rejected', 'bad.json'))).toBe(false);
    // The old note quoted the content; the new one does not, and the bytes are in the database.
    const note = readFileSync(join(dir, 'rejected', 'bad.json.error.txt'), 'utf8');
    expect(note).toMatch(/^BILL_INVALID\n/);
    expect(note).not.toContain('钱多多');
    const [kept] = inbox.refused.list();
    expect(kept).toMatchObject({ file: 'bad.json', code: 'BILL_INVALID' });
    expect(inbox.refused.content(kept!.id)?.content?.toString('utf8')).toBe('{"patientName": 钱多多}');
  });

  it('leaves a file that is still being written', () => {
    const dir = join(t.dir, 'inbox3');
    mkdirSync(dir);
    const inbox = new BillInbox(t.app, t.app.settlement.bills, dir, 60_000);
    writeFileSync(join(dir, 'w.json'), '{"billId": "W1", ');
    expect(inbox.scan()).toEqual([]);
    const old = (Date.now() - 120_000) / 1000;
    utimesSync(join(dir, 'w.json'), old, old);
    expect(inbox.scan()).toMatchObject([{ file: 'w.json', ok: false }]);
  });
});

describe('HIS endpoint', () => {
  let his: HisEndpoint;
  afterEach(async () => {
    await his?.close();
  });

  it('takes a bill with the token, refuses without it, and answers bad bills with the error', async () => {
    his = new HisEndpoint(t.app, t.app.settlement.bills);
    const url = `${await his.start()}/bills`;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/bills$/);
    expect(JSON.parse(readFileSync(join(t.dir, 'his-endpoint.json'), 'utf8'))).toEqual({ url });
    const post = (body: string, token = his.token) =>
      fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });

    const noToken = await post(JSON.stringify(bill('P1')), 'wrong');
    expect(noToken.status).toBe(401);
    const ok = await post(JSON.stringify(bill('P1')));
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ billIds: ['P1'] });
    const bad = await post(JSON.stringify({ ...bill('P2'), items: [{ code: 'X', unitPrice: 1, quantity: '1' }] }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'BILL_INVALID', message: expect.stringContaining('unitPrice') });
    expect(t.app.settlement.bills.pending().map((b) => [b.billId, b.source])).toEqual([['P1', 'http']]);
    // The token persists per data dir.
    expect(readFileSync(join(t.dir, 'his-token'), 'utf8').trim()).toBe(his.token);
  });

  it('a bill without a number posted again while the first is pending is the same bill, not a second one', async () => {
    his = new HisEndpoint(t.app, t.app.settlement.bills);
    const url = `${await his.start()}/bills`;
    const post = async (body: object) =>
      (await (await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${his.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { ids: string[] };
    const { billId: _none, ...unnumbered } = bill('unused', 'TWIN-1');
    const first = await post(unnumbered);
    // The HIS timed out and posts again; keys in another order change nothing.
    const again = await post({ items: unnumbered.items, visit: unnumbered.visit, credential: unnumbered.credential });
    expect(again.ids).toEqual(first.ids);
    expect(t.app.settlement.bills.pending('TWIN-1')).toHaveLength(1);
    // A different bill for the same person is a bill of its own.
    const other = await post({ ...unnumbered, items: [{ code: 'X1', unitPrice: '12.50', quantity: '3' }] });
    expect(other.ids).not.toEqual(first.ids);
    expect(t.app.settlement.bills.pending('TWIN-1')).toHaveLength(2);
    // Once the first is settled (or discarded) the same content again is a new charge.
    t.app.db.prepare("UPDATE bills SET state = 'settled' WHERE id = ?").run(first.ids[0]);
    const later = await post(unnumbered);
    expect(later.ids).not.toEqual(first.ids);
    expect(t.app.settlement.bills.pending('TWIN-1')).toHaveLength(2);
    // Two identical unnumbered bills in one file count once.
    const f = join(t.dir, 'twice-in-one.json');
    const twin = { ...unnumbered, credential: { certType: '03', certNo: 'TWIN-2' } };
    writeFileSync(f, JSON.stringify([twin, twin]));
    const got = t.app.settlement.bills.importFile(f);
    expect(got.map((b) => b.id)).toEqual([got[0]!.id, got[0]!.id]);
    expect(t.app.settlement.bills.pending('TWIN-2')).toHaveLength(1);
    const audit = values(t.app.db, "SELECT detail FROM audit_log WHERE action = 'bill.import' ORDER BY rowid", {}, z.string());
    expect(audit.map((d) => (JSON.parse(d) as { twinsOfPending: number }).twinsOfPending)).toEqual([0, 1, 0, 0, 1]);
  });
});
