// The navigation, window, webview, permission and request locks, driven through the same
// events Electron emits (an EventEmitter stands in for WebContents / Session: no Electron
// binary exists here).
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { WebContents } from 'electron';
import { APP_ENTRY_URL, APP_SCHEME_PRIVILEGES, resolveAppUrl } from '../../../electron/security/app-protocol';
import { isAllowedRequest, isAppUrl, lockNavigation, lockSession, type GuardedContents, type LockableSession } from '../../../electron/security/navigation';

class FakeContents extends EventEmitter {
  openHandler: ((d: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }) {
    this.openHandler = h;
  }
  /** Emit like Electron: the listener gets an event whose preventDefault we observe. */
  attempt(name: string, url: string): boolean {
    let prevented = false;
    this.emit(name, { preventDefault: () => (prevented = true) }, url);
    return prevented;
  }
}

describe('app URLs', () => {
  it('only app://cashier is the app', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl('app://cashier/assets/index-abc.js')).toBe(true);
    for (const u of ['app://evil/index.html', 'https://cashier/', 'file:///etc/passwd', 'http://127.0.0.1:5173/', 'javascript:alert(1)', 'not a url', 'app:cashier']) {
      expect(isAppUrl(u), u).toBe(false);
    }
  });

  it('requests outside the app are refused: no remote content at all', () => {
    expect(isAllowedRequest('app://cashier/index.html')).toBe(true);
    expect(isAllowedRequest('data:image/png;base64,AAAA')).toBe(true);
    expect(isAllowedRequest('devtools://devtools/bundled/inspector.html')).toBe(true);
    for (const u of ['https://cdn.example.com/react.js', 'http://127.0.0.1:8080/api', 'ws://127.0.0.1:1/api', 'file:///C:/Windows/win.ini', 'data:text/html,<script>1</script>', 'ftp://x/']) {
      expect(isAllowedRequest(u), u).toBe(false);
    }
  });

  it('the scheme is secure and standard, without CSP bypass or service workers', () => {
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ standard: true, secure: true, bypassCSP: false, allowServiceWorkers: false, corsEnabled: false });
  });

  it('app:// serves only files inside the renderer folder', () => {
    const root = '/opt/cashier/renderer/dist';
    expect(resolveAppUrl(root, 'app://cashier/')).toEqual({ file: `${root}/index.html`, contentType: 'text/html; charset=utf-8' });
    expect(resolveAppUrl(root, 'app://cashier/assets/a.js?v=1')?.file).toBe(`${root}/assets/a.js`);
    // Dot segments (plain or encoded) are resolved, but never above the folder.
    for (const u of ['app://cashier/../../../etc/passwd.js', 'app://cashier/%2e%2e/%2e%2e/etc/passwd.js', 'app://cashier/..%2f..%2fsecret.json']) {
      const hit = resolveAppUrl(root, u);
      expect(hit === null || hit.file.startsWith(root + '/'), u).toBe(true);
    }
    // Other hosts, NUL bytes, backslashes, credentials, bad encodings and unknown file types: nothing.
    for (const u of [
      'app://cashier/assets/%00.js',
      'app://cashier/a%5c..%5c..%5cx.js',
      'app://other/index.html',
      'app://cashier/db.key',
      'app://cashier/cashier.db',
      'app://user:pw@cashier/index.html',
      'app://cashier/%E0%A4%A.js',
      'file:///etc/passwd',
    ]) {
      expect(resolveAppUrl(root, u), u).toBeNull();
    }
  });
});

describe('lockNavigation', () => {
  const setup = () => {
    const c = new FakeContents();
    const log: string[] = [];
    lockNavigation(c as unknown as GuardedContents & WebContents, (m) => log.push(m));
    return { c, log };
  };

  it('keeps the window on the app', () => {
    const { c, log } = setup();
    expect(c.attempt('will-navigate', 'app://cashier/index.html#/settle')).toBe(false);
    expect(c.attempt('will-navigate', 'https://phishing.example/login')).toBe(true);
    expect(c.attempt('will-navigate', 'file:///C:/Users/a/cashier.db')).toBe(true);
    expect(c.attempt('will-redirect', 'http://10.0.0.1/')).toBe(true);
    expect(c.attempt('will-redirect', 'app://cashier/index.html')).toBe(false);
    expect(log).toEqual(['blocked navigation', 'blocked navigation', 'blocked redirect']);
  });

  it('opens no new window and attaches no webview', () => {
    const { c } = setup();
    expect(c.openHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    expect(c.openHandler?.({ url: 'app://cashier/index.html' })).toEqual({ action: 'deny' });
    expect(c.attempt('will-attach-webview', 'about:blank')).toBe(true);
  });
});

describe('lockSession', () => {
  type PermissionRequest = (wc: unknown, p: string, cb: (ok: boolean) => void) => void;
  type Check = (...a: unknown[]) => boolean;
  type BeforeRequest = (d: { url: string }, cb: (r: { cancel?: boolean }) => void) => void;
  type Headers = (d: { url: string; responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders?: Record<string, string[]> }) => void) => void;
  interface FakeSession {
    permissionRequest: PermissionRequest | null;
    permissionCheck: Check | null;
    devicePermission: Check | null;
    beforeRequest: BeforeRequest | null;
    headers: Headers | null;
    displayMedia: unknown;
  }

  function fakeSession() {
    const s: FakeSession = { permissionRequest: null, permissionCheck: null, devicePermission: null, beforeRequest: null, headers: null, displayMedia: 'unset' };
    return Object.assign(s, {
      setPermissionRequestHandler: (h: PermissionRequest) => void (s.permissionRequest = h),
      setPermissionCheckHandler: (h: Check) => void (s.permissionCheck = h),
      setDevicePermissionHandler: (h: Check) => void (s.devicePermission = h),
      setDisplayMediaRequestHandler: (h: unknown) => void (s.displayMedia = h),
      webRequest: {
        onBeforeRequest: (_f: unknown, h: BeforeRequest) => void (s.beforeRequest = h),
        onHeadersReceived: (_f: unknown, h: Headers) => void (s.headers = h),
      },
    });
  }

  it('denies every permission request and check', () => {
    const s = fakeSession();
    lockSession(s as unknown as LockableSession);
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'unknown']) {
      let granted: boolean | null = null;
      s.permissionRequest!(null, p, (ok) => (granted = ok));
      expect(granted, p).toBe(false);
      expect(s.permissionCheck!(null, p, 'app://cashier', {}), p).toBe(false);
    }
    expect(s.devicePermission!({ deviceType: 'hid' })).toBe(false);
    expect(s.displayMedia).toBeNull();
  });

  it('cancels remote requests and adds the CSP to the app\'s responses', () => {
    const s = fakeSession();
    lockSession(s as unknown as LockableSession);
    const decide = (url: string) => {
      let r: { cancel?: boolean } = {};
      s.beforeRequest!({ url }, (x) => (r = x));
      return r.cancel;
    };
    expect(decide('https://cdn.example.com/x.js')).toBe(true);
    expect(decide('app://cashier/assets/x.js')).toBe(false);
    let headers: Record<string, string[]> | undefined;
    s.headers!({ url: 'app://cashier/index.html', responseHeaders: { 'content-type': ['text/html'] } }, (r) => (headers = r.responseHeaders));
    expect(headers?.['content-security-policy']?.[0]).toContain("default-src 'none'");
    expect(headers?.['content-type']).toEqual(['text/html']);
  });
});
