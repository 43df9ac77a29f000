// ESLint (flat config), for the import boundaries between rooms: the rooms
// and what each may not import are in .ci/boundaries.js (docs/architecture.md).
// No style rules: this lints structure, and nothing here rewrites files.
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
