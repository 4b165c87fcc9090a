// Navigation, new windows, webviews and network requests, locked to the app. The window
// shows our own bundle only; a link or a script that tries to leave it, open a window, embed a
// webview or fetch anything remote is refused (and logged).
import type { WebContents, Session as ElectronSession } from 'electron';
import { APP_HOST, APP_SCHEME } from './app-protocol';
import { securityHeaders } from './csp';

/** True for a URL of the app's own origin (app://cashier/...). */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/**
 * Requests the window's session may make: its own files, inline data: images, and the
 * developer tools' own pages. Everything else (http, https, ws, file, ftp...) is cancelled,
 * so no remote content can ever be loaded, even if the CSP were weakened.
 */
export function isAllowedRequest(url: string): boolean {
  if (isAppUrl(url)) return true;
  return /^(data:image\/|devtools:\/\/|chrome-devtools:\/\/)/i.test(url);
}

export type GuardLog = (msg: string, ctx?: Record<string, unknown>) => void;

/** The parts of WebContents the guards use. */
export type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/** Lock one WebContents: no navigation away, no redirects away, no windows, no webviews. */
export function lockNavigation(contents: GuardedContents, log: GuardLog = () => undefined): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) {
      event.preventDefault();
      log('blocked navigation', { url: url.slice(0, 200) });
    }
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) {
      event.preventDefault();
      log('blocked redirect', { url: url.slice(0, 200) });
    }
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('blocked webview');
  });
  contents.setWindowOpenHandler(({ url }) => {
    log('blocked new window', { url: url.slice(0, 200) });
    return { action: 'deny' };
  });
}

/** The parts of an Electron session the lock uses. */
export type LockableSession = Pick<
  ElectronSession,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler' | 'setDisplayMediaRequestHandler' | 'webRequest'
>;

/**
 * Lock the window's session: every permission request (camera, microphone, location,
 * notifications, HID, serial, USB, clipboard read...) denied; every request outside the app
 * cancelled; the CSP added to every response. Devices are driven by the main process, never by
 * the page.
 */
export function lockSession(ses: LockableSession, log: GuardLog = () => undefined): void {
  ses.setPermissionRequestHandler((_wc, permission, callback) => {
    log('denied permission request', { permission });
    callback(false);
  });
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.setDisplayMediaRequestHandler(null);
  ses.webRequest.onBeforeRequest({ urls: ['<all_urls>'] }, (details, callback) => {
    const allowed = isAllowedRequest(details.url);
    if (!allowed) log('blocked request', { url: details.url.slice(0, 200) });
    callback({ cancel: !allowed });
  });
  ses.webRequest.onHeadersReceived({ urls: ['<all_urls>'] }, (details, callback) => {
    // The app's own responses carry the CSP (also set by the protocol handler: belt and braces);
    // the developer tools' pages are left as they are.
    if (!isAppUrl(details.url)) return callback({});
    const headers = { ...(details.responseHeaders ?? {}) };
    for (const [k, v] of Object.entries(securityHeaders('text/plain'))) {
      if (k !== 'content-type' && k !== 'cache-control') headers[k] = [v];
    }
    callback({ responseHeaders: headers });
  });
}
