// `npm start`: the Electron app; when no Electron binary is installed (its download was
// skipped or failed), say so and start browser mode instead. `npm run web` (--web) goes
// straight to browser mode. Extra arguments pass through (e.g. --data-dir DIR).
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const webOnly = args.includes('--web');
const passThrough = args.filter((a) => a !== '--web');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

/** Path of the Electron binary, or null when the package has none. */
function electronBinary() {
  try {
    const p = require('electron'); // throws when the binary was never downloaded
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

const run = (cmd, a) => execFileSync(cmd, a, { stdio: 'inherit' });

const electron = webOnly ? null : electronBinary();
if (!webOnly && !electron) {
  console.log('未找到 Electron 可执行文件（安装时跳过或无法下载）。改用浏览器模式：同样的服务与界面，运行在 127.0.0.1。');
  console.log('No Electron binary installed; starting browser mode instead.');
}

run(npm, ['run', '-s', 'build:renderer']);
let child;
if (electron) {
  run(process.execPath, ['scripts/ensure-native.mjs', 'electron']);
  run(npm, ['run', '-s', 'build:electron']);
  child = spawn(electron, ['.', ...passThrough], { stdio: 'inherit' });
} else {
  run(process.execPath, ['scripts/ensure-native.mjs', 'node']);
  child = spawn(npx, ['tsx', 'electron/web/run.ts', ...passThrough], { stdio: 'inherit' });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
