// A supervisor authorising at a cashier's window: their number and PIN typed into the cashier's
// session (refunds, offline settlements over the limit, a stay's undo steps). The PIN is checked
// like a login (throttled, audited on failure); the operator must be a supervisor or an admin.
import type { OperatorView } from '../api/contract/auth';
import { AppError } from '../api/result';
import type { AuthService } from './auth-service';

export function verifySupervisor(auth: Pick<AuthService, 'verify'>, supervisorId: string, pin: string, purpose: string): OperatorView {
  const sup = auth.verify(supervisorId, pin, purpose);
  if (sup.role !== 'supervisor' && sup.role !== 'admin') {
    throw new AppError('SUPERVISOR_REQUIRED', `${sup.name}（${sup.id}）不是主管：此操作需要主管授权。`, { operatorId: sup.id });
  }
  return sup;
}
