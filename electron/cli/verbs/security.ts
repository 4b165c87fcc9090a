// Security verbs: audit chain check, database backup / restore / integrity check, operators.
// Database verbs act on the data dir directly (whoever can run them already holds the data
// dir and its key). Operator verbs go through the dispatch as a logged-in admin
// (--admin ID, PIN from CASHIER_ADMIN_PIN or --admin-pin), so they are role-checked and
// audited like the admin screen; only the very first admin of an empty install is added
// without one.
import { AppError } from '../../api/result';
import { ROLES, type Role } from '../../api/roles';
import { newSession, type Session } from '../../api/session';
import type { App } from '../../app/create-app';
import { systemClock } from '../../app/clock';
import { checkPinStrength } from '../../auth/auth-service';
import { findDbKey, saveDbKeyFile } from '../../auth/db-key';
import { holdShared } from '../../db/lock';
import { backupDirOf, backupNow, checkDatabase, DB_FILE, DEFAULT_KEEP, openKeyed, restoreDatabase, rotateBackups } from '../../db/backup';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { requireOption, UsageError, type CliContext, type Verb } from '../verb';

function pinFrom(cli: CliContext, option: string, env: string): string {
  const v = cli.options[option];
  if (typeof v === 'string' && v) return v;
  const e = process.env[env];
  if (e) return e;
  throw new UsageError(`缺少密码：用环境变量 ${env}（推荐，不留在命令历史里）或 --${option} 给出`);
}

/** A CLI session logged in as the admin named by --admin. */
async function adminSession(cli: CliContext, app: App): Promise<Session> {
  const id = requireOption(cli, 'admin');
  const session = newSession('cli');
  const r = await app.call(session, 'auth.login', { operatorId: id, pin: pinFrom(cli, 'admin-pin', 'CASHIER_ADMIN_PIN') });
  if (!r.ok) throw new AppError(r.error.code, r.error.message);
  return session;
}

async function callAsAdmin(cli: CliContext, name: string, input: unknown): Promise<unknown> {
  const app = await cli.app();
  const session = await adminSession(cli, app);
  const r = await app.call(session, name, input);
  if (!r.ok) throw new AppError(r.error.code, r.error.message, r.error.details);
  return r.value;
}

function operatorId(cli: CliContext): string {
  const id = cli.args[0];
  if (!id) throw new UsageError('缺少工号');
  return id;
}

/** A verb that changes one operator (`<verb> <id> --admin ID`) through one admin call and prints the operator. */
function operatorChange(name: string, summary: string, done: string, call: string, input: Record<string, unknown>): Verb {
  return {
    name,
    usage: `${name} <id> --admin ID`,
    summary,
    async run(cli) {
      const rec = (await callAsAdmin(cli, call, { id: operatorId(cli), ...input })) as Parameters<typeof describe>[0];
      cli.print(rec, `${done}：${describe(rec)}`);
      return 0;
    },
  };
}

function describe(o: { id: string; name: string; role: string; active: boolean; locked: boolean }): string {
  return `${o.id}\t${o.name}\t${o.role}\t${o.active ? '启用' : '停用'}${o.locked ? '\t已锁定' : ''}`;
}

