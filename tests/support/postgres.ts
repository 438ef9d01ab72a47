import t, { type Test } from 'tap';
import { TEST_SECRET } from './test-server.js';

/** What a `meent serve` process needs to run on the test's PostgreSQL, in a schema of its own, on any free port. */
export function postgresServeEnvironment(url: string, schema: string): Record<string, string> {
  return {
    MEENT_EVENT_STORE: 'postgres',
    MEENT_READ_STORE: 'postgres',
    MEENT_POSTGRES_URL: url,
    MEENT_POSTGRES_SCHEMA: schema,
    MEENT_JWT_SECRET: TEST_SECRET,
    MEENT_PORT: '0',
    MEENT_LOG_LEVEL: 'info',
  };
}

/** Runs `body` against the test PostgreSQL; where there is none, the test is reported skipped with the reason — or
 * fails, where CI requires PostgreSQL. */
export function postgresTest(title: string, body: (t: Test, url: string) => Promise<void>): void {
  const url = process.env.MEENT_TEST_POSTGRES_URL;
  if (url) {
    t.test(title, (t) => body(t, url));
    return;
  }
  const reason = process.env.MEENT_TEST_POSTGRES_UNAVAILABLE ?? 'MEENT_TEST_POSTGRES_URL is not set';
  if (process.env.MEENT_REQUIRE_POSTGRES) t.fail(`PostgreSQL is required here: ${reason}`);
  else t.test(title, { skip: reason }, async () => undefined);
}
