import { signToken, type HttpApp, type Role } from '@meent/http';
import { temporaryDirectory } from '@meent/eventsourcing/testing';
import { buildServer, loadConfig, type BuildServerOptions } from '@meent/server';
import type { Test } from 'tap';

export const TEST_SECRET = 'a-test-secret-that-is-long-enough-for-hs256';

export interface TestServer {
  readonly app: HttpApp;
  readonly dataDir: string;
  token(roles: Role[], options?: { subject?: string; cooperativeId?: string }): string;
}

/** The whole server on a fresh data directory, as `meent serve` builds it, closed when the test ends. */
export async function testServer(
  t: Test,
  options: { services?: BuildServerOptions['services']; environment?: Record<string, string> } = {},
): Promise<TestServer> {
  const dataDir = temporaryDirectory(t);
  const config = loadConfig({ MEENT_DATA_DIR: dataDir, MEENT_JWT_SECRET: TEST_SECRET, ...options.environment });
  const app = await buildServer({ config, logger: false, ...(options.services ? { services: options.services } : {}) });
  t.teardown(() => app.close());
  return {
    app,
    dataDir,
    token: (roles, { subject = 'caller-1', cooperativeId } = {}) =>
      signToken(TEST_SECRET, {
        subject,
        roles,
        ...(cooperativeId ? { cooperativeId } : {}),
        expiresInSeconds: 600,
        now: new Date(),
      }),
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
