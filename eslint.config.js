// Lint: typescript-eslint, plus the boundaries that keep the app's layers apart.
import tseslint from 'typescript-eslint';

// Regexes over the import specifier (gitignore-style globs would match any folder named "electron").
const IO_MODULES = '^(node:.*|fs|fs/.*|path|os|child_process|net|http|https|crypto|events|stream|url|worker_threads|better-sqlite3-multiple-ciphers|serialport|@serialport/.*|node-hid|ws|electron|pdfkit)$';

/** Pure modules: no clock-free guarantee can be linted, but no I/O import can slip in. */
const PURE = [
  'electron/api/contract/**',
  'electron/api/result.ts',
  'electron/api/roles.ts',
  'electron/api/money.ts',
  'electron/api/error-codes.ts',
  'electron/policy/split/**',
  'electron/center/wire/**',
  'native/protocols/**',
  'native/escpos/**',
];

/** Fen ↔ yuan conversion has one home, electron/api/money.ts: a second formatter or parser is how
 *  "12.5" and "12.50" or a float creep back in. These shapes are what every copy was made of. */
const MONEY_OUTSIDE_ITS_MODULE = [
  { selector: "BinaryExpression[operator='%'][right.value=100]", message: 'fen % 100 is money formatting: use fenToYuan/formatFen from electron/api/money.ts.' },
  { selector: "CallExpression[callee.property.name='toFixed'][arguments.0.value=2]", message: 'toFixed(2) is float money: use fenToYuan/formatFen from electron/api/money.ts.' },
  { selector: 'Literal[regex.pattern=/\\\\\\.\\(?\\\\d\\{(0,|1,)?2\\}/]', message: 'a yuan grammar (two decimal places) belongs in electron/api/money.ts (yuanToFen, parseYuanInput, parseYuan).' },
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
          { regex: '^(\\.\\./)+electron/(?!api/(contract|result|roles|money|error-codes)(/|$))', message: 'renderer/ may import from electron/ only the API contract (electron/api/contract, result, roles) and the money module (electron/api/money).' },
          { regex: '^(\\.\\./)+native/', message: 'renderer/ must not import native/: devices are reached through the API.' },
          { regex: IO_MODULES, message: 'renderer/ runs sandboxed: no Node or device modules.' },
        ],
      }],
    },
  },
  {
    files: ['electron/**/*.ts', 'renderer/**/*.{ts,tsx}', 'native/**/*.ts'],
    ignores: ['electron/api/money.ts'],
    rules: { 'no-restricted-syntax': ['error', ...MONEY_OUTSIDE_ITS_MODULE] },
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
