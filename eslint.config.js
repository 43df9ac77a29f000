// ESLint (flat config), for the import boundaries between rooms: the rooms
// and what each may not import are in .ci/boundaries.js (docs/architecture.md);
// and the formatter: @stylistic's rules for the layout the code already has
// (`npm run format` rewrites, `npm run lint` fails on what it would rewrite).
// Indentation and line length are left to the author: the code aligns
// continuations by meaning, which an indent rule would undo.
import stylistic from '@stylistic/eslint-plugin';
import tseslint from 'typescript-eslint';
import { boundaries, specifierPattern } from './.ci/boundaries.js';

const SOURCES = '**/*.{ts,tsx,js,mjs}';

export default [
  { ignores: ['node_modules/', 'dist/', 'web/dist/', '.data/', '.data-live/', '.tmp/', 'test-results/', 'model/'] },
  {
    files: [SOURCES],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { ecmaVersion: 'latest', sourceType: 'module', ecmaFeatures: { jsx: true } },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: [SOURCES],
    plugins: { '@stylistic': stylistic },
    rules: {
      '@stylistic/semi': ['error', 'always'],
      '@stylistic/quotes': ['error', 'single', { avoidEscape: true, allowTemplateLiterals: 'always' }],
      '@stylistic/comma-dangle': ['error', 'always-multiline'],
      '@stylistic/comma-spacing': 'error',
      '@stylistic/key-spacing': 'error',
      '@stylistic/keyword-spacing': 'error',
      '@stylistic/space-before-blocks': 'error',
      '@stylistic/space-infix-ops': 'error',
      '@stylistic/arrow-parens': ['error', 'always'],
      '@stylistic/arrow-spacing': 'error',
      '@stylistic/brace-style': ['error', '1tbs', { allowSingleLine: true }],
      '@stylistic/no-trailing-spaces': 'error',
      '@stylistic/eol-last': 'error',
      '@stylistic/no-multiple-empty-lines': ['error', { max: 1, maxEOF: 0 }],
      '@stylistic/no-tabs': 'error',
      '@stylistic/jsx-quotes': ['error', 'prefer-double'],
    },
  },
  // Shortest room first: a file in a nested room gets that room's full list.
  ...[...boundaries]
    .sort((a, b) => a.room.length - b.room.length)
    .map(({ room, forbid, why }) => ({
      files: [`${room}${SOURCES}`],
      rules: {
        'no-restricted-imports':
          forbid.length === 0
            ? 'off'
            : [
                'error',
                {
                  patterns: forbid.map((target) => ({
                    regex: specifierPattern(room, target),
                    caseSensitive: true,
                    message: `${room} may not import ${target}: ${why}.`,
                  })),
                },
              ],
      },
    })),
];
