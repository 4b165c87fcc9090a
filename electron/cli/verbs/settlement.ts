// Settlement verbs of the CLI: settle a bill file, refund, the outbox, bill import.
// Every verb goes through the same API calls as the window (roles, validation, audit).
import { basename } from 'node:path';
import type { CallInput, CallName, CallOutput } from '../../api/contract';
import type { SettlementView } from '../../api/contract/settlement';
import { AppError, type ApiResult } from '../../api/result';
import { newSession, type Session } from '../../api/session';
import type { App } from '../../app/create-app';
import { fenToYuan } from '../../api/money';
import { parseBillFile, type Bill } from '../../settlement/bill-format';
import { decodeBillBytes, readBillBytes, sameBillContent, type PendingBill } from '../../settlement/bills';
import { requireOption, UsageError, type CliContext, type Verb } from '../verb';
import { writePrivateFile } from '../../security/safe-files';

function unwrap<T>(r: ApiResult<T>): T {
  if (!r.ok) throw new AppError(r.error.code, r.error.message, r.error.details);
  return r.value;
}

async function call<N extends CallName>(app: App, s: Session, name: N, input: CallInput<N>): Promise<CallOutput<N>> {
  return unwrap((await app.call(s, name, input)) as ApiResult<CallOutput<N>>);
}

function opt(cli: CliContext, name: string, env: string): string | undefined {
  const v = cli.options[name];
  return typeof v === 'string' && v !== '' ? v : process.env[env] || undefined;
}

/** Log in the operator given by --operator/--pin (or CASHIER_OPERATOR / CASHIER_OPERATOR_PIN). */
async function loginFrom(cli: CliContext, app: App, fallback?: { id: string; pin: string }): Promise<Session> {
  const id = opt(cli, 'operator', 'CASHIER_OPERATOR') ?? fallback?.id;
  const pin = opt(cli, 'pin', 'CASHIER_OPERATOR_PIN') ?? fallback?.pin;
  if (!id || !pin) throw new UsageError('需要操作员：--operator ID --pin PIN（或环境变量 CASHIER_OPERATOR / CASHIER_OPERATOR_PIN）');
  const s = newSession('cli');
  await call(app, s, 'auth.login', { operatorId: id, pin });
  return s;
}

/** `--<name> s` (seconds, decimals allowed) in milliseconds. */
function secondsOption(cli: CliContext, name: string, dflt?: number): number | undefined {
  const t = cli.options[name];
  if (t === undefined) return dflt;
  if (typeof t !== 'string' || !/^\d+(\.\d+)?$/.test(t)) throw new UsageError(`--${name} 应为秒数`);
  return Math.round(Number(t) * 1000);
}

function readBillFile(file: string): Bill[] {
  return parseBillFile(file, decodeBillBytes(readBillBytes(file)));
}

/**
 * The pending bill to settle for the file's bill: one imported earlier and not yet settled (a
 * settle refused, say, over the offline limit) is reused — only while its content is unchanged,
 * so an edited file is never settled with the stale lines; otherwise the file is imported now.
 */
function pendingBillFor(app: App, file: string, inFile: Bill, again: boolean): PendingBill {
  const store = app.settlement.bills;
  if (!inFile.billId && !again) {
    // Without a bill number nothing else tells a second run of the same file from a new bill:
    // the same content from the same file, already settled, is taken as the same bill.
    const done = store.settledFrom(basename(file), inFile.credential.certNo).find((b) => sameBillContent(b, inFile));
    if (done) {
      throw new AppError(
        'BILL_ALREADY_SETTLED',
        `文件 ${basename(file)} 中的这张账单（无账单号）已于 ${done.receivedAt} 导入并结算（结算号 ${done.settlementId}）；未再次结算。确是新的一次收费，请加 --again。`,
        { settlementId: done.settlementId, file: basename(file) },
      );
    }
  }
  const earlier = store
    .pending(inFile.credential.certNo)
    .find((b) => (inFile.billId ? b.billId === inFile.billId : b.sourceRef === basename(file) && sameBillContent(b, inFile)));
  if (earlier) {
    if (!sameBillContent(earlier, inFile)) {
      throw new AppError(
        'BILL_CHANGED',
        `账单 ${inFile.billId} 已于 ${earlier.receivedAt} 导入、尚未结算，但文件内容与导入时不同；未结算。请在收费窗口核对该账单，或给更正后的账单换一个账单号。`,
        { billId: inFile.billId, pendingId: earlier.id },
      );
    }
    return earlier;
  }
  const imported = store.importFile(file, 'file');
  return imported.find((b) => (inFile.billId ? b.billId === inFile.billId : sameBillContent(b, inFile)))!;
}

