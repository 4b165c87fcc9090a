// Where things are on disk: the project's own files, and the per-user data folder.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: the nearest folder above this file that holds package.json. */
function findRoot(): string {
  // Bundled (dist-electron/*.cjs) and source (electron/app/*.ts) both live under the root.
  let dir = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'migrations'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

const ROOT = process.env.CASHIER_APP_ROOT ?? findRoot();

export function projectPath(...parts: string[]): string {
  return resolve(ROOT, ...parts);
}

/** The platform's per-user application data folder for this app. */
export function defaultDataDir(): string {
  const name = 'yibao-cashier';
  switch (process.platform) {
    case 'win32':
      return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), name);
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', name);
    default:
      return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), name);
  }
}
