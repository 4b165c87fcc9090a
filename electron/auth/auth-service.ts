// Operators and sessions: login with PIN, lockout after repeated failures, idle lock,
// and the role gate the dispatch asks before running any call.
import type { OperatorView } from '../api/contract/auth';
import { AppError, type ApiError } from '../api/result';
import { roleAllows, type RequiredRole, type Role } from '../api/roles';
import type { Session } from '../api/session';
import type { Clock } from '../app/clock';
import type { Db } from '../db/open';
import type { AuditLog } from './audit';
import { hashPin, verifyPin } from './pin';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MINUTES = 15;
export const IDLE_LOCK_MINUTES = 15;

interface OperatorRow {
  id: string;
  name: string;
  role: Role;
  pin_hash: string;
  failed_attempts: number;
  locked_until: string | null;
  active: number;
}

export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly idleLockMs = IDLE_LOCK_MINUTES * 60_000,
  ) {}

  /** The role gate: null when the session may make a call needing `need`. */
  checkSession(session: Session, need: RequiredRole): ApiError | null {
    if (need === 'public') return null;
    if (!session.operator) return { code: 'AUTH_REQUIRED', message: '请先登录。' };
    if (Date.now() - session.lastActivityAt > this.idleLockMs) {
      session.operator = null;
      return { code: 'SESSION_LOCKED', message: '长时间未操作，已锁定。请重新输入工号和密码。' };
    }
    if (!roleAllows(session.operator.role, need)) {
      return { code: 'FORBIDDEN', message: `此操作需要${roleName(need)}权限。` };
    }
    return null;
  }

  addOperator(id: string, name: string, role: Role, pin: string): void {
    this.db
      .prepare('INSERT INTO operators (id, name, role, pin_hash, created_at) VALUES (?,?,?,?,?)')
      .run(id, name, role, hashPin(pin), this.clock.now().toISOString());
  }

  operatorCount(): number {
    return (this.db.prepare('SELECT count(*) n FROM operators').get() as { n: number }).n;
  }

  /**
   * Check an operator's PIN (login, or a supervisor authorizing a cashier's action).
   * Failures count toward the lockout; every outcome is audited.
   */
  verify(operatorId: string, pin: string, purpose: string): OperatorView {
    const row = this.db.prepare('SELECT * FROM operators WHERE id = ?').get(operatorId) as OperatorRow | undefined;
    const now = this.clock.now();
    if (!row || !row.active) {
      this.audit.append({ action: `${purpose}.failed`, subject: operatorId, detail: { reason: 'unknown operator' } });
      throw new AppError('LOGIN_FAILED', '工号或密码不正确。');
    }
    if (row.locked_until && new Date(row.locked_until) > now) {
      throw new AppError('OPERATOR_LOCKED', `连续输错密码，账号已锁定至 ${row.locked_until.slice(11, 16)}（UTC）。请联系主管解锁。`);
    }
    if (!verifyPin(pin, row.pin_hash)) {
      const failed = row.failed_attempts + 1;
      const lock = failed >= MAX_FAILED_LOGINS ? new Date(now.getTime() + LOCKOUT_MINUTES * 60_000).toISOString() : null;
      this.db.transaction(() => {
        this.db.prepare('UPDATE operators SET failed_attempts = ?, locked_until = ? WHERE id = ?').run(lock ? 0 : failed, lock, row.id);
        this.audit.append({ action: `${purpose}.failed`, operatorId: row.id, subject: row.id, detail: { failed, locked: Boolean(lock) } });
      })();
      if (lock) throw new AppError('OPERATOR_LOCKED', `连续 ${MAX_FAILED_LOGINS} 次输错密码，账号锁定 ${LOCKOUT_MINUTES} 分钟。`);
      throw new AppError('LOGIN_FAILED', `工号或密码不正确（还可尝试 ${MAX_FAILED_LOGINS - failed} 次）。`);
    }
    this.db.prepare('UPDATE operators SET failed_attempts = 0, locked_until = NULL WHERE id = ?').run(row.id);
    return { id: row.id, name: row.name, role: row.role };
  }

  login(session: Session, operatorId: string, pin: string): OperatorView {
    const op = this.verify(operatorId, pin, 'auth.login');
    session.operator = op;
    session.lastActivityAt = Date.now();
    this.audit.append({ action: 'auth.login', operatorId: op.id, subject: op.id });
    return op;
  }
}

export function roleName(role: RequiredRole): string {
  return { public: '任何人', cashier: '收费员', supervisor: '主管', admin: '管理员' }[role];
}
