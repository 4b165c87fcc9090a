// Shift verbs of the CLI: the drawer (open, cash in/out, X report, close, sign-off), reports as
// files, reconciliation with the center and the receivables. Every verb goes through the same
// API calls as the window (roles, validation, audit). Money on the command line is in yuan.
import type { CallInput, CallName, CallOutput } from '../../api/contract';
import type { ClearingApplicationView } from '../../api/contract/clearing';
import type { DenominationCount, ShiftReport, ShiftView } from '../../api/contract/shift';
import { AppError, type ApiResult } from '../../api/result';
import { newSession, type Session } from '../../api/session';
import type { App } from '../../app/create-app';
import { fenToYuan, parseYuan } from '../../api/money';
import { requireOption, UsageError, type CliContext, type Verb } from '../verb';
import { writePrivateFile } from '../../security/safe-files';

async function call<N extends CallName>(app: App, s: Session, name: N, input: CallInput<N>): Promise<CallOutput<N>> {
  const r = (await app.call(s, name, input)) as ApiResult<CallOutput<N>>;
  if (!r.ok) throw new AppError(r.error.code, r.error.message, r.error.details);
  return r.value;
}

function opt(cli: CliContext, name: string, env?: string): string | undefined {
  const v = cli.options[name];
  return typeof v === 'string' && v !== '' ? v : (env && process.env[env]) || undefined;
}

/** Log in the operator given by --operator/--pin (or CASHIER_OPERATOR / CASHIER_OPERATOR_PIN). */
async function login(cli: CliContext, app: App): Promise<Session> {
  const id = opt(cli, 'operator', 'CASHIER_OPERATOR');
  const pin = opt(cli, 'pin', 'CASHIER_OPERATOR_PIN');
  if (!id || !pin) throw new UsageError('需要操作员：--operator ID --pin PIN（或环境变量 CASHIER_OPERATOR / CASHIER_OPERATOR_PIN）');
  const s = newSession('cli');
  await call(app, s, 'auth.login', { operatorId: id, pin });
  return s;
}

/** "100x2,50x4,0.5x10" (yuan × count) → counts in fen. */
export function parseCounts(text: string): DenominationCount[] {
  if (!text.trim()) return [];
  return text.split(',').map((part) => {
    const m = /^\s*([\d.]+)\s*[x×*]\s*(\d+)\s*$/.exec(part);
    if (!m) throw new UsageError(`点钞格式应为 面额x张数，逗号分隔，如 100x2,50x4,0.5x10；无法识别：${part}`);
    return { denomination: parseYuan(m[1]!), count: Number(m[2]) };
  });
}

function shiftText(v: ShiftView): string {
  const lines = [
    `班次 ${v.id}  收费员 ${v.operatorName}（${v.operatorId}）  状态 ${v.state}`,
    `开班 ${v.openedAt}  备用金 ${fenToYuan(v.openingFloat)}`,
  ];
  if (v.closedAt) lines.push(`结班 ${v.closedAt}  实点 ${fenToYuan(v.countedCash ?? 0)}  应有 ${fenToYuan(v.expectedCash ?? 0)}  差额 ${fenToYuan(v.variance ?? 0)}${v.closeNote ? `  说明：${v.closeNote}` : ''}`);
  if (v.signedBy) lines.push(`签核 ${v.signedBy} ${v.signedAt}`);
  for (const c of v.corrections) lines.push(`更正 ${c.at} ${c.operatorId} ${fenToYuan(c.cashDelta)} ${c.note}`);
  if (v.corrections.length) lines.push(`更正后差额 ${fenToYuan(v.correctedVariance ?? 0)}`);
  return lines.join('\n');
}

function reportText(r: ShiftReport, app: App): string {
  return app.shift.reportLines(r, 48).join('\n');
}

/** yyyyMM from --month, checked here so a typo is a usage error rather than a refused call. */
function monthOption(cli: CliContext): string {
  const m = requireOption(cli, 'month');
  if (!/^\d{4}(0[1-9]|1[0-2])$/.test(m)) throw new UsageError('--month 应为 yyyyMM，如 202603');
  return m;
}

