// The Electron bundles as scripts/build-electron.mjs makes them (into a temp folder): the
// preload carries every call's channel and requires nothing but electron; the main bundle
// keeps electron and the native modules external.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callNames } from '../../../electron/api/contract';
import { tempDir } from '../../helpers/temp-app';

describe('scripts/build-electron.mjs', () => {
  let out: string;
  let preload: string;
  let main: string;
  beforeAll(() => {
    out = tempDir('build-electron-');
    execFileSync(process.execPath, ['scripts/build-electron.mjs', '--outdir', out], { encoding: 'utf8' });
    preload = readFileSync(join(out, 'preload.cjs'), 'utf8');
    main = readFileSync(join(out, 'main.cjs'), 'utf8');
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const requires = (code: string) => [...new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!))].sort();

  it('bakes every contract call name into the preload, which requires only electron', () => {
    expect(requires(preload)).toEqual(['electron']);
    const baked = JSON.parse(/var define_CASHIER_CALL_NAMES_default = (\[.*?\]);/s.exec(preload)![1]!) as string[];
    expect(baked).toEqual(callNames);
    expect(preload).toContain('exposeInMainWorld("cashier"');
    // No schemas (zod) in the sandboxed preload.
    expect(preload).not.toMatch(/ZodError|safeParse/);
  });

  it('keeps electron and the native modules external in the main bundle', () => {
    const req = requires(main);
    expect(req).toEqual(expect.arrayContaining(['electron', 'better-sqlite3-multiple-ciphers']));
    for (const r of req) expect(isBuiltin(r) || ['electron', 'better-sqlite3-multiple-ciphers', 'serialport', 'node-hid', 'pdfkit', 'bufferutil', 'utf-8-validate', 'pg-native'].includes(r) || r.startsWith('@serialport/'), r).toBe(true);
    // Bundled sources: no relative requires left (everything of ours is inside).
    expect(req.filter((r) => r.startsWith('.'))).toEqual([]);
    expect(main).toContain('registerSchemesAsPrivileged');
  });

  it('keeps the sandbox center and the data generators out of the main bundle', () => {
    const sandbox = readFileSync(join(out, 'sandbox.cjs'), 'utf8');
    for (const tool of ['function startSandboxCenter', 'var SandboxCenter = class']) {
      expect(sandbox, tool).toContain(tool);
      expect(main, tool).not.toContain(tool);
    }
    expect(main).not.toContain('function generatePolicyTable');
    // Demo mode reaches it by one dynamic import, next to main.cjs.
    expect(main).toContain('import("./sandbox.cjs")');
  });
});
