// Makes sure the native modules are built for the runtime about to load them.
// `node scripts/ensure-native.mjs node`     before tests / browser mode / CLI
// `node scripts/ensure-native.mjs electron` before the Electron app
// better-sqlite3 is not N-API: a build for Electron's ABI cannot load in Node and vice versa,
// so we remember which one is built (node_modules/.cashier-native-target) and rebuild on change.
// serialport and node-hid ship N-API prebuilds that load in both.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const target = process.argv[2] ?? 'node';
const marker = 'node_modules/.cashier-native-target';
const NON_NAPI = ['better-sqlite3-multiple-ciphers'];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function loadsInNode() {
  const r = spawnSync(process.execPath, ['-e', `new (require('better-sqlite3-multiple-ciphers'))(':memory:').close()`], { encoding: 'utf8' });
  return r.status === 0;
}

const built = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : '';
if (target === 'node') {
  const want = `node-${process.versions.modules}`;
  if (built === want || (built === '' && loadsInNode())) {
    writeFileSync(marker, want);
  } else {
    console.log(`原生模块为 ${built || '未知运行时'} 构建，正在为 Node ${process.version} 重新构建…`);
    execFileSync(npm, ['rebuild', ...NON_NAPI], { stdio: 'inherit' });
    if (!loadsInNode()) throw new Error('better-sqlite3-multiple-ciphers still fails to load in Node after rebuild');
    writeFileSync(marker, want);
  }
} else if (target === 'electron') {
  const version = require('electron/package.json').version;
  const want = `electron-${version}`;
  if (built !== want) {
    console.log(`正在为 Electron ${version} 重新构建原生模块（首次启动需要约一分钟）…`);
    execFileSync(npx, ['electron-rebuild', '-f', '-v', version, '-w', NON_NAPI.join(',')], { stdio: 'inherit' });
    writeFileSync(marker, want);
  }
} else {
  console.error(`unknown target ${target}: use node or electron`);
  process.exit(2);
}
