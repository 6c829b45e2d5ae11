// Lint rules: type-aware typescript-eslint, floating promises rejected, layer imports checked by depcruise.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['.tmp/', 'node_modules/', 'dist/', 'coverage/', 'test/artifacts/', 'web/dist/', '*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'Use explicit named re-exports (STYLE.md).' },
        { selector: 'TSEnumDeclaration', message: 'Use as-const string unions, not enums (STYLE.md).' },
      ],
    },
  },
  {
    files: ['src/engine/**/*.ts', 'src/model/**/*.ts', 'src/config/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Time is passed in (ARCHITECTURE.md §2).' },
        { object: 'Math', property: 'random', message: 'Pure code is deterministic; take a seed.' },
      ],
    },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
  // bin/ holds plain-JS launchers outside the TypeScript project: lint them without type information.
  { files: ['bin/**/*.js'], ...tseslint.configs.disableTypeChecked },
);
