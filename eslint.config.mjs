// Lint for the whole repository: ESLint's and typescript-eslint's recommended rules. Formatting is
// prettier's job (`npm run lint` runs both).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'cdk.out/', 'cdk.out.stacksets/', 'reports/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly' },
    },
    rules: {
      // `_name` marks what is deliberately left unused (a destructured field kept out of a copy).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // A clock is a parameter: only shared/src/util/clock.ts reads the wall clock. A test, fake or
      // builder that read it would pass today and fail on a later date (issue 26). A line that is
      // about the wall clock itself (a wait loop on a real server) says so in its disable comment.
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='Date'][property.name='now']",
          message: 'Take the time from the run or test clock (wallClockMs in shared/src/util/clock.ts is the one wall clock).',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Take the time from the run or test clock (wallClock in shared/src/util/clock.ts is the one wall clock).',
        },
      ],
    },
  },
  { files: ['shared/src/util/clock.ts'], rules: { 'no-restricted-syntax': 'off' } },
);
