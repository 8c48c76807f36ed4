// Lint: typescript-eslint's recommended rules, plus the layer rules of docs/ARCHITECTURE.md:
//   shared/   never imports electron/, renderer/, Node built-ins or 'electron'
//   shared/model never imports ingest/ or query/; shared/ingest never imports query/;
//   shared/query never imports ingest/ values, only its types (queries read the model, never a parser)
//   renderer/ never imports electron/ or Node built-ins
//   electron/host never imports 'electron' (it runs in the CLI and browser mode too)
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const restrict = (patterns, paths = []) => ['error', { patterns, paths }];
const noNode = nodeBuiltins.map((name) => ({ name, message: 'Node built-ins are not allowed in this layer.' }));

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.vite/**', 'out/**', '.tools/**', 'e2e/artifacts/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts', 'shared/test-support/**'],
    rules: {
      'no-restricted-imports': restrict(
        [
          { group: ['**/electron/**', 'electron', '**/renderer/**'], message: 'shared/ must not import electron/ or renderer/.' },
        ],
        noNode,
      ),
    },
  },
  {
    files: ['shared/model/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [{ group: ['**/ingest/**', '**/query/**', '**/electron/**', 'electron', '**/renderer/**'], message: 'model is the bottom layer: it imports nothing above it.' }],
        noNode,
      ),
    },
  },
  {
    files: ['shared/ingest/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [{ group: ['**/query/**', '**/electron/**', 'electron', '**/renderer/**'], message: 'ingest may import model only (ingest → model → query → renderer).' }],
        noNode,
      ),
    },
  },
  {
    // Tests may parse fixtures with ingest's parsers; query code itself sees only the model.
    files: ['shared/query/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      // Types may cross (ingest's result shapes); values may not: query never runs a parser.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/ingest/**'], allowTypeImports: true, message: 'query reads the model only: import ingest types with `import type`, move values to shared/model.' }] },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/vite.config.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [{ group: ['**/electron/**', 'electron', '**/ingest/**'], message: 'renderer/ talks to the host through the bridge only; it never parses.' }],
        noNode,
      ),
    },
  },
  {
    files: ['electron/host/**/*.ts', 'electron/server.ts', 'electron/cli.ts', 'electron/csp.ts', 'electron/app-protocol.ts'],
    rules: {
      'no-restricted-imports': restrict([{ group: ['electron', '**/renderer/**'], message: 'host code runs without Electron (CLI, browser mode).' }]),
    },
  },
);