function clearingAppText(a: ClearingApplicationView): string {
  const t = a.totals;
  const error = a.lastError ? `  上次错误：${a.lastError.code} ${a.lastError.message}` : '';
  return `申请 ${a.id}  ${a.setlym} 类别 ${a.clrType}  ${a.state}  ${t.rows} 行 ${t.psntime} 人次  医疗费 ${fenToYuan(t.medfee)} 基金 ${fenToYuan(t.fund)} 账户 ${fenToYuan(t.account)} 现金 ${fenToYuan(t.cash)}  中心编号 ${a.centerAppyId ?? '-'}${error}`;
}

/**
 * A verb that is one call as the logged-in operator: its input read from the options (a bad one
 * is a usage error before the app opens), its answer printed (JSON with --json, else `text`) and
 * its exit code (0 unless `exitCode` says otherwise). The shift and clearing verbs are of this shape.
 */
function oneCallVerb<N extends CallName>(o: {
  name: string;
  usage: string;
  summary: string;
  booleans?: string[];
  call: N;
  input: (cli: CliContext) => CallInput<N>;
  text: (out: CallOutput<N>, app: App) => string;
  exitCode?: (out: CallOutput<N>) => number;
}): Verb {
  return {
    name: o.name,
    usage: `${o.usage} --operator ID --pin PIN`,
    summary: o.summary,
    ...(o.booleans ? { booleans: o.booleans } : {}),
    async run(cli) {
      const input = o.input(cli);
      const app = await cli.app();
      const out = await call(app, await login(cli, app), o.call, input);
      cli.print(out, o.text(out, app));
      return o.exitCode?.(out) ?? 0;
    },
  };
}

function clearingMonthText(m: CallOutput<'clearing.month'>): string {
  return [
    `${m.setlym}${m.monthOpen ? '（本月未结束）' : ''}`,
    ...m.types.map((t) => `  类别 ${t.clrType}：可申报 ${t.candidates.rows} 行 ${t.candidates.psntime} 人次 医疗费 ${fenToYuan(t.candidates.medfee)} 基金 ${fenToYuan(t.candidates.fund)}；${Object.entries(t.stages).map(([k, v]) => `${k} ${v}`).join('，')}`),
    ...m.applications.map((a) => `  ${clearingAppText(a)}`),
  ].join('\n');
}

function clrTypeOption(cli: CliContext): '11' | '21' {
  const clrType = requireOption(cli, 'type');
  if (clrType !== '11' && clrType !== '21') throw new UsageError('--type 应为 11（门诊）或 21（住院）');
  return clrType;
}

/** Monthly clearing (docs/CLEARING.md): the same calls as the supervisor's tab 6. */
const clearingVerbs: Verb[] = [
  oneCallVerb({ name: 'clearing month', usage: 'clearing month --month yyyyMM [--json]', summary: '一个月的清算：各清算类别可申报的结算、各阶段笔数、申请单', call: 'clearing.month', input: (cli) => ({ setlym: monthOption(cli) }), text: clearingMonthText }),
  oneCallVerb({
    name: 'clearing prepare',
    usage: 'clearing prepare --month yyyyMM --type 11|21',
    summary: '生成（或重新生成）某月某清算类别的清算申请（只含已对账的结算，尚未发送）',
    call: 'clearing.prepare',
    input: (cli) => ({ setlym: monthOption(cli), clrType: clrTypeOption(cli) }),
    text: clearingAppText,
  }),
  oneCallVerb({ name: 'clearing send', usage: 'clearing send --id APPLICATION', summary: '发送清算申请（3203）；结果未知时再次发送用同一报文号', call: 'clearing.send', input: (cli) => ({ id: requireOption(cli, 'id') }), text: clearingAppText }),
  oneCallVerb({ name: 'clearing cancel', usage: 'clearing cancel --id APPLICATION', summary: '撤销清算申请（已发送的经 3204）', call: 'clearing.cancel', input: (cli) => ({ id: requireOption(cli, 'id') }), text: clearingAppText }),
  oneCallVerb({ name: 'clearing refresh', usage: 'clearing refresh', summary: '向中心查询已申报清算的拨付情况', call: 'clearing.refresh', input: () => ({}), text: (list) => list.map(clearingAppText).join('\n') || '没有已发送的清算申请' }),
  oneCallVerb({
    name: 'clearing trace',
    usage: 'clearing trace --settlement ID',
    summary: '一笔结算的进度：上传 → 对账 → 申报清算 → 拨付',
    call: 'clearing.trace',
    input: (cli) => ({ settlementId: requireOption(cli, 'settlement') }),
    text: (t) => `结算 ${t.settlementId}：${t.stage ?? '-'}${t.reconciled ? `，对账第 ${t.reconciled.runId} 次` : ''}${t.application ? `，清算申请 ${t.application.id}（${t.application.state}）` : ''}`,
  }),
];

