// Lint rules, including the folder boundaries of ../shared/STYLE.md: each folder under src/ is one environment,
// and an import that crosses into another environment fails the lint.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NODE_PACKAGES = ['node:*', 'better-sqlite3', 'fastify', 'pino', 'commander', 'serialport', '@serialport/*', 'pg'];
const ELECTRON = ['electron', 'electron/*', 'electron-updater'];
const UI = ['react', 'react-dom', 'react/*', 'zustand', 'zustand/*', '**/renderer/**'];

const boundary = (files, groups) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: groups.map(([group, message]) => ({ group, message })) }],
  },
});

export default tseslint.config(
  { ignores: ['dist/', 'out/', 'node_modules/', 'coverage/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: [
          './tsconfig.json',
          './src/renderer/tsconfig.json',
          './src/main/tsconfig.json',
          './src/console/tsconfig.json',
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/require-await': 'off',
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: { 'no-console': 'off' },
  },
  boundary(
    ['src/shared/**'],
    [
      [[...NODE_PACKAGES, ...ELECTRON, ...UI], 'src/shared is pure: no Node, Electron or UI imports'],
      [['../*/**', '!./**'], 'src/shared imports only from src/shared'],
    ],
  ),
  boundary(
    ['src/common/**'],
    [
      [[...ELECTRON, ...UI], 'src/common is Node code shared by the services'],
      [
        ['**/kiosk/**', '**/hardware/**', '**/central/**', '**/cli/**', '**/main/**', '**/preload/**'],
        'src/common imports only src/shared',
      ],
    ],
  ),
  boundary(
    ['src/kiosk/**', 'src/hardware/**', 'src/central/**'],
    [
      [ELECTRON, 'the services are plain Node programs: Electron stays in src/main and src/preload'],
      [UI, 'services do not import UI code'],
      [['**/main/**', '**/preload/**', '**/cli/**'], 'services do not import the shell or the CLI'],
    ],
  ),
  boundary(['src/kiosk/**'], [[['**/central/**'], 'the kiosk talks to the central system over HTTP only']]),
  boundary(
    ['src/main/**'],
    [
      [UI, 'the shell does not import the screens; it loads them'],
      [
        ['**/kiosk/**', '**/central/**', '**/hardware/**', '**/cli/**'],
        'the shell talks to the kiosk service over ports only',
      ],
    ],
  ),
  boundary(
    ['src/preload/**'],
    [[[...NODE_PACKAGES, ...UI, '../*/**'], 'the preload only touches contextBridge and ipcRenderer']],
  ),
  boundary(
    ['src/renderer/**'],
    [
      [[...NODE_PACKAGES, ...ELECTRON], 'the screens run in a browser: no Node or Electron'],
      [
        ['**/kiosk/**', '**/central/**', '**/hardware/**', '**/common/**', '**/cli/**', '**/main/**', '**/preload/**'],
        'the screens talk to the kiosk through the UI contract only',
      ],
    ],
  ),
  boundary(['src/central/**'], [[['**/kiosk/**', '**/hardware/**'], 'the central system does not import kiosk code']]),
  boundary(
    ['src/console/**'],
    [
      [[...NODE_PACKAGES, ...ELECTRON], "the centre's console runs in a browser: no Node or Electron"],
      [
        ['**/central/**', '**/kiosk/**', '**/hardware/**', '**/common/**', '**/cli/**', '**/renderer/**'],
        'the console talks to the centre over its HTTP API only (it may import src/shared)',
      ],
    ],
  ),
  {
    files: ['src/cli/**', 'bench/**', 'soak/**', 'scripts/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/unbound-method': 'off' },
  },
);
