import t, { type Test } from 'tap';

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
