// What the shift part needs from the center part: send a transaction, make a message id.
// Narrow on purpose, so reconciliation and receivables can be driven by the real client (and
// the sandbox center over loopback) without knowing the rest of the center part.
import type { CenterPart } from '../center/part';
import type { SendOptions } from '../center/client';
import type { CenterOutcome } from '../center/wire/envelope';
import type { NationalOutcome } from '../center/wire/national/envelope';
import { AppError } from '../api/result';

export type CenterPort = Pick<CenterPart['client'], 'send' | 'newMsgId'>;

/**
 * How long to wait before asking again after a -9 "busy" answer. These queries (3201, 3202,
 * 3301) change nothing at the center, so asking again is always safe; reconciliation asks for
 * range halves side by side, which a loaded center may answer busy.
 */
export const BUSY_RETRY_DELAYS_MS: readonly number[] = [300, 800, 2_000];

/** The output of a successful exchange, or an AppError saying what the center answered. */
export async function sendOrThrow(port: CenterPort | null, infno: string, input: object, timeoutMs = 30_000): Promise<unknown> {
  if (!port) throw new AppError('CENTER_UNAVAILABLE', '医保中心接口未配置，无法对账。');
  return outputOrThrow(() => port.send(infno, input, { timeoutMs, maxResponseBytes: 16 * 1024 * 1024 }), infno, (reason) => `无法连接医保中心（${infno}）：${reason}。请检查网络后重试。`);
}

/**
 * One query asked until it is answered: the output, or an AppError for a refusal, for a center
 * still busy after BUSY_RETRY_DELAYS_MS, or (in `unknownWords`) for no clear answer.
 */
async function outputOrThrow(ask: () => Promise<CenterOutcome>, infno: string, unknownWords: (reason: string) => string): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    const r = await ask();
    switch (r.kind) {
      case 'success':
        return r.output;
      case 'rejected':
        throw new AppError('CENTER_REJECTED', `中心拒绝了 ${infno}：${r.message}`, { infno, code: r.code });
      case 'busy': {
        const delay = BUSY_RETRY_DELAYS_MS[attempt];
        if (delay === undefined) {
          throw new AppError('CENTER_BUSY', `中心繁忙（${infno}，已重试 ${attempt} 次）：请稍后重试。`, { infno, attempts: attempt + 1 });
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        continue;
      }
      case 'unknown':
        throw new AppError('CENTER_UNREACHABLE', unknownWords(r.reason), { infno });
      default: {
        // A new outcome kind must be handled above, not retried forever.
        const unhandled: never = r;
        throw new AppError('INTERNAL', `未处理的中心应答类型：${JSON.stringify(unhandled).slice(0, 80)}`);
      }
    }
  }
}

/**
 * The national port (centerProtocol national): the signed-in national exchange as the operator
 * who asked (NationalSession.send: 9001 first when needed, renewed when the center asks), and
 * this clinic's code (the 9101 file's fixmedins_code).
 */
export interface NationalCenterPort {
  send(infno: string, input: object, opts?: SendOptions): Promise<NationalOutcome>;
  institutionCode: string;
  /** 就医地区划: the clearing office asked about even with no local rows. */
  areaCode: string;
}

/**
 * sendOrThrow for the national port. Both error layers were checked by the classification
 * (wire/national/envelope.ts): a gateway refusal is `rejected` GATEWAY_REJECTED, and `infcode` 0
 * with an `err_msg` is `unknown` — never taken as an answer here.
 */
export async function sendNationalOrThrow(port: NationalCenterPort | null, infno: string, input: object, timeoutMs = 60_000): Promise<unknown> {
  if (!port) throw new AppError('CENTER_UNAVAILABLE', '医保中心接口未配置，无法对账。');
  return outputOrThrow(() => port.send(infno, input, { timeoutMs, maxResponseBytes: 64 * 1024 * 1024 }), infno, (reason) => `医保中心（${infno}）没有给出明确应答：${reason}。对账未完成，请稍后重试。`);
}
