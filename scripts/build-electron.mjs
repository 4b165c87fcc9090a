// Bundles the Electron main process and preload with esbuild:
//   electron/main.ts    → dist-electron/main.cjs     (Node, CommonJS)
//   electron/preload.ts → dist-electron/preload.cjs  (sandboxed preload: one file, only `electron` required)
//   electron/center/sandbox/load.ts → dist-electron/sandbox.cjs  (demo mode's sandbox center and
//     its data generators: a tool, not the app. main.cjs reaches it only through demo-sandbox.ts's
//     dynamic import, kept external here; electron-builder.yml leaves it out of the installers)
// External (loaded from node_modules at run time): electron itself, the native modules (they
// are rebuilt for Electron's ABI and cannot be bundled), pdfkit (reads its font files next to
// its own sources) and ws's optional native helpers.
// The preload gets the API's call names baked in (__CASHIER_CALL_NAMES__), computed here from
// electron/api/contract, so it needs neither zod nor the schemas.
// Usage: node scripts/build-electron.mjs [--outdir DIR]
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argOut = process.argv.indexOf('--outdir');
const outdir = argOut > 0 ? resolve(process.argv[argOut + 1]) : join(root, 'dist-electron');

export const EXTERNAL = [
  'electron',
  'better-sqlite3-multiple-ciphers',
  'serialport',
  '@serialport/*',
  'node-hid',
  'pdfkit',
  'bufferutil',
  'utf-8-validate',
  // pg (the clinic database) requires this optional native binding inside a try; we never install it.
  'pg-native',
];

/** The contract's call names, read by bundling the (pure) contract and evaluating it. */
async function callNames() {
  const out = await build({
    stdin: { contents: "export { callNames } from './electron/api/contract/index.ts';", resolveDir: root, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
  });
  const mod = { exports: {} };
  // The contract is pure (zod and types; checked by the lint boundary rule), so evaluating it is safe.
  new Function('module', 'exports', 'require', out.outputFiles[0].text)(mod, mod.exports, createRequire(join(root, 'package.json')));
  return mod.exports.callNames;
}

const names = await callNames();
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
};

/** The sandbox's one door (demo-sandbox.ts's dynamic import of sandbox/load) stays a runtime
 *  import of the separate sandbox.cjs next to main.cjs. */
const sandboxApart = {
  name: 'sandbox-apart',
  setup(b) {
    b.onResolve({ filter: /\/sandbox\/load(\.ts)?$/ }, (args) => (args.kind === 'dynamic-import' ? { path: './sandbox.cjs', external: true } : undefined));
  },
};

await build({
  ...common,
  entryPoints: { main: 'electron/main.ts', sandbox: 'electron/center/sandbox/load.ts' },
  outdir,
  outExtension: { '.js': '.cjs' },
  external: EXTERNAL,
  plugins: [sandboxApart],
  // import.meta.url (used by a few modules to find files) means the bundle's own URL.
  banner: { js: "const __bundle_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__bundle_import_meta_url' },
});

await build({
  ...common,
  entryPoints: { preload: 'electron/preload.ts' },
  outdir,
  outExtension: { '.js': '.cjs' },
  // A sandboxed preload may require only a few modules; electron is the one it uses.
  external: ['electron'],
  define: { __CASHIER_CALL_NAMES__: JSON.stringify(names) },
});

process.stdout.write(`built ${outdir}/main.cjs, sandbox.cjs and preload.cjs (${names.length} API calls)\n`);
