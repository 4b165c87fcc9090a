// Security calls: PIN change, screen lock, operator administration, audit and database checks,
// backups. Also the type of the Electron bridge (window.cashier), which the renderer imports.
import { z } from 'zod';
import type { ApiResult } from '../result';
import { ROLES, type Role } from '../roles';
import { call } from './define';
import type { AppEventMap } from './events';
import type { CallInput, CallName, CallOutput } from './index';

/** An operator as the admin screen shows it (never the PIN hash). */
export interface OperatorRecord {
  id: string;
  name: string;
  role: Role;
  active: boolean;
  /** A wrong-PIN delay is running (growing, at most 3 minutes; never a lock: login-throttle.ts). */
  locked: boolean;
  /** When the delay ends. */
  lockedUntil: string | null;
  /** Wrong PINs since the last correct one. */
  failedAttempts: number;
  createdAt: string;
  pinChangedAt: string | null;
}

export type AuditVerifyReport =
  | { ok: true; entries: number }
  | { ok: false; entries: number; firstBrokenId: number; reason: string };

/** The audit chain's latest entry: recorded off the PC, it anchors later checks. */
export interface AuditHead {
  entries: number;
  lastId: number;
  hash: string;
}

export interface BackupInfo {
  file: string;
  at: string;
  bytes: number;
}

export interface DbCheckReport {
  ok: boolean;
  problems: string[];
}

const operatorId = z.string().trim().max(32).regex(/^[A-Za-z0-9_-]{1,32}$/, '工号只能是字母、数字、-、_，最长 32 位');
const pin = z.string().min(4).max(64);
const empty = z.object({}).strict();

// Operator changes are audited by the auth service inside their own transaction (with the
// admin as operator and the target as subject), hence `audit: false` on those calls.
export const securityCalls = {
  'security.changePin': call({ input: z.object({ oldPin: pin, newPin: pin }).strict(), role: 'cashier', summary: '修改自己的密码' }).returns<null>(),
  'security.lock': call({ input: empty, role: 'cashier', summary: '锁定屏幕（离开窗口时）' }).returns<null>(),
  'security.operators': call({ input: empty, role: 'admin', summary: '操作员列表' }).returns<OperatorRecord[]>(),
  'security.addOperator': call({
    input: z.object({ id: operatorId, name: z.string().trim().min(1).max(32), role: z.enum(ROLES), pin }).strict(),
    role: 'admin',
    summary: '添加操作员',
  }).returns<OperatorRecord>(),
  'security.setOperatorActive': call({ input: z.object({ id: operatorId, active: z.boolean() }).strict(), role: 'admin', summary: '停用 / 启用操作员' }).returns<OperatorRecord>(),
  'security.unlockOperator': call({ input: z.object({ id: operatorId }).strict(), role: 'supervisor', summary: '解除输错密码的锁定' }).returns<OperatorRecord>(),
  'security.setOperatorPin': call({ input: z.object({ id: operatorId, pin }).strict(), role: 'admin', summary: '重设操作员密码' }).returns<OperatorRecord>(),
  'security.auditVerify': call({
    input: z.object({ anchor: z.object({ id: z.number().int().positive(), hash: z.string().max(64).regex(/^[0-9a-fA-F]{64}$/) }).strict().optional() }).strict(),
    role: 'admin',
    summary: '校验审计日志的哈希链（可带此前记下的锚点）',
    audit: true,
  }).returns<AuditVerifyReport>(),
  'security.auditHead': call({ input: empty, role: 'supervisor', summary: '审计日志链头（打印在交班报告上作锚点）' }).returns<AuditHead>(),
  'security.dbCheck': call({ input: empty, role: 'admin', summary: '数据库完整性检查' }).returns<DbCheckReport>(),
  'security.backupNow': call({ input: empty, role: 'supervisor', summary: '立即备份数据库', audit: true }).returns<BackupInfo>(),
  'security.backups': call({ input: empty, role: 'supervisor', summary: '备份列表' }).returns<BackupInfo[]>(),
};

/**
 * What the Electron preload puts on `window.cashier`: one method per call of the contract
 * (channel `api:<name>`), plus `onEvent`. Browser mode offers the same over its WebSocket.
 */
export type CashierBridge = {
  readonly [N in CallName]: (input: CallInput<N>) => Promise<ApiResult<CallOutput<N>>>;
} & {
  /** Subscribe to pushed events; returns the unsubscribe function. */
  readonly onEvent: (cb: <K extends keyof AppEventMap>(name: K, payload: AppEventMap[K]) => void) => () => void;
};
