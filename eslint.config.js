// Lint: typescript-eslint's recommendations, no `any`, no console in library or service code, and the dependency
// direction of DESIGN §1 (services -> eventsourcing -> event-store; services -> http; server -> services).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const forbid = (...patterns) => ({
  'no-restricted-imports': [
    'error',
    { patterns: patterns.map(({ group, message }) => ({ group, message })) },
  ],
});
const upward = (message, ...group) => ({ group, message });

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', '.tap/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['packages/*/src/**/*.ts', 'services/*/src/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['packages/event-store/src/**/*.ts'],
    rules: forbid(upward('the event store depends on nothing of Meent', '@meent/*')),
  },
  {
    files: ['packages/eventsourcing/src/**/*.ts'],
    rules: forbid(upward('eventsourcing depends only on the event store', '@meent/*', '!@meent/event-store')),
  },
  {
    files: ['packages/http/src/**/*.ts'],
    rules: forbid(upward('the HTTP kit knows no domain', '@meent/*')),
  },
  {
    files: ['services/*/src/**/*.ts'],
    rules: forbid(
      upward('a service never imports the composition root or the CLI', '@meent/server', '@meent/cli'),
      upward('a service imports another only through its published package name', '../../*/src/*'),
    ),
  },
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', URL: 'readonly' } },
  },
);
