// The app:// protocol: how the Electron window loads the renderer (renderer/dist, built by
// Vite). A custom scheme instead of file:// gives the app a real origin (app://cashier) the
// CSP's 'self' and the navigation guard can pin, and lets no page read arbitrary files.
import { extname, join, normalize, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'cashier';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Privileges for protocol.registerSchemesAsPrivileged (before app ready). */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  // No CORS bypass, no service workers, no streaming of media: the app needs none of them.
  bypassCSP: false,
  corsEnabled: false,
  allowServiceWorkers: false,
  stream: false,
} as const;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.json': 'application/json; charset=utf-8',
};

/**
 * The file inside `root` an app:// URL names, or null when it names anything else (another
 * host, a path escaping the folder, an unknown type). The caller still checks the file exists.
 */
export function resolveAppUrl(root: string, url: string): { file: string; contentType: string } | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST || u.username || u.password) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const rel = normalize(pathname === '/' || pathname === '' ? '/index.html' : pathname);
  const base = normalize(root);
  const file = join(base, rel);
  if (!file.startsWith(base.endsWith(sep) ? base : base + sep)) return null;
  const contentType = TYPES[extname(file).toLowerCase()];
  if (!contentType) return null;
  return { file, contentType };
}
