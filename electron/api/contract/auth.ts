// Operators: login, logout, who am I.
import { z } from 'zod';
import type { Role } from '../roles';
import { call } from './define';

export interface OperatorView {
  id: string;
  name: string;
  role: Role;
}

const operatorId = z.string().trim().min(1).max(32);
const pin = z.string().min(4).max(64);

export const authCalls = {
  'auth.login': call({ input: z.object({ operatorId, pin }).strict(), role: 'public', summary: '操作员登录' }).returns<OperatorView>(),
  'auth.logout': call({ input: z.object({}).strict(), role: 'cashier', summary: '退出登录', audit: true }).returns<null>(),
  'auth.whoami': call({ input: z.object({}).strict(), role: 'public', summary: '当前操作员' }).returns<OperatorView | null>(),
};
