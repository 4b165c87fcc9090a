// Starts the real browser mode (`tsx electron/web/run.ts`) as a child process on a fresh data
// dir, and headless Chromium to look at it. Used by every end-to-end test.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export interface BrowserMode {
  /** URL with the #token fragment, as printed by browser mode. */
  url: string;
  dataDir: string;
  process: ChildProcess;
  /** Everything the server printed (stdout + stderr), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export async function startBrowserMode(opts: { dataDir?: string; env?: NodeJS.ProcessEnv; args?: string[] } = {}): Promise<BrowserMode> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'cashier-e2e-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/web/run.ts', '--data-dir', dataDir, '--no-open', ...(opts.args ?? [])], {
    env: { ...process.env, CI: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`browser mode did not start in 60 s:\n${out}`)), 60_000);
    const check = () => {
      const m = /CASHIER_URL=(\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`browser mode exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    dataDir,
    process: child,
    output: () => out,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export const ARTIFACTS = join(process.cwd(), 'test-artifacts');

/** Save a screenshot as a test artifact (test-artifacts/<name>.png) and return its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** What every story starts with: browser mode, headless Chromium and one page (20 s waits). */
export interface Story {
  mode: BrowserMode;
  browser: Browser;
  page: Page;
  stop(): Promise<void>;
}

export async function startStory(
  opts: Parameters<typeof startBrowserMode>[0] & { viewport?: { width: number; height: number }; locale?: string } = {},
): Promise<Story> {
  const mode = await startBrowserMode(opts);
  const browser = await launchChromium().catch(async (e: unknown) => {
    await mode.stop();
    throw e;
  });
  const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1440, height: 900 }, ...(opts.locale ? { locale: opts.locale } : {}) });
  page.setDefaultTimeout(20_000);
  return {
    mode,
    browser,
    page,
    async stop() {
      await browser.close();
      await mode.stop();
    },
  };
}
