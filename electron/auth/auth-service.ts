// Operators and sessions: login with PIN, growing delays after wrong PINs, idle lock,
// and the role gate the dispatch asks before running any call.
import type { OperatorView } from '../api/contract/auth';
import type { OperatorRecord } from '../api/contract/security';
import { AppError, type ApiError } from '../api/result';
import { z } from 'zod';
import { ROLES, roleAllows, type RequiredRole, type Role } from '../api/roles';
import type { Session } from '../api/session';
import type { Clock } from '../app/clock';
import type { Db } from '../db/open';
import { insertInto, many, one, run, value } from '../db/sql';
import type { AuditLog } from './audit';
import { LoginThrottle, operatorDelayAfter } from './login-throttle';
import { hashPin, verifyPin } from './pin';

export type { OperatorRecord };

export const IDLE_LOCK_MINUTES = 15;

const OperatorRow = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  pin_hash: z.string(),
  failed_attempts: z.number().int(),
  locked_until: z.string().nullable(),
  active: z.number().int(),
  created_at: z.string(),
  pin_changed_at: z.string().nullable(),
});
type OperatorRow = z.output<typeof OperatorRow>;
const RoleActive = z.object({ role: z.enum(ROLES), active: z.number().int() });
const ROLE_ACTIVE_SQL = 'SELECT role, active FROM operators WHERE id = :id';
const OPERATOR_SQL = 'SELECT * FROM operators WHERE id = :id';
const count = z.number().int();
const CLEAR_FAILURES_SQL = 'UPDATE operators SET failed_attempts = 0, locked_until = NULL WHERE id = :id';

/** A hash to check unknown operator numbers against (made on first use: scrypt is slow). */
let dummyHash: string | null = null;

/**
 * Shortest PIN per role. Supervisors and admins approve refunds and manage operators, and their
 * numbers are easy to learn at a clinic, so their PINs are longer: the lockout bounds guesses
 * per 15 minutes, the length bounds what those guesses can cover.
 */
export const MIN_PIN_LENGTH: Readonly<Record<Role, number>> = { cashier: 4, supervisor: 6, admin: 6 };
export const MAX_PIN_LENGTH = 64;

/** A PIN that the operator number or a run of one digit would guess is refused; so is one too short for the role. */
export function checkPinStrength(pin: string, operatorId: string, role: Role): void {
  const min = MIN_PIN_LENGTH[role];
  if (pin.length < min || pin.length > MAX_PIN_LENGTH) {
    throw new AppError('PIN_WEAK', `${roleName(role)}的密码长度应为 ${min}–${MAX_PIN_LENGTH} 位。`, { minLength: min });
  }
  if (pin === operatorId) throw new AppError('PIN_WEAK', '密码不能与工号相同。');
  if (/^(.)\1+$/.test(pin)) throw new AppError('PIN_WEAK', '密码不能是同一个字符的重复（如 0000）。');
  if ('01234567890'.includes(pin) || '09876543210'.includes(pin)) throw new AppError('PIN_WEAK', '密码不能是连续数字（如 1234 / 4321）。');
}

