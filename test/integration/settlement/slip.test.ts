// The standard settlement slip (医保结算单, issue 17) on a real app, a real SQLite file and the
// real sandbox center: the A4 PDF read back with pdftotext, the receipt printer's ESC/POS bytes
// decoded, for one settlement and for the patient's day (a refunded settlement left out), and the
// `slip` verb from a real CLI process. Expected figures come from the settlements as stored.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../electron/app/create-app';
import { resolveDbKey } from '../../../electron/auth/db-key';
import { centerFigures, type SettleInput, type SettlementView } from '../../../electron/api/contract/settlement';
import { fenToYuan } from '../../../electron/api/money';
import { newSession, type Session } from '../../../electron/api/session';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import { decodeEscPos, opsToLines } from '../../../native/escpos/decoder';
import { displayWidth } from '../../../native/escpos/text-width';
import { callApp, callOk } from '../../helpers/app-call';
import { fenColumn, many, value } from '../../../electron/db/sql';
import { z } from 'zod';
import { runCli } from '../../helpers/run-cli';
import { tempDir } from '../../helpers/temp-app';
import { INSTITUTION, prepareClient, SETTLEABLE, startCenter } from './fixtures';

const AMOX = 'XJ01CAA040A001010101445'; // drug
const CEF = 'XJ01DCC040A001010101234'; // drug
const VISIT = '001102000010000'; // service
const zhang = SETTLEABLE.find((p) => p.psn_name === '张伟')!;
const supervisor = { supervisorId: '2001', supervisorPin: '246810' };

let root: string;
let dir: string;
let center: SandboxCenter;
let app: App;
let cashier: Session;
let one: SettlementView;
let two: SettlementView;
let refunded: SettlementView;

