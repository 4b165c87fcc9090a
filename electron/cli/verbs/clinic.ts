// Clinic verbs of the CLI (docs/CLINIC.md): the administrator's schema migration and window
// registration on the clinic's PostgreSQL, and a window's stream status and drain.
import { resolveSettings } from '../../app/config';
import { addClinicWindow, clinicPool, migrateClinicDb, withClient } from '../../clinic/pg';
import { UsageError, type CliContext, type Verb } from '../verb';

/** The administrator's connection: --admin-url or CASHIER_CLINIC_ADMIN_URL (keeps the password out of `ps`). */
function adminPool(cli: CliContext) {
  const url = typeof cli.options['admin-url'] === 'string' ? cli.options['admin-url'] : process.env.CASHIER_CLINIC_ADMIN_URL;
  if (!url) throw new UsageError('缺少管理员连接：--admin-url postgresql://... 或环境变量 CASHIER_CLINIC_ADMIN_URL');
  const s = resolveSettings({ flags: cli.settingFlags, env: process.env });
  return clinicPool({ ...s, clinicDatabaseUrl: url }, { max: 1, applicationName: 'cashier-clinic-admin' });
}

export const clinicVerbs: Verb[] = [
  {
    name: 'clinic migrate',
    usage: 'clinic migrate [--admin-url URL]',
    summary: '诊所汇总库：创建或升级 PostgreSQL 表结构与角色（管理员执行）',
    async run(cli) {
      const pool = adminPool(cli);
      try {
        const r = await withClient(pool, (c) => migrateClinicDb(c));
        cli.print(r, `汇总库结构：${r.from} → ${r.to}${r.applied.length ? `（应用 ${r.applied.join(', ')}）` : '（已是最新）'}`);
        return 0;
      } finally {
        await pool.end();
      }
    },
  },
  {
    name: 'clinic add-window',
    usage: 'clinic add-window <NN> --role NAME [--reader] [--name TEXT] [--admin-url URL]   (密码：CASHIER_CLINIC_WINDOW_PASSWORD)',
    summary: '诊所汇总库：登记一个窗口及其专用登录角色（--reader = 主管窗口，可读全诊所）',
    booleans: ['reader'],
    async run(cli) {
      const windowId = cli.args[0] ?? '';
      const role = cli.options['role'];
      const password = process.env.CASHIER_CLINIC_WINDOW_PASSWORD ?? '';
      if (typeof role !== 'string') throw new UsageError('缺少 --role NAME');
      if (password.length < 12) throw new UsageError('请在环境变量 CASHIER_CLINIC_WINDOW_PASSWORD 中给出该角色的密码（至少 12 个字符）');
      const pool = adminPool(cli);
      try {
        const name = typeof cli.options['name'] === 'string' ? cli.options['name'] : '';
        await withClient(pool, (c) => addClinicWindow(c, { windowId, role, password, name, reader: cli.options['reader'] === true }));
        cli.print({ windowId, role, reader: cli.options['reader'] === true }, `窗口 ${windowId} 已登记，登录角色 ${role}`);
        return 0;
      } finally {
        await pool.end();
      }
    },
  },
  {
    name: 'clinic status',
    usage: 'clinic status',
    summary: '本窗口到诊所汇总库的上传状态（待传条数、最早一条的时间、错误）',
    async run(cli) {
      const app = await cli.app();
      if (!app.clinic.enabled) {
        cli.print(null, '本窗口未接入诊所汇总库（clinicDatabaseUrl 为空）');
        return 0;
      }
      const s = app.clinic.stream.status();
      cli.print(s, `窗口 ${s.windowId}：待传 ${s.pending} 条${s.oldestPendingAt ? `，最早 ${s.oldestPendingAt}` : ''}`);
      return 0;
    },
  },
  {
    name: 'clinic drain',
    usage: 'clinic drain [--timeout s]',
    summary: '把本窗口尚未写入诊所汇总库的记录立即传完',
    async run(cli) {
      const app = await cli.app();
      const timeout = Number(cli.options['timeout'] ?? 60);
      if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError('--timeout 应为正数（秒）');
      await app.clinic.stream.drain(timeout * 1000);
      const s = app.clinic.stream.status();
      cli.print(s, `窗口 ${s.windowId}：已全部写入汇总库`);
      return 0;
    },
  },
];