export const securityVerbs: Verb[] = [
  {
    name: 'audit verify',
    usage: 'audit verify [--anchor ID:HASH]',
    summary: '校验审计日志的哈希链，指出第一条被改动的记录（退出码 1 = 已被改动）；--anchor 再核对此前记下的链头',
    async run(cli) {
      const app = await cli.app();
      const anchorOpt = cli.options.anchor;
      let anchor: { id: number; hash: string } | null = null;
      if (anchorOpt !== undefined) {
        const m = typeof anchorOpt === 'string' ? /^(\d+):([0-9a-fA-F]{64})$/.exec(anchorOpt) : null;
        if (!m) throw new UsageError('--anchor 的格式为 编号:哈希（audit head 打印的值）');
        anchor = { id: Number(m[1]), hash: m[2]! };
      }
      const r = anchor ? app.audit.verifyAnchored(anchor) : app.audit.verify();
      cli.print(r, r.ok ? `审计日志完整：共 ${r.entries} 条，哈希链无误。` : `审计日志被改动：第 ${r.firstBrokenId} 条起不可信（${r.reason}）。`);
      return r.ok ? 0 : 1;
    },
  },
  {
    name: 'audit head',
    usage: 'audit head',
    summary: '打印审计日志链头（编号:哈希），抄在交班报告或纸上，日后用 audit verify --anchor 核对',
    async run(cli) {
      const app = await cli.app();
      const h = app.audit.head();
      cli.print(h, `${h.lastId}:${h.hash}（共 ${h.entries} 条）`);
      return 0;
    },
  },
  {
    name: 'db backup',
    usage: 'db backup [--out FILE]',
    summary: '在线备份数据库（加密，与原库同一密钥）；默认写入备份目录并轮换',
    async run(cli) {
      const app = await cli.app();
      const out = typeof cli.options.out === 'string' ? cli.options.out : undefined;
      const dir = backupDirOf(app.dataDir, app.settings);
      const info = backupNow(app.db, { out, dir, clock: app.clock, kind: 'manual' });
      if (!out) rotateBackups(app.db, dir, DEFAULT_KEEP, app.clock);
      app.audit.append({ action: 'db.backup', subject: info.file, detail: { bytes: info.bytes, via: 'cli' } });
      cli.print(info, `已备份到 ${info.file}（${info.bytes} 字节）`);
      return 0;
    },
  },
  {
    name: 'db restore',
    usage: 'db restore --from FILE',
    summary: '从备份恢复数据库（程序须已退出；原库先另存）',
    async run(cli) {
      const from = requireOption(cli, 'from');
      const key = findDbKey(cli.dataDir);
      const report = restoreDatabase({ dataDir: cli.dataDir, from, key, clock: systemClock });
      if (key) saveDbKeyFile(cli.dataDir, key);
      // Record the restore in the restored database's own chain.
      const app = await cli.app();
      app.audit.append({ action: 'db.restore', subject: report.restoredFrom, detail: { previousSavedAs: report.previousSavedAs, via: 'cli' } });
      cli.print(report, `已从 ${report.restoredFrom} 恢复${report.previousSavedAs ? `；原数据库另存为 ${report.previousSavedAs}` : ''}`);
      return 0;
    },
  },
  {
    name: 'db check',
    usage: 'db check',
    summary: '数据库完整性检查（PRAGMA integrity_check 与外键检查；退出码 1 = 有问题）',
    async run(cli) {
      const file = join(cli.dataDir, DB_FILE);
      if (!existsSync(file)) throw new AppError('DB_NOT_FOUND', `数据目录中没有数据库：${file}`);
      // Opened directly, not through createApp: a damaged database must still be checkable.
      // It holds the folder's lock like every process that opens the database (db/lock.ts).
      const lock = holdShared(file);
      let db;
      try {
        db = openKeyed(file, findDbKey(cli.dataDir), true);
      } catch (e) {
        lock.release();
        const r = { ok: false, problems: [`cannot open: ${e instanceof Error ? e.message : String(e)}`] };
        cli.print(r, `数据库无法打开（损坏，或密钥不对）：${r.problems[0]}`);
        return 1;
      }
      try {
        const r = checkDatabase(db);
        cli.print(r, r.ok ? '数据库完整性检查通过。' : `数据库有问题：\n${r.problems.join('\n')}`);
        return r.ok ? 0 : 1;
      } finally {
        db.close();
        lock.release();
      }
    },
  },
  {
    name: 'operator list',
    usage: 'operator list --admin ID',
    summary: '列出操作员（需管理员；密码用 CASHIER_ADMIN_PIN）',
    async run(cli) {
      const list = (await callAsAdmin(cli, 'security.operators', {})) as Array<Parameters<typeof describe>[0]>;
      cli.print(list, list.map(describe).join('\n'));
      return 0;
    },
  },
  {
    name: 'operator add',
    usage: 'operator add <id> --name NAME --role cashier|supervisor|admin [--admin ID]',
    summary: '添加操作员（新密码用 CASHIER_NEW_PIN 或 --pin；空库的第一个管理员无需 --admin）',
    async run(cli) {
      const id = operatorId(cli);
      const name = requireOption(cli, 'name');
      const role = requireOption(cli, 'role');
      if (!(ROLES as readonly string[]).includes(role)) throw new UsageError(`--role 只能是 ${ROLES.join(' / ')}`);
      const pin = pinFrom(cli, 'pin', 'CASHIER_NEW_PIN');
      const app = await cli.app();
      if (!app.auth.hasAdmin() && cli.options.admin === undefined) {
        // First run of a real installation: nobody can log in yet, so the first admin is
        // created by whoever holds the data dir. Only an admin may be created this way.
        if (role !== 'admin') throw new AppError('NO_ADMIN_YET', '尚无管理员：请先添加一个管理员（--role admin）。');
        checkPinStrength(pin, id, 'admin');
        app.auth.addOperator(id, name, role as Role, pin, null);
        const rec = app.auth.listOperators().find((o) => o.id === id)!;
        cli.print(rec, `已添加首个管理员：${describe(rec)}`);
        return 0;
      }
      const rec = (await callAsAdmin(cli, 'security.addOperator', { id, name, role, pin })) as Parameters<typeof describe>[0];
      cli.print(rec, `已添加：${describe(rec)}`);
      return 0;
    },
  },
  operatorChange('operator disable', '停用操作员（其已登录的窗口随即失效）', '已停用', 'security.setOperatorActive', { active: false }),
  operatorChange('operator enable', '重新启用操作员', '已启用', 'security.setOperatorActive', { active: true }),
  operatorChange('operator unlock', '解除输错密码造成的锁定', '已解锁', 'security.unlockOperator', {}),
  {
    name: 'operator set-pin',
    usage: 'operator set-pin <id> --admin ID',
    summary: '重设操作员密码（新密码用 CASHIER_NEW_PIN 或 --pin）',
    async run(cli) {
      const id = operatorId(cli);
      const rec = (await callAsAdmin(cli, 'security.setOperatorPin', { id, pin: pinFrom(cli, 'pin', 'CASHIER_NEW_PIN') })) as Parameters<typeof describe>[0];
      cli.print(rec, `已重设密码：${describe(rec)}`);
      return 0;
    },
  },
];