const flags = () => ({ centerUrl: center.url, institutionCode: INSTITUTION.code, institutionSecret: INSTITUTION.secret, institutionName: '测试社区卫生服务站' });
const bill = (items: SettleInput['items']): SettleInput => ({ person: { certType: '02', certNo: zhang.certno }, visit: { visitType: 'outpatient' }, items, useAccount: true });
const pdfText = (bytes: Buffer): string => {
  const file = join(root, `slip-${Date.now()}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
};
/** Each stored line's 先行自付 and 全自费 (fen), as the journal wrote them. */
const lineMoney = (id: string) =>
  many(
    app.db,
    'SELECT line_no, name, amount, pre_self_pay, full_own_pay FROM settlement_lines WHERE settlement_id = :id ORDER BY line_no',
    { id },
    z.object({ line_no: z.number().int(), name: z.string(), amount: fenColumn, pre_self_pay: fenColumn, full_own_pay: fenColumn }),
  );
const dayOf = (v: SettlementView) => new Date(Date.parse(v.createdAt) + 8 * 3600_000).toISOString().slice(0, 10);
/** The slip's payment line, e.g. "统筹基金支付 ... 12.34", as pdftotext lays it out. */
const paymentLine = (label: string, fen: number) => new RegExp(`${label}\\S*\\s+${fenToYuan(fen).replace('.', '\\.')}(\\s|$)`, 'm');

beforeAll(async () => {
  root = tempDir('slip-');
  dir = join(root, 'client');
  center = await startCenter(join(root, 'center'));
  app = await createApp({ dataDir: dir, runtime: 'cli', env: {}, dbKey: resolveDbKey(dir), flags: flags() });
  await prepareClient(app);
  cashier = newSession('test');
  expect((await callApp(app, cashier, 'auth.login', { operatorId: '1001', pin: '1234' })).ok).toBe(true);
  one = await callOk(app, cashier, 'settlement.settle', bill([{ code: VISIT, unitPrice: '10.00', quantity: '1' }, { code: AMOX, unitPrice: '12.50', quantity: '2' }]));
  two = await callOk(app, cashier, 'settlement.settle', bill([{ code: CEF, unitPrice: '28.00', quantity: '1.5' }]));
  refunded = await callOk(app, cashier, 'settlement.settle', bill([{ code: AMOX, unitPrice: '12.50', quantity: '3' }]));
  await callOk(app, cashier, 'settlement.refund', { id: refunded.id, ...supervisor, reason: '患者退药' });
  await app.settlement.drain({ untilEmpty: true, timeoutMs: 10_000 });
  one = await callOk(app, cashier, 'settlement.get', { id: one.id });
  two = await callOk(app, cashier, 'settlement.get', { id: two.id });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await center?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the A4 PDF', () => {
  const first = () => one;
  it('one settlement: header, each line with category, class, unit price, quantity, amount, 先行自付 and 全自费; categories; payments as the center agreed', async () => {
    // 乙类 头孢呋辛酯 (self-pay ratio 0.1): a line with 先行自付, so the column is not all zeros.
    expect(lineMoney(two.id).some((l) => l.pre_self_pay > 0)).toBe(true);
    for (const v of [first(), two]) await checkOne(v);
  });

  async function checkOne(one: SettlementView): Promise<void> {
    const file = await callOk(app, cashier, 'settlement.slipExport', { id: one.id });
    expect(file.fileName).toBe(`slip-${one.id}.pdf`);
    const bytes = Buffer.from(file.base64, 'base64');
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(bytes);
    expect(text).toContain('测试社区卫生服务站 医保结算单');
    expect(text).toContain(one.id);
    expect(text).toContain(zhang.psn_name);
    for (const h of ['项目名称', '费用类别', '等级', '单价', '数量', '金额', '先行自付', '全自费']) expect(text).toContain(h);
    for (const l of lineMoney(one.id)) {
      const v = one.lines.find((x) => x.lineNo === l.line_no)!;
      const row = text.split('\n').find((r) => r.includes(l.name));
      expect(row, l.name).toBeDefined();
      const category = v.code === VISIT ? '诊疗费' : '药品费';
      const klass = { A: '甲', B: '乙', C: '丙' }[v.class] ?? v.class;
      const cells = [category, klass, v.unitPrice, v.quantity, fenToYuan(l.amount), fenToYuan(l.pre_self_pay), fenToYuan(l.full_own_pay)];
      expect(row!.replace(l.name, '').trim().split(/\s+/)).toEqual(cells);
    }
    const m = centerFigures(one);
    expect(text).toMatch(paymentLine('医疗费总额', m.total));
    expect(text).toMatch(paymentLine('统筹基金支付', m.fundPay));
    expect(text).toMatch(paymentLine('个人账户支付', m.accountPay));
    expect(text).toMatch(paymentLine('现金支付（个人自付）', m.cashPay));
    expect(text).toMatch(paymentLine('其中：先行自付', m.preSelfPay));
    const drugs = lineMoney(one.id).filter((l) => one.lines.find((x) => x.lineNo === l.line_no)!.code !== VISIT).reduce((s, l) => s + l.amount, 0);
    expect(text).toMatch(paymentLine('药品费', drugs));
  }

  it("the patient's day: both standing settlements summed, the refunded one and its refund left out", async () => {
    const file = await callOk(app, cashier, 'settlement.slipExport', { psnNo: one.psnNo, day: dayOf(one) });
    const text = pdfText(Buffer.from(file.base64, 'base64'));
    expect(text).toContain('医保结算单（当日汇总）');
    expect(text).toContain(one.id);
    expect(text).toContain(two.id);
    expect(text).not.toContain(refunded.id);
    const [a, b] = [centerFigures(one), centerFigures(two)];
    expect(text).toMatch(paymentLine('医疗费总额', a.total + b.total));
    expect(text).toMatch(paymentLine('统筹基金支付', a.fundPay + b.fundPay));
    expect(text).toMatch(paymentLine('现金支付（个人自付）', a.cashPay + b.cashPay));
  });

  it('a refund row has no slip; a day without settlements, or a half selection, is refused in words', async () => {
    const refundRow = (await callOk(app, cashier, 'settlement.get', { id: refunded.id })).refundedBy!;
    const r1 = await callApp(app, cashier, 'settlement.slipExport', { id: refundRow });
    expect(!r1.ok && r1.error.code).toBe('SLIP_OF_REFUND');
    const r2 = await callApp(app, cashier, 'settlement.slipExport', { psnNo: one.psnNo, day: '2020-01-01' });
    expect(!r2.ok && r2.error.code).toBe('SLIP_NOTHING');
    const r3 = await callApp(app, cashier, 'settlement.slipPrint', { psnNo: one.psnNo });
    expect(!r3.ok && r3.error.code).toBe('INVALID_INPUT');
  });
});

describe('the receipt printer', () => {
  it('ESC/POS bytes: initialised, Chinese mode, each line with its figures, the payments, cut', async () => {
    const r = await callOk(app, cashier, 'settlement.slipPrint', { id: one.id });
    const bytes = new Uint8Array(value(app.db, 'SELECT bytes FROM print_jobs WHERE id = :id', { id: r.jobId }, z.instanceof(Buffer))!);
    expect([...bytes.subarray(0, 2)]).toEqual([0x1b, 0x40]); // ESC @
    const ops = decodeEscPos(bytes);
    expect(ops.some((o) => o.op === 'cut')).toBe(true);
    const printed = opsToLines(ops);
    expect(printed[0]).toBe('医保结算单');
    const all = printed.join('\n');
    expect(all).toContain(one.id);
    for (const l of lineMoney(one.id)) {
      const v = one.lines.find((x) => x.lineNo === l.line_no)!;
      expect(all).toContain(l.name);
      expect(all).toMatch(new RegExp(`${v.unitPrice.replace('.', '\\.')}×${v.quantity.replace('.', '\\.')}\\s+${fenToYuan(l.amount).replace('.', '\\.')}`));
      if (l.pre_self_pay) expect(all).toMatch(new RegExp(`先行自付\\s+${fenToYuan(l.pre_self_pay).replace('.', '\\.')}`));
    }
    const m = centerFigures(one);
    expect(all).toMatch(paymentLine('统筹基金支付', m.fundPay));
    expect(all).toMatch(paymentLine('现金支付（个人自付）', m.cashPay));
    // Laid out for the configured profile: no line wider than its columns (48 for 80 mm, 32 for 58 mm).
    const columns = app.settings.printerProfile === '80mm' ? 48 : 32;
    expect(r.lines.filter((l) => displayWidth(l) > columns)).toEqual([]);
    expect(r.lines.some((l) => displayWidth(l) === columns)).toBe(true);
  });
});

describe('the CLI', () => {
  it('`slip --settlement ID --out FILE` writes the PDF; `--psn --day --print` queues the day on the printer', async () => {
    await app.close();
    const env = { CASHIER_CENTER_URL: center.url, CASHIER_INSTITUTION_CODE: INSTITUTION.code, CASHIER_INSTITUTION_SECRET: INSTITUTION.secret, CASHIER_OPERATOR: '1001', CASHIER_OPERATOR_PIN: '1234' };
    const out = join(root, 'cli-slip.pdf');
    const r = runCli(['--data-dir', dir, 'slip', '--settlement', one.id, '--out', out, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const text = execFileSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' });
    expect(text).toContain(one.id);
    expect(text).toMatch(paymentLine('统筹基金支付', centerFigures(one).fundPay));
    const p = runCli(['--data-dir', dir, 'slip', '--psn', one.psnNo, '--day', dayOf(one), '--print', '--json'], env);
    expect(p.code, p.stderr).toBe(0);
    const printed = JSON.parse(p.stdout) as { jobId: number; lines: string[] };
    expect(printed.lines.join('\n')).toContain(two.id);
    const none = runCli(['--data-dir', dir, 'slip', '--settlement', one.id], env);
    expect(none.code).toBe(2);
    // Reopened for afterAll.
    app = await createApp({ dataDir: dir, runtime: 'cli', env: {}, dbKey: resolveDbKey(dir), flags: flags() });
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
  }, 120_000);
});
