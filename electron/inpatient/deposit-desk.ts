// Deposits (预交金) taken and paid back at the window, each with its receipt as a durable print
// job after the commit. The store is deposits.ts; the netting at settlement is in settle.ts.
import type { OperatorView } from '../api/contract/auth';
import type { DepositMethod, DepositView } from '../api/contract/inpatient';
import { fenToYuan, formatFen } from '../api/money';
import { AppError } from '../api/result';
import { chinaDateTime } from '../app/clock';
import { depositView } from './deposits';
import type { StayDesk } from './desk';
import type { StayRow } from './stays';
import { newId } from './stay-facts';

const DEPOSIT_METHOD_WORDS: Record<DepositMethod, string> = { cash: '现金', card: '刷卡', mobile: '移动支付' };

export function deposit(desk: StayDesk, input: { stayId: string; amount: number; method: DepositMethod; reference?: string | undefined; requestId?: string | undefined }, operator: OperatorView): DepositView {
  if (input.requestId) {
    const seen = desk.deposits.byRequest(input.requestId);
    if (seen) {
      if (seen.stay_id !== input.stayId || seen.amount !== input.amount) throw new AppError('DEPOSIT_REQUEST_REUSED', '这个请求号已用于另一笔押金。', { requestId: input.requestId });
      return depositView(seen);
    }
  }
  const stay = desk.requireState(input.stayId, ['admitted', 'discharged'], 'STAY_NOT_OPEN');
  if (input.method !== 'cash' && !input.reference) throw new AppError('DEPOSIT_REFERENCE_REQUIRED', `${DEPOSIT_METHOD_WORDS[input.method]}押金需要填写凭证号（交易参考号）。`, { method: input.method });
  const shiftId = desk.requireShift(operator);
  const now = desk.core.clock.now();
  const id = newId('YJ', now);
  desk.core.db.transaction(() => {
    desk.deposits.insert({ id, stayId: stay.id, kind: 'deposit', amount: input.amount, method: input.method, reference: input.reference ?? null, reason: null, settlementId: null, operatorId: operator.id, shiftId, at: now.toISOString(), requestId: input.requestId ?? null });
    desk.core.audit.append({ action: 'inpatient.deposit', operatorId: operator.id, subject: stay.id, detail: { depositId: id, amount: input.amount, method: input.method, shiftId } });
  })();
  printDeposit(desk, stay, id, operator);
  return depositView(desk.deposits.get(id)!);
}

export function refundDeposit(desk: StayDesk, input: { stayId: string; amount: number; method: DepositMethod; reference?: string | undefined; reason: string }, operator: OperatorView): DepositView {
  const stay = desk.requireState(input.stayId, ['admitted', 'discharged'], 'STAY_NOT_OPEN');
  if (input.method !== 'cash' && !input.reference) throw new AppError('DEPOSIT_REFERENCE_REQUIRED', `${DEPOSIT_METHOD_WORDS[input.method]}退押金需要填写凭证号（交易参考号）。`, { method: input.method });
  const shiftId = desk.requireShift(operator);
  const now = desk.core.clock.now();
  const id = newId('YJ', now);
  desk.core.db.transaction(() => {
    // Read inside the transaction: two windows refunding at once cannot both pass.
    const balance = desk.deposits.balance(stay.id);
    if (input.amount > balance) {
      throw new AppError('DEPOSIT_REFUND_OVER_BALANCE', `退押金 ${fenToYuan(input.amount)} 元超过押金余额 ${fenToYuan(balance)} 元。`, { amount: fenToYuan(input.amount), balance: fenToYuan(balance) });
    }
    desk.deposits.insert({ id, stayId: stay.id, kind: 'refund', amount: -input.amount, method: input.method, reference: input.reference ?? null, reason: input.reason, settlementId: null, operatorId: operator.id, shiftId, at: now.toISOString(), requestId: null });
    desk.core.audit.append({ action: 'inpatient.refundDeposit', operatorId: operator.id, subject: stay.id, detail: { depositId: id, amount: input.amount, method: input.method, reason: input.reason, shiftId } });
  })();
  printDeposit(desk, stay, id, operator);
  return depositView(desk.deposits.get(id)!);
}

/** The deposit receipt (押金收据 / 退押金凭证) as a durable print job, after the commit. */
function printDeposit(desk: StayDesk, stay: StayRow, depositId: string, operator: OperatorView): void {
  const d = desk.deposits.get(depositId)!;
  const refund = d.amount < 0;
  const title = refund ? '住院退押金凭证' : '住院押金收据（预交金）';
  const lines = [
    `住院号 ${stay.id}`,
    `姓名 ${stay.psn_name}`,
    `科室 ${stay.dept_name}  病区 ${stay.ward}${stay.bed ? `  床号 ${stay.bed}` : ''}`,
    `${refund ? '退还' : '收取'} ${formatFen(Math.abs(d.amount))} 元`,
    `方式 ${DEPOSIT_METHOD_WORDS[d.method]}${d.reference ? `  凭证号 ${d.reference}` : ''}`,
    ...(d.reason ? [`原因 ${d.reason}`] : []),
    `押金余额 ${formatFen(desk.deposits.balance(stay.id))} 元`,
    `收款员 ${operator.name}  ${chinaDateTime(new Date(d.at))}`,
    `单号 ${d.id}`,
  ];
  try {
    const { jobId } = desk.deps.devices.printLines(lines, { title, name: `deposit:${d.id}` });
    desk.deposits.setPrintJob(d.id, jobId);
  } catch (e) {
    // The deposit is taken; the receipt can be printed again from the stay.
    desk.core.log.warn('deposit receipt not queued', { depositId: d.id, error: e instanceof Error ? e.message : String(e) });
  }
}
