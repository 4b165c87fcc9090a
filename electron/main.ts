// The Electron main process: thin. It finds the database key (OS safeStorage), starts the
// same app as browser mode and the CLI (createApp), serves the renderer through app://, and
// carries the API over IPC, one session per window. Every security decision lives in
// electron/security/* where tests check it without Electron.
//
// `yibao-cashier --print-db-key` prints the database key and quits (for the admin to keep
// offline, see docs/SECURITY.md "key loss").
import { app as electronApp, BrowserWindow, ipcMain, net, protocol, safeStorage, session as electronSession } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { callNames } from './api/contract';
import { EVENT_AUDIENCE } from './api/contract/events';
import { newSession } from './api/session';
import { createApp, type App } from './app/create-app';
import { defaultDataDir, projectPath } from './app/paths';
import { installProcessSafetyNet } from './app/server-safety';
import { keyFileContent, resolveSafeStorageDbKey } from './auth/db-key';
import { APP_ENTRY_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, resolveAppUrl } from './security/app-protocol';
import { EVENT_CHANNEL, registerApiHandlers } from './security/bridge';
import { securityHeaders } from './security/csp';
import { createRotatingFileLogger } from './security/file-log';
import { isAppUrl, lockNavigation, lockSession } from './security/navigation';
import { mainWindowOptions, webPreferenceViolations } from './security/window-options';

// Must happen before 'ready': app:// gets a real, secure origin.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

// Every web contents ever created (windows, devtools, anything a bug might open) is locked.
electronApp.on('web-contents-created', (_e, contents) => lockNavigation(contents));

/** --data-dir DIR (passed through by `npm start`), else the same folder the CLI and browser mode use. */
function dataDirFromArgs(argv: string[]): string {
  const i = argv.indexOf('--data-dir');
  const eq = argv.find((a) => a.startsWith('--data-dir='));
  return (i >= 0 ? argv[i + 1] : eq?.slice('--data-dir='.length)) || process.env.CASHIER_DATA_DIR || defaultDataDir();
}

// Before ready: Chromium's own files (cache, local storage) go into the same data folder.
electronApp.setPath('userData', dataDirFromArgs(process.argv));
// The window's own controls (date pickers: 年/月/日, spelling, context menus) in Chinese even on a
// clinic PC whose Windows is English; the app's texts follow its own language switch.
electronApp.commandLine.appendSwitch('lang', 'zh-CN');

async function main(): Promise<void> {
  await electronApp.whenReady();
  const dataDir = electronApp.getPath('userData');
  const log = createRotatingFileLogger({ dir: join(dataDir, 'logs'), echo: !electronApp.isPackaged });
  installProcessSafetyNet(log);
  const dbKey = resolveSafeStorageDbKey(dataDir, safeStorage, (m) => log.warn(m));
  if (process.argv.includes('--print-db-key')) {
    process.stdout.write(`${keyFileContent(dbKey)}\n`);
    electronApp.quit();
    return;
  }

  const app: App = await createApp({ dataDir, runtime: 'electron', background: true, dbKey, log });
  const rendererDir = projectPath('renderer', 'dist');

  protocol.handle(APP_SCHEME, async (request) => {
    const hit = resolveAppUrl(rendererDir, request.url);
    if (!hit || !existsSync(hit.file)) {
      return new Response('not found', { status: 404, headers: securityHeaders('text/plain; charset=utf-8') });
    }
    const file = await net.fetch(pathToFileURL(hit.file).toString());
    return new Response(file.body, { status: 200, headers: securityHeaders(hit.contentType) });
  });
  lockSession(electronSession.defaultSession, (m, c) => log.warn(m, c));

  const { sessions } = registerApiHandlers({
    ipc: ipcMain,
    names: callNames,
    isTrustedUrl: isAppUrl,
    newSession: () => newSession('ipc'),
    call: (session, name, input) => app.call(session, name, input),
    log: (m, c) => log.warn(m, c),
  });
  // Each event only to the windows whose session may see it (EVENT_AUDIENCE): a card read never
  // reaches a window that is not logged in or is locked.
  const stopEvents = app.events.onAny((name, payload) => {
    const need = EVENT_AUDIENCE[name];
    for (const w of BrowserWindow.getAllWindows()) {
      if (w.isDestroyed()) continue;
      // A window that has made no call yet has no session: it gets the public events only.
      const session = sessions.get(w.webContents.id);
      if (need === 'public' || (session && app.auth.mayReceive(session, need))) w.webContents.send(EVENT_CHANNEL, name, payload);
    }
  });

  const createWindow = () => {
    const options = mainWindowOptions(join(__dirname, 'preload.cjs'), { devTools: !electronApp.isPackaged });
    const violations = webPreferenceViolations(options.webPreferences ?? {});
    if (violations.length) throw new Error(`insecure window options: ${violations.join(', ')}`);
    const win = new BrowserWindow(options);
    win.once('ready-to-show', () => win.show());
    void win.loadURL(APP_ENTRY_URL);
    return win;
  };
  createWindow();

  electronApp.on('second-instance', () => {
    const [w] = BrowserWindow.getAllWindows();
    if (w) {
      if (w.isMinimized()) w.restore();
      w.focus();
    }
  });
  electronApp.on('window-all-closed', () => {
    stopEvents();
    void app.close().finally(() => electronApp.quit());
  });
}

// One instance per data dir: two would fight over the database and the devices.
if (!electronApp.requestSingleInstanceLock()) {
  electronApp.quit();
} else {
  main().catch((e: unknown) => {
    process.stderr.write(`启动失败：${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    electronApp.exit(1);
  });
}
