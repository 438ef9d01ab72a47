// Lint: typescript-eslint's recommendations, no `any`, no console in library or service code, and the dependency
// direction of DESIGN §1 (services -> eventsourcing -> event-store; services -> http; server -> services).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const forbid = (...patterns) => ({
  'no-restricted-imports': [
    'error',
    { patterns },
  ],
});
const upward = (message, ...group) => ({ group, message });
const matching = (message, regex) => ({ regex, message });

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', '.tap/**', '.stryker-tmp/**', 'reports/**'] },
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
    files: ['packages/web/src/**/*.ts'],
    rules: forbid(upward('the web app knows Meent only through its public HTTP API', '@meent/*')),
  },
  {
    files: ['services/*/src/**/*.ts'],
    rules: forbid(
      upward('a service never imports the composition root or the CLI', '@meent/server', '@meent/cli'),
      upward('a service imports another only through its published package name', '../../*/src/*'),
      matching(
        "a service imports another's published language (`/events`) or what it offers others (`/standing`), never its root",
        '^@meent/(membership|voting|budget|initiative-funding)$',
      ),
    ),
  },
  {
    // The domain is pure: it knows zod, the engine's contracts, its own files and other contexts' published language.
    files: ['services/*/src/domain/**/*.ts'],
    rules: forbid(
      matching(
        "the domain imports only zod, @meent/eventsourcing, its own files and other services' ./events",
        '^(?!zod$|@meent/eventsourcing$|@meent/[a-z-]+/events$|\\./)',
      ),
    ),
  },
  {
    // A route maps HTTP to a command or a view; what takes longer belongs in application/.
    files: ['services/*/src/**/*.routes.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 120 }] },
  },
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', URL: 'readonly' } },
  },
);