export function settlementText(v: SettlementView): string {
  const m = v.money;
  const rows: [string, number][] = [
    ['医疗费总额', m.total],
    ['全自费', m.fullOwnPay],
    ['超限价自付', m.overLimitSelfPay],
    ['先行自付', m.preSelfPay],
    ['符合政策范围', m.eligible],
    ['起付线', m.deductible],
    ['统筹基金支付', m.fundPay],
    ['统筹内自付', m.coPay],
    ['超封顶自付', m.overCapSelfPay],
    ['大病保险支付', m.criticalIllnessPay],
    ['个人负担', m.personalTotal],
    ['个人账户支付', m.accountPay],
    ['现金支付', m.cashPay],
  ];
  const upload = v.uploads[0];
  return [
    `结算号 ${v.id}${v.refundOf ? `（冲销 ${v.refundOf}）` : ''}`,
    `状态 ${v.state}${v.provisional ? '（暂存，待中心确认）' : ''}；上传 ${upload ? `${upload.infno} ${upload.state}` : '无'}`,
    `参保人 ${v.psnName}（${v.psnNo}）  目录版本 ${v.policyVersion} / seq ${v.policySeq}`,
    ...rows.map(([k, f]) => `  ${k.padEnd(8, '　')} ${fenToYuan(f).padStart(12)}`),
    ...(v.adjustments.length ? ['中心调整：', ...v.adjustments.map((a) => `  ${a.field}: ${fenToYuan(a.localAmount)} → ${fenToYuan(a.centerAmount)}`)] : []),
  ].join('\n');
}

/** After a commit made online, give the immediate upload a moment to be answered. */
async function settleUpload(app: App, id: string, ms: number): Promise<SettlementView> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = app.settlement.get(id)!;
    const open = v.uploads.some((u) => ['queued', 'sent', 'unknown'].includes(u.state));
    if (!open || Date.now() >= deadline || !app.settlement.centerOnline()) return v;
    if (app.settlement.worker.inFlight() === 0) await app.settlement.drain({ timeoutMs: Math.max(1, deadline - Date.now()) });
    else await new Promise((r) => setTimeout(r, 20));
  }
}

