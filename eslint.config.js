import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bin/**', 'scratch/**', 'services/api/ui/**', 'eslint.config.js'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      eqeqeq: ['error', 'always'],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Migrations take Kysely<any> on purpose: they are frozen in time and never import app types.
      '@typescript-eslint/no-explicit-any': 'off',
      // Fastify plugins and handler maps are async by contract, with or without an await inside.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Functions stay short enough to read in one screen: 60 lines as Prettier wraps them at 120 columns (blank
    // lines and comments not counted). Not for tests and benches (a scenario reads best top to bottom) nor
    // migrations (frozen in time: a shipped migration is never rewritten).
    files: ['shared/**/*.ts', 'services/**/*.ts', 'workers/**/*.ts', 'cli/**/*.ts'],
    ignores: ['shared/db/migrations/**'],
    rules: { 'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true, IIFEs: true }] },
  },
  {
    // expect.any() and friends are typed `any` by design.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    files: ['shared/db/migrations/**'],
    rules: {
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
);
