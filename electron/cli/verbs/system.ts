// Verbs about the app itself: status, info, settings, database migration.
import { shownSetting } from '../../api/redact';
import { SETTINGS, type SettingKey } from '../../app/config';
import { writeStoredSetting } from '../../app/stored-settings';
import { newSession } from '../../api/session';
import { UsageError, type Verb } from '../verb';

export const systemVerbs: Verb[] = [
  {
    name: 'status',
    usage: 'status',
    summary: '显示状态：数据库版本、中心、上传队列、目录版本',
    async run(cli) {
      const app = await cli.app();
      const s = newSession('cli');
      const info = await app.call(s, 'system.info', {});
      const status = await app.call(s, 'system.status', {});
      cli.print({ info: info.ok ? info.value : info.error, status: status.ok ? status.value : status.error });
      return 0;
    },
  },
  {
    name: 'db migrate',
    usage: 'db migrate',
    summary: '打开数据库并执行未执行的迁移，打印结构版本',
    async run(cli) {
      const app = await cli.app();
      cli.print({ schemaVersion: app.schemaVersion }, `数据库结构版本：${app.schemaVersion}`);
      return 0;
    },
  },
  {
    name: 'settings get',
    usage: 'settings get',
    summary: '列出全部设置的生效值（密钥不显示）',
    async run(cli) {
      const app = await cli.app();
      const shown = Object.fromEntries(Object.entries(app.settings).map(([k, v]) => [k, shownSetting(k, v)]));
      cli.print(shown, Object.entries(shown).map(([k, v]) => `${k} = ${String(v)}`).join('\n'));
      return 0;
    },
  },
  {
    name: 'settings set',
    usage: 'settings set <key> <value>',
    summary: '把一个设置保存到数据目录（下次启动生效）',
    async run(cli) {
      const [key, value] = cli.args;
      if (!key || value === undefined || !(key in SETTINGS)) {
        throw new UsageError(`用法：settings set <key> <value>；key 为：${Object.keys(SETTINGS).join(', ')}`);
      }
      const def = SETTINGS[key as SettingKey];
      const parsed = def.schema.safeParse(value);
      if (!parsed.success) throw new UsageError(`设置项 ${key} 的值无效：${String(shownSetting(key, value))}`);
      const app = await cli.app();
      app.db.transaction(() => {
        writeStoredSetting(app.db, key as SettingKey, parsed.data, app.clock.now());
        app.audit.append({ action: 'settings.set', subject: key, detail: { value: shownSetting(key, parsed.data) } });
      })();
      cli.print({ key, saved: true }, `已保存 ${key}`);
      return 0;
    },
  },
];
