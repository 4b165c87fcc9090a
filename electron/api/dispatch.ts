// The one dispatch behind every transport: authorize → validate → run → audit.
// It never throws: every outcome is an ApiResult.
import type { z } from 'zod';
import type { App } from '../app/create-app';
import { contract, type CallName } from './contract';
import type { CallDef } from './contract/define';
import type { Handler } from './handler-types';
import { handlers } from './handlers';
import { databaseError } from '../db/errors';
import { fail, isAppError, ok, type ApiResult } from './result';
import { roleAllows } from './roles';
import type { Session } from './session';

const SECRET_KEY = /pin|password|secret|token|key/i;

/** Input without anything secret, for the audit log. */
function auditableInput(input: unknown): Record<string, unknown> {
  if (!input || typeof input !== 'object') return {};
  return Object.fromEntries(Object.entries(input).filter(([k]) => !SECRET_KEY.test(k)));
}

export function formatZodIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(整体)'}: ${i.message}`)
    .join('；');
}

export async function dispatch(app: App, session: Session, name: string, rawInput: unknown): Promise<ApiResult<unknown>> {
  if (!Object.hasOwn(contract, name)) {
    return fail('UNKNOWN_CALL', `未知的调用：${name.slice(0, 64)}`);
  }
  const callName = name as CallName;
  const def: CallDef = contract[callName];

  // Authorize before validating: a caller without the role learns nothing about the input's shape.
  const gate = app.auth.checkSession(session, def.role);
  if (gate) return { ok: false, error: gate };

  const parsed = def.input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    return fail('INVALID_INPUT', `输入不正确：${formatZodIssues(parsed.error)}`, {
      issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
    });
  }

  try {
    const handler = handlers[callName] as Handler<CallName>;
    const value = await handler(parsed.data as never, { app, session });
    if (def.audit) {
      app.audit.append({
        action: callName,
        operatorId: session.operator?.id ?? null,
        detail: auditableInput(parsed.data),
      });
    }
    return ok(value);
  } catch (e) {
    if (isAppError(e)) return { ok: false, error: e.toApiError() };
    const db = databaseError(e);
    if (db) {
      app.log.warn(`call ${callName} failed: database`, { code: db.code, error: e instanceof Error ? e.message : String(e) });
      return { ok: false, error: db.toApiError() };
    }
    app.log.error(`call ${callName} failed`, { error: e instanceof Error ? e.stack : String(e) });
    return fail('INTERNAL', '程序内部错误，操作未完成。请重试；如反复出现，请联系技术支持并提供日志。');
  }
}

export { roleAllows };
