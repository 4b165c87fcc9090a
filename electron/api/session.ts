// Who is on the other end of a transport: one session per window / WebSocket / CLI run.
import { randomUUID } from 'node:crypto';
import type { OperatorView } from './contract/auth';

export interface Session {
  readonly id: string;
  readonly transport: 'ipc' | 'ws' | 'cli' | 'test';
  operator: OperatorView | null;
}

export function newSession(transport: Session['transport'], operator: OperatorView | null = null): Session {
  return { id: randomUUID(), transport, operator };
}
