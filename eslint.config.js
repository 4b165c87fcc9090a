// Lint: typescript-eslint, plus the boundaries that keep the app's layers apart.
import tseslint from 'typescript-eslint';

// Regexes over the import specifier (gitignore-style globs would match any folder named "electron").
const IO_MODULES = '^(node:.*|fs|fs/.*|path|os|child_process|net|http|https|crypto|events|stream|url|worker_threads|better-sqlite3-multiple-ciphers|serialport|@serialport/.*|node-hid|ws|electron|pdfkit)$';

/** Pure modules: no clock-free guarantee can be linted, but no I/O import can slip in. */
const PURE = [
  'electron/api/contract/**',
  'electron/api/result.ts',
  'electron/api/roles.ts',
  'electron/policy/split/**',
  'electron/center/wire/**',
  'native/protocols/**',
  'native/escpos/**',
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'dist-electron/', 'release/', 'renderer/dist/', 'test-artifacts/', 'test/fixtures/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // The renderer talks to the main process only through the API contract.
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '^(\\.\\./)+electron/(?!api/(contract|result|roles)(/|$))', message: 'renderer/ may import from electron/ only the API contract (electron/api/contract, result, roles).' },
          { regex: '^(\\.\\./)+native/', message: 'renderer/ must not import native/: devices are reached through the API.' },
          { regex: IO_MODULES, message: 'renderer/ runs sandboxed: no Node or device modules.' },
        ],
      }],
    },
  },
  {
    files: PURE,
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: IO_MODULES, message: 'A pure module (split engine, ESC/POS, protocol parsers, contract) imports no I/O.' },
          { regex: '/(db|app)/', message: 'A pure module depends on no database or app service.' },
        ],
      }],
    },
  },
);
