// Browser mode: the same services and renderer as the Electron app, served on 127.0.0.1.
// `npm run web` starts it directly; `npm start` falls back to it when Electron is absent.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from '../cli/main';
import { createApp } from '../app/create-app';
import { SETTINGS, flagName, type SettingKey } from '../app/config';
import { defaultDataDir, projectPath } from '../app/paths';
import { resolveDbKey } from '../auth/db-key';
import { installProcessSafetyNet } from '../app/server-safety';
import { startWebServer } from './server';

/** Open the URL in the system's browser when one exists; never fatal. */
function openInBrowser(url: string): void {
  const cmd = process.platform === 'win32' ? 'cmd' : process.platform === 'darwin' ? 'open' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '""', url] : [url];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser: the printed URL is enough.
  }
}

async function main(): Promise<void> {
  const { options } = parseArgs(process.argv.slice(2));
  const dataDir = typeof options['data-dir'] === 'string' ? options['data-dir'] : process.env.CASHIER_DATA_DIR ?? defaultDataDir();
  const flags: Partial<Record<SettingKey, string>> = {};
  for (const k of Object.keys(SETTINGS) as SettingKey[]) {
    const v = options[flagName(k).slice(2)];
    if (typeof v === 'string') flags[k] = v;
  }
  // --static-dir: another folder of built files (the probe suite serves a one-file page, so it
  // does not depend on a renderer build).
  const staticDir = typeof options['static-dir'] === 'string' ? options['static-dir'] : projectPath('renderer', 'dist');
  if (!existsSync(staticDir)) {
    process.stderr.write('未找到界面文件 renderer/dist：请先运行 npm run build:renderer（npm start / npm run web 会自动构建）。\n');
    process.exit(1);
  }
  const app = await createApp({ dataDir, runtime: 'browser', flags, background: true, dbKey: resolveDbKey(dataDir) });
  installProcessSafetyNet(app.log);
  const port = typeof options.port === 'string' ? Number(options.port) : Number(process.env.CASHIER_WEB_PORT ?? 0);
  const server = await startWebServer({ app, staticDir, port, token: process.env.CASHIER_WEB_TOKEN || undefined });

  // One machine-readable line first (tests and scripts read it), then the human one.
  process.stdout.write(`CASHIER_URL=${server.urlWithToken}\n`);
  process.stdout.write(`浏览器模式已启动：${server.urlWithToken}\n数据目录：${dataDir}${app.demo ? '（演示模式：内置沙箱中心、演示目录、模拟设备）' : ''}\n按 Ctrl+C 退出。\n`);
  if (!options['no-open'] && !process.env.CI) openInBrowser(server.urlWithToken);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`浏览器模式启动失败：${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
