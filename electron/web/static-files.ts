// Serving the built renderer: only files inside its folder, with a strict CSP.
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

/** Same policy as the Electron window: our own scripts and styles, the API socket, nothing remote. */
export const BROWSER_MODE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

export function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405).end();
    return;
  }
  const pathname = requestPath(req.url);
  if (pathname === null) {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end('bad request path');
    return;
  }
  const rel = normalize(pathname === '/' ? '/index.html' : pathname);
  const file = join(root, rel);
  if (!file.startsWith(normalize(root) + sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-security-policy': BROWSER_MODE_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  if (req.method === 'HEAD') res.end();
  else {
    // A file that vanishes or fails mid-read ends this answer only.
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  }
}

/**
 * The decoded path of a request target, or null when it is not one: malformed percent-encoding
 * (`/%`, any web page can send it with an <img>), an unparseable absolute URL (`http://[`),
 * or a NUL byte. Decoding throws on those; a throw here used to end the whole process.
 */
export function requestPath(target: string | undefined): string | null {
  try {
    const decoded = decodeURIComponent(new URL(target ?? '/', 'http://x').pathname);
    return decoded.includes('\0') ? null : decoded;
  } catch {
    return null;
  }
}
