// Electron's security checklist, asserted on the exact options and CSP the main process uses.
import { describe, expect, it } from 'vitest';
import { ELECTRON_CSP, parseCsp, securityHeaders } from '../../../electron/security/csp';
import { mainWindowOptions, secureWebPreferences, webPreferenceViolations } from '../../../electron/security/window-options';

describe('window options', () => {
  const opts = mainWindowOptions('/app/dist-electron/preload.cjs', { devTools: false });
  const prefs = opts.webPreferences!;

  it('isolates and sandboxes the page, with no Node anywhere', () => {
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      devTools: false,
      preload: '/app/dist-electron/preload.cjs',
    });
    expect(prefs.enableBlinkFeatures).toBeUndefined();
    expect(webPreferenceViolations(prefs)).toEqual([]);
    expect(opts.show).toBe(false);
  });

  it('devtools only when asked (unpackaged development builds)', () => {
    expect(secureWebPreferences('/p', { devTools: true }).devTools).toBe(true);
  });

  it('the checker catches each weakened option', () => {
    const base = secureWebPreferences('/p', { devTools: false });
    const weakened: Array<[string, object]> = [
      ['contextIsolation', { contextIsolation: false }],
      ['sandbox', { sandbox: false }],
      ['nodeIntegration', { nodeIntegration: true }],
      ['nodeIntegrationInWorker', { nodeIntegrationInWorker: true }],
      ['nodeIntegrationInSubFrames', { nodeIntegrationInSubFrames: true }],
      ['webSecurity', { webSecurity: false }],
      ['allowRunningInsecureContent', { allowRunningInsecureContent: true }],
      ['webviewTag', { webviewTag: true }],
      ['experimentalFeatures', { experimentalFeatures: true }],
      ['enableBlinkFeatures', { enableBlinkFeatures: 'CSSPseudoHas' }],
    ];
    for (const [name, change] of weakened) {
      expect(webPreferenceViolations({ ...base, ...change }).join(), name).toContain(name);
    }
    // Absent means Electron's default for contextIsolation/sandbox, but the app says it explicitly.
    expect(webPreferenceViolations({})).toEqual(expect.arrayContaining(['contextIsolation must be true', 'sandbox must be true', 'nodeIntegration must be false']));
  });
});

describe('content security policy', () => {
  const csp = parseCsp(ELECTRON_CSP);

  it('denies by default and allows only the app itself', () => {
    expect(csp['default-src']).toEqual(["'none'"]);
    expect(csp['script-src']).toEqual(["'self'"]);
    for (const d of ['object-src', 'frame-src', 'child-src', 'worker-src', 'base-uri', 'form-action', 'frame-ancestors', 'media-src']) {
      expect(csp[d], d).toEqual(["'none'"]);
    }
  });

  it('has no remote source, no eval and no inline script anywhere', () => {
    const all = Object.values(csp).flat();
    expect(all.filter((v) => /^(https?:|wss?:|\*|http|ws)/.test(v))).toEqual([]);
    expect(all).not.toContain("'unsafe-eval'");
    expect(csp['script-src']).not.toContain("'unsafe-inline'");
    expect(csp['connect-src']).toEqual(["'self'"]);
    expect(csp['img-src']).toEqual(["'self'", 'data:']);
  });

  it('is sent with every file, with nosniff and no referrer', () => {
    const h = securityHeaders('text/html; charset=utf-8');
    expect(h['content-security-policy']).toBe(ELECTRON_CSP);
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['referrer-policy']).toBe('no-referrer');
    expect(h['content-type']).toBe('text/html; charset=utf-8');
  });
});
