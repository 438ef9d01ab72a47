import { signToken, type HttpApp, type Role } from '@meent/http';
import { temporaryDirectory } from '@meent/eventsourcing/testing';
import { buildServer, loadConfig, type BuildServerOptions } from '@meent/server';
import type { Test } from 'tap';

export const TEST_SECRET = 'a-test-secret-that-is-long-enough-for-hs256';

export interface TestServer {
  readonly app: HttpApp;
  readonly dataDir: string;
  /** The server's clock: real time unless the test sets it. */
  readonly clock: TestClock;
  token(roles: Role[], options?: { subject?: string; cooperativeId?: string }): string;
}

/** Time as the server sees it; once set, it stands still until set again, so rules on days and deadlines are
 * exercised without waiting. */
export class TestClock {
  private fixed: Date | undefined;

  now = (): Date => (this.fixed ? new Date(this.fixed) : new Date());

  set(instant: Date | string): void {
    this.fixed = new Date(instant);
  }

  advance(milliseconds: number): void {
    this.fixed = new Date(this.now().getTime() + milliseconds);
  }
}

const DAY_MS = 86_400_000;
export const days = (count: number) => count * DAY_MS;
/**
 * The financial year (calendar, the default statutes') of the real clock, for a budget in a test whose processes keep
 * real time: its books are open from its first day until they are closed, so across New Year's Eve too.
 */
export const thisYear = () => new Date().getUTCFullYear();

/** The whole server on a fresh data directory, as `meent serve` builds it, closed when the test ends. */
export async function testServer(
  t: Test,
  options: { services?: BuildServerOptions['services']; environment?: Record<string, string> } = {},
): Promise<TestServer> {
  const dataDir = temporaryDirectory(t);
  const config = loadConfig({ MEENT_DATA_DIR: dataDir, MEENT_JWT_SECRET: TEST_SECRET, ...options.environment });
  const clock = new TestClock();
  const app = await buildServer({
    config,
    logger: false,
    clock: clock.now,
    ...(options.services ? { services: options.services } : {}),
  });
  t.teardown(() => app.close());
  return {
    app,
    dataDir,
    clock,
    // Valid for a year of test time, so a test may move the clock on by weeks and keep its tokens.
    token: (roles, { subject = 'caller-1', cooperativeId } = {}) =>
      signToken(TEST_SECRET, {
        subject,
        roles,
        ...(cooperativeId ? { cooperativeId } : {}),
        expiresInSeconds: 365 * 86_400,
        now: clock.now(),
      }),
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
