// Operators for the embedded demo: created only on an empty database in demo mode.
import type { Role } from '../api/roles';
import type { AuthService } from './auth-service';

export const DEMO_OPERATORS: ReadonlyArray<{ id: string; name: string; role: Role; pin: string }> = [
  { id: '1001', name: '李明', role: 'cashier', pin: '1234' },
  { id: '1002', name: '赵丽', role: 'cashier', pin: '1234' },
  { id: '2001', name: '王芳', role: 'supervisor', pin: '246810' },
  { id: '9001', name: '系统管理员', role: 'admin', pin: '990011' },
];

export function seedDemoOperators(auth: AuthService): void {
  if (auth.operatorCount() > 0) return;
  for (const o of DEMO_OPERATORS) auth.addOperator(o.id, o.name, o.role, o.pin);
}
