// postinstall: fetch the Electron binary when this machine can, never fail the install when it
// cannot. Electron's own install script is denied in package.json#allowScripts because it exits
// 1 when its download host is unreachable (common in China without a mirror), which would fail
// `npm install` and with it the README's first command. Here the same download is tried (it
// honours ELECTRON_MIRROR and ELECTRON_SKIP_BINARY_DOWNLOAD), bounded in time; without a binary,
// `npm start` runs browser mode (scripts/start.mjs), which has the same services and screens.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const DOWNLOAD_TIMEOUT_MS = 180_000;

function electronInstallScript() {
  try {
    return join(dirname(require.resolve('electron/package.json')), 'install.js');
  } catch {
    return null; // a production install (no devDependencies): nothing to fetch
  }
}

const script = electronInstallScript();
if (script && existsSync(script)) {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    console.log('electron: ELECTRON_SKIP_BINARY_DOWNLOAD is set, no binary fetched; npm start will use browser mode.');
  } else {
    const r = spawnSync(process.execPath, [script], { stdio: 'inherit', timeout: DOWNLOAD_TIMEOUT_MS });
    if (r.status !== 0) {
      console.log(
        [
          '',
          '未能下载 Electron 可执行文件（无法访问其下载地址）。安装已完成：npm start 将以浏览器模式运行（同样的服务与界面）。',
          '需要桌面窗口时，设置镜像后重新下载：ELECTRON_MIRROR=https://npmmirror.com/mirrors/electron/ node node_modules/electron/install.js',
          'The Electron binary could not be downloaded; the install succeeded and `npm start` will run browser mode.',
          'For the desktop window, set ELECTRON_MIRROR and run: node node_modules/electron/install.js',
          '',
        ].join('\n'),
      );
    }
  }
}
