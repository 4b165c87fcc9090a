// The layer boundaries are a machine check: these imports must be refused by ESLint.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImportErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('lint boundaries', () => {
  it('refuses a renderer import of the database module', async () => {
    const errs = await restrictedImportErrors('renderer/src/Bad.tsx', "import { openDatabase } from '../../electron/db/open';\nexport const x = openDatabase;\n");
    expect(errs.join()).toMatch(/only the API contract/);
  });

  it('refuses a renderer import of native/ and of node:fs', async () => {
    expect(await restrictedImportErrors('renderer/src/Bad.ts', "import { x } from '../../native/escpos/builder';\nexport const y = x;\n")).toHaveLength(1);
    expect(await restrictedImportErrors('renderer/src/Bad.ts', "import { readFileSync } from 'node:fs';\nexport const y = readFileSync;\n")).toHaveLength(1);
  });

  it('allows a renderer import of the API contract', async () => {
    expect(await restrictedImportErrors('renderer/src/Good.ts', "import type { CallName } from '../../electron/api/contract';\nexport type X = CallName;\n")).toEqual([]);
  });

  it('refuses I/O in a pure module (the split engine)', async () => {
    const errs = await restrictedImportErrors('electron/policy/split/bad.ts', "import Database from 'better-sqlite3-multiple-ciphers';\nexport const d = Database;\n");
    expect(errs.join()).toMatch(/pure module/);
  });
});