function reconcileText(r: CallOutput<'reconcile.run'>): string {
  return [
    `对账 ${r.from} ~ ${r.to}：${r.result === 'match' ? '一致' : '不一致'}（第 ${r.runId} 次，明细 ${r.detailRows} 行）`,
    ...r.groups.map(
      (g) =>
        `  险种 ${g.insutype}（${Object.entries(g.localByClrType).map(([c, n]) => `${c}:${n}`).join(" ") || "无"}）：本地 ${g.local.count} 笔 ${fenToYuan(g.local.total)}，中心 ${g.center?.count ?? '-'} 笔 ${g.center ? fenToYuan(g.center.total) : '-'} ${g.match ? '✓' : '✗'}`,
    ),
    ...r.discrepancies.map((d) => `  差异#${d.id} ${d.kind} ${d.settlementId ?? d.centerSetlId ?? ''} ${d.day}：${d.advice}`),
  ].join('\n');
}

function receivablesText(r: CallOutput<'receivables.summary'>): string {
  return [
    `截至 ${r.asOf}：应收 ${fenToYuan(r.totals.owed)}，已回款 ${fenToYuan(r.totals.paid)}，扣款 ${fenToYuan(r.totals.deducted)}，拒付 ${fenToYuan(r.totals.rejected)}，未回款 ${fenToYuan(r.totals.outstanding)}（${r.totals.count} 笔）`,
    ...(r.notices.error ? [`注意：未能取得中心通知（${r.notices.error}），以下为已保存数据`] : [`新通知 ${r.notices.fetched} 条`]),
    '按状态：',
    ...Object.entries(r.byStatus).map(([k, v]) => `  ${k}: ${v.count} 笔，未回款 ${fenToYuan(v.outstanding)}`),
    '账龄（未回款）：',
    ...r.aging.map((a) => `  ${a.bucket} 天: ${a.count} 笔 ${fenToYuan(a.outstanding)}`),
  ].join('\n');
}

