// The sandbox center and the data generators are tools, not the app (issue 15): main.cjs, the
// bundle the installers ship, reaches the sandbox only through demo-sandbox.ts's dynamic import
// of sandbox/load (built as the separate sandbox.cjs, which electron-builder.yml leaves out).
// What main.cjs may hold of electron/center/sandbox/ is the demo tray's persons and the faults
// setting's parser (the faults setting is read at start); never the server, the persons store,
// the national chain, or electron/policy/generate.ts.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ALLOWED_FROM_SANDBOX = ['electron/center/sandbox/demo-persons.ts', 'electron/center/sandbox/faults.ts'];

async function mainBundleInputs(): Promise<string[]> {
  const r = await build({
    entryPoints: ['electron/main.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    metafile: true,
    logLevel: 'silent',
    packages: 'external',
    // As scripts/build-electron.mjs: the sandbox's one door stays a runtime import of sandbox.cjs.
    plugins: [
      {
        name: 'sandbox-apart',
        setup(b) {
          b.onResolve({ filter: /\/sandbox\/load(\.ts)?$/ }, (a) => (a.kind === 'dynamic-import' ? { path: './sandbox.cjs', external: true } : undefined));
        },
      },
    ],
  });
  return Object.keys(r.metafile.inputs);
}

describe('the production bundle', () => {
  it('holds no sandbox center and no data generator', async () => {
    const inputs = await mainBundleInputs();
    expect(inputs.length).toBeGreaterThan(100);
    expect(inputs).toContain('electron/devices/part.ts');
    expect(inputs.filter((f) => f.startsWith('electron/center/sandbox/') && !ALLOWED_FROM_SANDBOX.includes(f))).toEqual([]);
    expect(inputs.filter((f) => f === 'electron/policy/generate.ts')).toEqual([]);
  }, 60_000);

  it('the build script keeps the sandbox apart and the installers leave sandbox.cjs out', () => {
    expect(readFileSync('scripts/build-electron.mjs', 'utf8')).toMatch(/sandbox\\\/load/);
    expect(readFileSync('electron-builder.yml', 'utf8')).toContain('"!dist-electron/sandbox.cjs"');
  });
});
