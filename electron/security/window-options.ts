// The main window's options: Electron's security checklist in one place, asserted by
// test/unit/security/window-options.test.ts.
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

export function secureWebPreferences(preloadPath: string, opts: { devTools: boolean }): WebPreferences {
  return {
    preload: preloadPath,
    // The page cannot reach Node, Electron or the preload's scope; the preload runs in a
    // sandboxed renderer and exposes only window.cashier through the context bridge.
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
    safeDialogs: true,
    spellcheck: false,
    devTools: opts.devTools,
  };
}

export function mainWindowOptions(preloadPath: string, opts: { devTools: boolean }): BrowserWindowConstructorOptions {
  return {
    title: '医保结算收费',
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 680,
    show: false,
    backgroundColor: '#f5f6f8',
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(preloadPath, opts),
  };
}

/** What in a WebPreferences breaks the checklist (empty = fine); the app refuses to open such a window. */
export function webPreferenceViolations(p: WebPreferences): string[] {
  const v: string[] = [];
  if (p.contextIsolation !== true) v.push('contextIsolation must be true');
  if (p.sandbox !== true) v.push('sandbox must be true');
  if (p.nodeIntegration !== false) v.push('nodeIntegration must be false');
  if (p.nodeIntegrationInWorker) v.push('nodeIntegrationInWorker must be false');
  if (p.nodeIntegrationInSubFrames) v.push('nodeIntegrationInSubFrames must be false');
  if (p.webSecurity === false) v.push('webSecurity must not be disabled');
  if (p.allowRunningInsecureContent) v.push('allowRunningInsecureContent must be false');
  if (p.webviewTag) v.push('webviewTag must be false');
  if (p.experimentalFeatures) v.push('experimentalFeatures must be false');
  if (p.enableBlinkFeatures) v.push('enableBlinkFeatures must be unset');
  return v;
}