export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    /** The idle lock's time (setting idleLockMinutes); the window is told it by system.info. */
    readonly idleLockMs = IDLE_LOCK_MINUTES * 60_000,
    /**
     * Milliseconds of real elapsed time for the idle lock: monotonic, so changing the PC's clock
     * neither triggers nor dodges it, and tests that move the app clock through a simulated week
     * are not locked out. Tests of the lock itself pass their own.
     */
    private readonly idleNow: () => number = () => performance.now(),
  ) {}

  /** Wrong-PIN delays per source and per unknown number (known numbers: their row). */
  private readonly throttle = new LoginThrottle();

  /** When each logged-in session last made a gated call (idleNow time).*/
  private readonly lastSeen = new WeakMap<Session, number>();

  /**
   * The role gate: null when the session may make a call needing `need`. Also where the idle
   * lock happens, and where a session of an operator disabled (or whose role changed) since
   * login stops working.
   */
  checkSession(session: Session, need: RequiredRole): ApiError | null {
    if (need === 'public') return null;
    if (!session.operator) return { code: 'AUTH_REQUIRED', message: '请先登录。' };
    const now = this.idleNow();
    const seen = this.lastSeen.get(session) ?? now;
    if (now - seen > this.idleLockMs) {
      this.audit.append({ action: 'auth.idle-lock', operatorId: session.operator.id, subject: session.operator.id });
      session.operator = null;
      this.lastSeen.delete(session);
      return { code: 'SESSION_LOCKED', message: '长时间未操作，已锁定。请重新输入工号和密码。' };
    }
    const row = one(this.db, ROLE_ACTIVE_SQL, { id: session.operator.id }, RoleActive);
    if (!row || !row.active || row.role !== session.operator.role) {
      session.operator = null;
      this.lastSeen.delete(session);
      return { code: 'AUTH_REQUIRED', message: '账号已被停用或权限已变更，请重新登录。' };
    }
    if (!roleAllows(session.operator.role, need)) {
      return { code: 'FORBIDDEN', message: `此操作需要${roleName(need)}权限。` };
    }
    this.lastSeen.set(session, now);
    return null;
  }

  /**
   * Whether an event meant for `need` may be pushed to this session now: logged in, not idle past
   * the lock, still active in a role that allows it. Side-effect free: an event is not activity
   * (it does not keep a session awake), and the idle lock itself happens at the session's next
   * call (checkSession). The transports ask this for every event and every window.
   */
  mayReceive(session: Session, need: RequiredRole): boolean {
    if (need === 'public') return true;
    const op = session.operator;
    if (!op) return false;
    const seen = this.lastSeen.get(session);
    if (seen === undefined || this.idleNow() - seen > this.idleLockMs) return false;
    const row = one(this.db, ROLE_ACTIVE_SQL, { id: op.id }, RoleActive);
    return Boolean(row && row.active && row.role === op.role && roleAllows(op.role, need));
  }

  /** Log out: the session has no operator any more (and receives no operator's events). */
  logout(session: Session): void {
    session.operator = null;
    this.lastSeen.delete(session);
  }

  /** Lock the window now (the cashier steps away); the operator must log in again. */
  lock(session: Session): void {
    if (session.operator) this.audit.append({ action: 'auth.lock', operatorId: session.operator.id, subject: session.operator.id });
    session.operator = null;
    this.lastSeen.delete(session);
  }

  /**
   * Add an operator; `by` is the admin doing it (null: demo seed or first-run bootstrap).
   * The PIN's strength is checked by the caller (the API), so the demo seed may use 1234.
   */
  addOperator(id: string, name: string, role: Role, pin: string, by: string | null = null): void {
    this.db.transaction(() => {
      if (value(this.db, 'SELECT 1 FROM operators WHERE id = :id', { id }, count) !== undefined) {
        throw new AppError('OPERATOR_EXISTS', `工号 ${id} 已存在。`, { id });
      }
      const at = this.clock.now().toISOString();
      insertInto(this.db, 'operators', { id, name, role, pin_hash: hashPin(pin), created_at: at, pin_changed_at: at });
      this.audit.append({ action: 'operator.add', operatorId: by, subject: id, detail: { name, role } });
    })();
  }

  listOperators(): OperatorRecord[] {
    const now = this.clock.now();
    return many(this.db, 'SELECT * FROM operators ORDER BY id', {}, OperatorRow).map((r) => ({
      id: r.id,
      name: r.name,
      role: r.role,
      active: r.active === 1,
      locked: Boolean(r.locked_until && new Date(r.locked_until) > now),
      lockedUntil: r.locked_until && new Date(r.locked_until) > now ? r.locked_until : null,
      failedAttempts: r.failed_attempts,
      createdAt: r.created_at,
      pinChangedAt: r.pin_changed_at,
    }));
  }

  /** Disable (or re-enable) an operator; their open sessions stop at their next call. */
  setActive(id: string, active: boolean, by: string | null): void {
    this.db.transaction(() => {
      const row = this.requireOperator(id);
      if (!active && row.role === 'admin' && this.activeAdmins() <= 1 && row.active) {
        throw new AppError('LAST_ADMIN', '不能停用最后一个管理员账号。请先添加另一个管理员。');
      }
      run(this.db, 'UPDATE operators SET active = :active WHERE id = :id', { active: active ? 1 : 0, id });
      this.audit.append({ action: active ? 'operator.enable' : 'operator.disable', operatorId: by, subject: id });
    })();
  }

  /** Lift a lockout after repeated wrong PINs. */
  unlock(id: string, by: string | null): void {
    this.db.transaction(() => {
      this.requireOperator(id);
      run(this.db, CLEAR_FAILURES_SQL, { id });
      this.audit.append({ action: 'operator.unlock', operatorId: by, subject: id });
    })();
  }

  /** An admin sets someone's PIN (forgotten PIN); also lifts a lockout. Strength is checked by the caller. */
  setPin(id: string, pin: string, by: string | null): void {
    this.db.transaction(() => {
      this.requireOperator(id);
      run(this.db, 'UPDATE operators SET pin_hash = :pinHash, pin_changed_at = :at, failed_attempts = 0, locked_until = NULL WHERE id = :id', {
        pinHash: hashPin(pin),
        at: this.clock.now().toISOString(),
        id,
      });
      this.audit.append({ action: 'operator.set-pin', operatorId: by, subject: id });
    })();
  }

  /** The logged-in operator changes their own PIN, proving the old one (wrong tries count toward the lockout). */
  changePin(session: Session, oldPin: string, newPin: string): void {
    if (!session.operator) throw new AppError('AUTH_REQUIRED', '请先登录。');
    const id = session.operator.id;
    this.verify(id, oldPin, 'auth.change-pin');
    if (oldPin === newPin) throw new AppError('PIN_UNCHANGED', '新密码不能与原密码相同。');
    checkPinStrength(newPin, id, session.operator.role);
    this.db.transaction(() => {
      run(this.db, 'UPDATE operators SET pin_hash = :pinHash, pin_changed_at = :at WHERE id = :id', { pinHash: hashPin(newPin), at: this.clock.now().toISOString(), id });
      this.audit.append({ action: 'auth.change-pin', operatorId: id, subject: id });
    })();
  }

  /**
   * A second person authorizes an action at the window (a supervisor approving a refund):
   * their PIN is checked like a login (lockout applies) and their role must be at least `need`.
   */
  authorize(operatorId: string, pin: string, need: Role, purpose: string): OperatorView {
    const op = this.verify(operatorId, pin, purpose);
    if (!roleAllows(op.role, need)) {
      this.audit.append({ action: `${purpose}.forbidden`, operatorId: op.id, subject: op.id, detail: { need } });
      throw new AppError('FORBIDDEN', `此操作需要${roleName(need)}授权，工号 ${op.id} 无此权限。`);
    }
    return op;
  }

  private requireOperator(id: string): OperatorRow {
    const row = one(this.db, OPERATOR_SQL, { id }, OperatorRow);
    if (!row) throw new AppError('OPERATOR_NOT_FOUND', `没有工号为 ${id} 的操作员。`, { id });
    return row;
  }

  private activeAdmins(): number {
    return value(this.db, "SELECT count(*) FROM operators WHERE role = 'admin' AND active = 1", {}, count) ?? 0;
  }

  /** True when at least one active admin exists (the CLI's first-run bootstrap needs none). */
  hasAdmin(): boolean {
    return this.activeAdmins() > 0;
  }

  operatorCount(): number {
    return value(this.db, 'SELECT count(*) FROM operators', {}, count) ?? 0;
  }

  /**
   * Check an operator's PIN (login, a supervisor authorizing a cashier's action, a PIN change).
   * An unknown or disabled number and a wrong PIN get the same answer (LOGIN_FAILED, no count of
   * tries left), cost the same scrypt and are throttled alike, so nothing tells which numbers
   * exist. Wrong tries slow down the source and the number (login-throttle.ts: growing delays,
   * LOGIN_THROTTLED), never lock an operator out. Every failure is audited.
   */
  verify(operatorId: string, pin: string, purpose: string, source?: Session): OperatorView {
    const row = one(this.db, OPERATOR_SQL, { id: operatorId }, OperatorRow);
    const known = row && row.active ? row : null;
    const nowMs = this.clock.now().getTime();
    const numberWait = !this.throttle.numberDelayApplies(source, operatorId)
      ? 0
      : known
        ? Math.max(0, (known.locked_until ? Date.parse(known.locked_until) : 0) - nowMs)
        : this.throttle.unknownWait(operatorId, nowMs);
    const wait = Math.max(this.throttle.sourceWait(source, nowMs), numberWait);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new AppError('LOGIN_THROTTLED', `密码输错次数过多：请 ${seconds} 秒后再试。忘记密码请找主管或管理员。`, { retryAfterSeconds: seconds });
    }
    // One scrypt either way: an unknown number costs what a real check costs.
    const good = verifyPin(pin, known ? known.pin_hash : (dummyHash ??= hashPin('not-a-real-pin')));
    if (!known || !good) {
      if (known) {
        const failed = known.failed_attempts + 1;
        const delay = operatorDelayAfter(failed);
        this.db.transaction(() => {
          run(this.db, 'UPDATE operators SET failed_attempts = :failed, locked_until = :until WHERE id = :id', {
            failed,
            until: delay ? new Date(nowMs + delay).toISOString() : null,
            id: known.id,
          });
          this.audit.append({ action: `${purpose}.failed`, operatorId: known.id, subject: known.id, detail: { failed, delayedSeconds: Math.ceil(delay / 1000) } });
        })();
        this.throttle.failed(source, null, nowMs);
      } else {
        this.audit.append({ action: `${purpose}.failed`, subject: operatorId, detail: { reason: 'unknown operator' } });
        this.throttle.failed(source, operatorId, nowMs);
      }
      throw new AppError('LOGIN_FAILED', '工号或密码不正确。');
    }
    if (known.failed_attempts || known.locked_until) run(this.db, CLEAR_FAILURES_SQL, { id: known.id });
    this.throttle.succeeded(source, known.id);
    return { id: known.id, name: known.name, role: known.role };
  }

  login(session: Session, operatorId: string, pin: string): OperatorView {
    const op = this.verify(operatorId, pin, 'auth.login', session);
    session.operator = op;
    this.lastSeen.set(session, this.idleNow());
    this.audit.append({ action: 'auth.login', operatorId: op.id, subject: op.id });
    return op;
  }
}

export function roleName(role: RequiredRole): string {
  return { public: '任何人', cashier: '收费员', supervisor: '主管', admin: '管理员' }[role];
}