export const settlementVerbs: Verb[] = [
  {
    name: 'bill import',
    usage: 'bill import <file.json|file.csv>',
    summary: '导入账单文件（整份导入或整份拒绝），列出待结算账单号',
    async run(cli) {
      const file = cli.args[0];
      if (!file) throw new UsageError('缺少账单文件');
      const app = await cli.app();
      const bills = app.settlement.bills.importFile(file, 'file');
      cli.print(
        { imported: bills.map((b) => ({ id: b.id, billId: b.billId ?? null, certNo: b.credential.certNo, items: b.items.length })) },
        `已导入 ${bills.length} 张账单：\n` + bills.map((b) => `  ${b.id}  ${b.billId ?? ''}  ${b.credential.certNo}  ${b.items.length} 项`).join('\n'),
      );
      return 0;
    },
  },
  {
    name: 'bill refused',
    usage: 'bill refused [--show ID]',
    summary: '收件夹拒收的账单文件（原因、时间）；--show ID 输出该文件当时的内容（保存在加密数据库中）',
    async run(cli) {
      const app = await cli.app();
      const refused = app.settlement.inbox.refused;
      const show = cli.options['show'];
      if (show !== undefined) {
        if (typeof show !== 'string' || !/^\d{1,12}$/.test(show)) throw new UsageError('--show 应为拒收记录编号');
        const found = refused.content(Number(show));
        if (!found) throw new AppError('NOT_FOUND', `没有拒收记录 ${show}`, { id: Number(show) });
        if (cli.json) cli.print({ ...found.refused, content: found.content ? decodeBillBytes(found.content) : null });
        else if (found.content) process.stdout.write(decodeBillBytes(found.content));
        else cli.print(found.refused, `拒收记录 ${show}（${found.refused.code}）没有保存内容：文件未被读取（${found.refused.message}）`);
        return 0;
      }
      const list = refused.list();
      cli.print(
        { refused: list },
        list.length
          ? list.map((r) => `${String(r.id).padStart(5)}  ${r.refusedAt}  ${r.file}  ${r.code}  ${r.message}`).join('\n')
          : '没有拒收的账单文件',
      );
      return 0;
    },
  },
  {
    name: 'settle',
    usage: 'settle --bill <file> [--bill-id ID] [--again] [--operator ID --pin PIN] [--supervisor ID --supervisor-pin PIN] [--wait s]',
    summary: '按账单文件结算：打印结算号、分割金额和状态（无账单号的同一账单已结算过则拒绝，除非 --again）',
    booleans: ['again'],
    async run(cli) {
      const file = requireOption(cli, 'bill');
      const wait = secondsOption(cli, 'wait', 15_000)!;
      // Validate before logging in or importing, so a bad file or choice changes nothing.
      const parsed = readBillFile(file);
      const wanted = typeof cli.options['bill-id'] === 'string' ? cli.options['bill-id'] : undefined;
      if (parsed.length > 1 && !wanted) throw new UsageError(`文件含 ${parsed.length} 张账单，请用 --bill-id 指定一张`);
      const inFile = wanted ? parsed.find((b) => b.billId === wanted) : parsed[0];
      if (!inFile) throw new UsageError(`文件中没有账单 ${wanted}`);
      const app = await cli.app();
      const session = await loginFrom(cli, app);
      // The window's app knows from its background probe whether the center answers; a CLI
      // process asks once, so online work is not recorded as offline.
      await app.center.probeNow();
      const bill = pendingBillFor(app, file, inFile, cli.options['again'] === true);
      const supervisorId = opt(cli, 'supervisor', 'CASHIER_SUPERVISOR');
      const supervisorPin = opt(cli, 'supervisor-pin', 'CASHIER_SUPERVISOR_PIN');
      const v = await call(app, session, 'settlement.settle', {
        person: bill.credential,
        visit: bill.visit,
        items: bill.items,
        useAccount: bill.useAccount,
        billId: bill.id,
        ...(supervisorId && supervisorPin ? { supervisorId, supervisorPin } : {}),
      });
      const after = await settleUpload(app, v.id, wait);
      cli.print({ ...after, printJobId: v.printJobId }, settlementText(after));
      return 0;
    },
  },
  {
    name: 'refund',
    usage: 'refund --settlement <id> --reason <text> [--supervisor ID --supervisor-pin PIN] [--operator ID --pin PIN] [--timeout s]',
    summary: '整笔退费（需主管授权；未获应答的上传以 2601 冲正）',
    async run(cli) {
      const id = requireOption(cli, 'settlement');
      const supervisorId = opt(cli, 'supervisor', 'CASHIER_SUPERVISOR');
      // `--pin` is the operator's; the supervisor's is --supervisor-pin (or --pin when the supervisor refunds alone).
      const supervisorPin = opt(cli, 'supervisor-pin', 'CASHIER_SUPERVISOR_PIN') ?? (cli.options['operator'] ? undefined : opt(cli, 'pin', 'CASHIER_OPERATOR_PIN'));
      if (!supervisorId || !supervisorPin) throw new UsageError('需要主管授权：--supervisor ID --supervisor-pin PIN（或 CASHIER_SUPERVISOR / CASHIER_SUPERVISOR_PIN）');
      const reason = typeof cli.options['reason'] === 'string' ? cli.options['reason'] : '命令行退费';
      const wait = secondsOption(cli, 'timeout', 15_000)!;
      const app = await cli.app();
      const session = await loginFrom(cli, app, { id: supervisorId, pin: supervisorPin });
      // Without this a CLI refund would always count as offline: nothing else has asked the
      // center yet in this process, so the cancel would wait for the next drain.
      await app.center.probeNow();
      const v = await call(app, session, 'settlement.refund', { id, supervisorId, supervisorPin, reason });
      const after = await settleUpload(app, v.id, wait);
      cli.print(after, settlementText(after));
      return 0;
    },
  },
  {
    name: 'slip',
    usage: 'slip (--settlement ID | --psn PSN_NO --day YYYY-MM-DD) (--out FILE.pdf | --print) [--operator ID --pin PIN]',
    summary: '医保结算单：一笔结算或某人当日的有效结算；--out 存为 A4 PDF，--print 在小票打印机上打印',
    booleans: ['print'],
    async run(cli) {
      const id = opt(cli, 'settlement', 'CASHIER_SETTLEMENT');
      const psnNo = opt(cli, 'psn', 'CASHIER_PSN_NO');
      const day = opt(cli, 'day', 'CASHIER_DAY');
      const out = opt(cli, 'out', 'CASHIER_OUT');
      const print = cli.options['print'] === true;
      if (!out && !print) throw new UsageError('请给出 --out FILE.pdf 或 --print');
      const sel = id ? { id } : { ...(psnNo ? { psnNo } : {}), ...(day ? { day } : {}) };
      const app = await cli.app();
      const session = await loginFrom(cli, app);
      if (out) {
        const file = await call(app, session, 'settlement.slipExport', sel);
        const bytes = Buffer.from(file.base64, 'base64');
        // The slip names the patient: 0600, never through a symbolic link.
        writePrivateFile(out, bytes);
        cli.print({ out, bytes: bytes.length }, `已导出 ${out}（${bytes.length} 字节）`);
      }
      if (print) {
        const r = await call(app, session, 'settlement.slipPrint', sel);
        cli.print({ jobId: r.jobId, lines: r.lines }, [...r.lines, `（打印任务 ${r.jobId}）`].join('\n'));
      }
      return 0;
    },
  },
  {
    name: 'outbox status',
    usage: 'outbox status',
    summary: '上传队列：深度、各状态数量、最早待传、临近/超过时限的项目',
    async run(cli) {
      const app = await cli.app();
      const s = app.settlement.outboxStatus();
      const human = [
        `待上传 ${s.depth}（最早 ${s.oldestQueuedAt ?? '—'}）`,
        `各状态：${Object.entries(s.byState).map(([k, n]) => `${k} ${n}`).join('，')}`,
        ...s.deadlines.map((d) => `  ${d.past ? '已超时' : '临近时限'} ${d.settlementId} 时限 ${d.deadlineAt} 已试 ${d.attempts} 次 ${d.lastError ?? ''}`),
      ].join('\n');
      cli.print(s, human);
      return 0;
    },
  },
  {
    name: 'outbox drain',
    usage: 'outbox drain [--until-empty] [--timeout s]',
    summary: '立即上传到期的项目；--until-empty 一直重试直到队列为空或超时',
    booleans: ['until-empty'],
    async run(cli) {
      const app = await cli.app();
      const r = await app.settlement.drain({ untilEmpty: cli.options['until-empty'] === true, timeoutMs: secondsOption(cli, 'timeout') });
      cli.print(
        r,
        `尝试 ${r.attempted}，确认 ${r.confirmed}，调整 ${r.adjusted}，拒绝 ${r.rejected}，待重试 ${r.retrying}；队列剩余 ${r.remaining}${r.timedOut ? '（超时）' : ''}`,
      );
      return r.remaining > 0 && cli.options['until-empty'] === true ? 3 : 0;
    },
  },
];
