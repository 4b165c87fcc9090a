// What every sandbox transaction answers with: success (infcode 0), a refusal (-1) whose output
// names a reject_code (and whatever the refusal adds), and the input parsed by the message's
// schema, a bad input refused as INVALID_INPUT naming the first field at fault.
import type { z } from 'zod';
import type { TxAnswer } from './transactions';

export const ok = (output: unknown): TxAnswer => ({ infcode: 0, err_msg: '', output });

export const reject = (code: string, msg: string, extra: Record<string, unknown> = {}): TxAnswer => ({ infcode: -1, err_msg: msg, output: { reject_code: code, ...extra } });

export function parse<T extends z.ZodType>(schema: T, input: unknown): { ok: true; value: z.output<T> } | { ok: false; answer: TxAnswer } {
  const r = schema.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  const i = r.error.issues[0];
  return { ok: false, answer: reject('INVALID_INPUT', `输入不正确：${i ? `${i.path.join('.')} ${i.message}` : ''}`) };
}