export const shiftVerbs: Verb[] = [
  oneCallVerb({
    name: 'shift open',
    usage: 'shift open --counts 100x2,50x4,...',
    summary: '开班：按面额登记备用金（元×张数）',
    call: 'shift.open',
    input: (cli) => ({ counts: parseCounts(opt(cli, 'counts') ?? '') }),
    text: (v) => `已开班 ${v.id}，备用金 ${fenToYuan(v.openingFloat)} 元`,
  }),
  oneCallVerb({
    name: 'shift cashio',
    usage: 'shift cashio --direction in|out --amount 50.00 --reason TEXT',
    summary: '当班现金存入/取出（须写原因）',
    call: 'shift.cashio',
    input: (cli) => {
      const direction = requireOption(cli, 'direction');
      if (direction !== 'in' && direction !== 'out') throw new UsageError('--direction 应为 in 或 out');
      return { direction, amount: parseYuan(requireOption(cli, 'amount')), reason: requireOption(cli, 'reason') };
    },
    text: (m) => `已登记${m.direction === 'in' ? '存入' : '取出'} ${fenToYuan(m.amount)} 元：${m.reason}`,
  }),
  oneCallVerb({ name: 'shift x-report', usage: 'shift x-report [--shift ID]', summary: 'X 报表：不结班的当班统计', call: 'shift.xreport', input: (cli) => ({ shiftId: opt(cli, 'shift') }), text: reportText }),
  oneCallVerb({
    name: 'shift close',
    usage: 'shift close --counts 100x5,... [--note TEXT]',
    summary: '结班：盲点现金（元×张数），不符须 --note 说明',
    call: 'shift.close',
    input: (cli) => ({ counts: parseCounts(requireOption(cli, 'counts')), note: opt(cli, 'note') }),
    text: reportText,
  }),
  oneCallVerb({
    name: 'shift signoff',
    usage: 'shift signoff --shift ID [--note TEXT]',
    summary: '主管签核已结班次（之后只能追加更正）',
    call: 'shift.signoff',
    input: (cli) => ({ shiftId: requireOption(cli, 'shift'), note: opt(cli, 'note') }),
    text: shiftText,
  }),
  oneCallVerb({
    name: 'shift correct',
    usage: 'shift correct --shift ID --amount -10.00 --note TEXT',
    summary: '对已结班次追加更正（现金差额，元）',
    call: 'shift.correct',
    input: (cli) => ({ shiftId: requireOption(cli, 'shift'), cashDelta: parseYuan(requireOption(cli, 'amount')), note: requireOption(cli, 'note') }),
    text: shiftText,
  }),
  oneCallVerb({
    name: 'shift list',
    usage: 'shift list [--from DATE] [--to DATE]',
    summary: '班次列表',
    call: 'shift.list',
    input: (cli) => ({ from: opt(cli, 'from'), to: opt(cli, 'to') }),
    text: (list) => list.map(shiftText).join('\n\n') || '没有班次',
  }),
  {
    name: 'shift report',
    usage: 'shift report --shift ID --format json|csv|pdf --out FILE --operator ID --pin PIN',
    summary: '把班次报表导出为 JSON / CSV（财务系统）/ PDF',
    async run(cli) {
      const format = requireOption(cli, 'format');
      if (format !== 'json' && format !== 'csv' && format !== 'pdf') throw new UsageError('--format 应为 json、csv 或 pdf');
      const out = requireOption(cli, 'out');
      const app = await cli.app();
      const s = await login(cli, app);
      const shiftId = requireOption(cli, 'shift');
      const r = await call(app, s, 'shift.report', { shiftId });
      const bytes = await app.shift.renderReport(r, format);
      // The report names patients: 0600, never through a symbolic link.
      writePrivateFile(out, bytes);
      app.audit.append({ action: 'shift.report.export', operatorId: s.operator?.id ?? null, subject: shiftId, detail: { format, out, bytes: bytes.length } });
      cli.print({ shiftId, format, out, bytes: bytes.length }, `已导出 ${out}（${bytes.length} 字节）`);
      return 0;
    },
  },
  oneCallVerb({
    name: 'shift print',
    usage: 'shift print --shift ID',
    summary: '在小票打印机上打印班次报表',
    call: 'shift.printReport',
    input: (cli) => ({ shiftId: requireOption(cli, 'shift') }),
    text: (r) => [...r.lines, r.printed ? `已送打印（任务 ${r.jobId}）` : '打印机不支持文本报表：以上为预览'].join('\n'),
  }),
  oneCallVerb({
    name: 'reconcile',
    usage: 'reconcile --from DATE --to DATE',
    summary: '与中心对账（3201 总额，不符时 3202 明细），列出差异',
    call: 'reconcile.run',
    input: (cli) => ({ from: requireOption(cli, 'from'), to: requireOption(cli, 'to') }),
    text: reconcileText,
    exitCode: (r) => (r.result === 'match' ? 0 : 3),
  }),
  oneCallVerb({
    name: 'receivables',
    usage: 'receivables [--no-fetch] [--limit N] [--json]',
    summary: '医保基金应收：先取中心回款/拒付通知（3301），再按状态与账龄汇总',
    booleans: ['no-fetch'],
    call: 'receivables.summary',
    input: (cli) => {
      const limit = opt(cli, 'limit');
      if (limit !== undefined && !/^\d+$/.test(limit)) throw new UsageError('--limit 应为整数');
      return { fetch: cli.options['no-fetch'] !== true, limit: limit === undefined ? 50 : Number(limit) };
    },
    text: receivablesText,
  }),
  ...clearingVerbs,
];
