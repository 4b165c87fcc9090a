// Handlers of the security calls.
import type { OperatorRecord, securityCalls } from '../api/contract/security';
import type { HandlersFor } from '../api/handler-types';
import type { App } from '../app/create-app';
import { AppError } from '../api/result';
import { backupDirOf, backupNow, checkDatabase, listBackups, rotateBackups, DEFAULT_KEEP } from '../db/backup';
import { checkPinStrength } from './auth-service';

function operatorRecord(app: App, id: string): OperatorRecord {
  const rec = app.auth.listOperators().find((o) => o.id === id);
  if (!rec) throw new AppError('OPERATOR_NOT_FOUND', `没有工号为 ${id} 的操作员。`, { id });
  return rec;
}

export const securityHandlers: HandlersFor<typeof securityCalls> = {
  'security.changePin': ({ oldPin, newPin }, { app, session }) => {
    app.auth.changePin(session, oldPin, newPin);
    return null;
  },
  'security.lock': (_in, { app, session }) => {
    app.auth.lock(session);
    return null;
  },
  'security.operators': (_in, { app }) => app.auth.listOperators(),
  'security.addOperator': ({ id, name, role, pin }, { app, session }) => {
    checkPinStrength(pin, id, role);
    app.auth.addOperator(id, name, role, pin, session.operator?.id ?? null);
    return operatorRecord(app, id);
  },
  'security.setOperatorActive': ({ id, active }, { app, session }) => {
    if (!active && id === session.operator?.id) throw new AppError('SELF_DISABLE', '不能停用自己正在使用的账号。');
    app.auth.setActive(id, active, session.operator?.id ?? null);
    return operatorRecord(app, id);
  },
  'security.unlockOperator': ({ id }, { app, session }) => {
    app.auth.unlock(id, session.operator?.id ?? null);
    return operatorRecord(app, id);
  },
  'security.setOperatorPin': ({ id, pin }, { app, session }) => {
    checkPinStrength(pin, id, operatorRecord(app, id).role);
    app.auth.setPin(id, pin, session.operator?.id ?? null);
    return operatorRecord(app, id);
  },
  'security.auditVerify': ({ anchor }, { app }) => (anchor ? app.audit.verifyAnchored(anchor) : app.audit.verify()),
  'security.auditHead': (_in, { app }) => app.audit.head(),
  'security.dbCheck': (_in, { app }) => checkDatabase(app.db),
  'security.backupNow': (_in, { app }) => {
    const dir = backupDirOf(app.dataDir, app.settings);
    const info = backupNow(app.db, { dir, clock: app.clock, kind: 'manual' });
    rotateBackups(app.db, dir, DEFAULT_KEEP, app.clock);
    return info;
  },
  'security.backups': (_in, { app }) => listBackups(backupDirOf(app.dataDir, app.settings)),
};
