import t, { type Test } from 'tap';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createHttpApp,
  forbidden,
  isAdmin,
  principalOf,
  signToken,
  type HttpApp,
  type ReadinessCheck,
} from '@meent/http';

const secret = 'a-test-secret-that-is-long-enough-for-hs256';
const now = new Date('2026-11-25T12:00:00.000Z');

const exampleRoutes: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/echo',
    { schema: { body: z.strictObject({ name: z.string().min(1), amountCents: z.int().nonnegative() }) } },
    async (request) => request.body,
  );
  app.get('/explode', async () => {
    throw new Error('SQLITE_CORRUPT at /var/lib/meent/events.db');
  });
  app.get('/rebuilding', async () => {
    // As a read model being rebuilt after an upgrade fails a read (`ReadModelRebuildingError`).
    throw Object.assign(new Error('read model motions is being rebuilt: at 3 of 9'), {
      statusCode: 503,
      code: 'READ_MODEL_REBUILDING',
      retryAfterSeconds: 7,
      publicDetail: 'This part of the service is being rebuilt after an upgrade (33% done); please try again shortly.',
    });
  });
  app.get('/admin-only', { onRequest: app.authenticate }, async (request) => {
    if (!isAdmin(principalOf(request))) throw forbidden('Only an admin may do this');
    return { ok: true };
  });
};

async function build(t: Test, readiness: ReadinessCheck[] = [], logLines: string[] = []): Promise<HttpApp> {
  const app = await createHttpApp({
    logger: { level: 'info', stream: { write: (line: string) => void logLines.push(line) } },
    tokens: { secret },
    clock: () => now,
    bodyLimitBytes: 1024,
    readiness,
  });
  await app.register(exampleRoutes);
  t.teardown(() => app.close());
  return app;
}

const token = (roles: ('admin' | 'member')[]) =>
  signToken(secret, {
    subject: 'someone',
    cooperativeId: '0193a6f0-0000-7000-8000-000000000001',
    roles,
    expiresInSeconds: 60,
    now,
  });

t.test('a bad body is a 400 problem naming each failing field', async (t) => {
  const app = await build(t);
  const response = await app.inject({ method: 'POST', url: '/echo', payload: { name: '', amountCents: 1.5, extra: 1 } });
  t.equal(response.statusCode, 400);
  t.match(response.headers['content-type'], /^application\/problem\+json/);
  const problem = response.json();
  t.match(problem, { type: 'urn:meent:problem:validation', status: 400, code: 'VALIDATION', instance: '/echo' });
  t.same(
    problem.errors.map((error: { field: string }) => error.field).sort(),
    ['amountCents', 'body', 'name'],
  );
});

t.test('malformed JSON is a 400 problem, not a 500', async (t) => {
  const app = await build(t);
  const response = await app.inject({
    method: 'POST',
    url: '/echo',
    headers: { 'content-type': 'application/json' },
    payload: '{"name": ',
  });
  t.equal(response.statusCode, 400);
  t.match(response.headers['content-type'], /problem\+json/);
});

t.test('a body over the limit is a 413 problem', async (t) => {
  const app = await build(t);
  const response = await app.inject({ method: 'POST', url: '/echo', payload: { name: 'x'.repeat(2000), amountCents: 1 } });
  t.equal(response.statusCode, 413);
  t.match(response.json(), { status: 413 });
});

t.test('an unexpected error is a 500 that does not leak its message, logged with the request id', async (t) => {
  const logLines: string[] = [];
  const app = await build(t, [], logLines);
  const response = await app.inject({ method: 'GET', url: '/explode', headers: { 'x-request-id': 'trace-42' } });
  t.equal(response.statusCode, 500);
  t.equal(response.headers['x-request-id'], 'trace-42');
  t.notMatch(response.body, /SQLITE|var\/lib/);
  t.match(response.json(), { code: 'INTERNAL', detail: /trace-42/ });
  const logged = logLines.map((line) => JSON.parse(line) as { reqId?: string; msg?: string; err?: unknown });
  t.ok(logged.some((entry) => entry.reqId === 'trace-42' && entry.err), 'the error is logged with its request id');
  const incoming = logged.filter((entry) => entry.msg === 'incoming request');
  t.ok(incoming.length > 0 && incoming.every((entry) => entry.reqId), 'every request log line has one');
});

t.test('a part being rebuilt is a 503 that says so, with when to try again', async (t) => {
  const app = await build(t);
  const response = await app.inject({ method: 'GET', url: '/rebuilding' });
  t.equal(response.statusCode, 503);
  t.equal(response.headers['retry-after'], '7');
  t.match(response.json(), { code: 'READ_MODEL_REBUILDING', detail: /being rebuilt after an upgrade \(33% done\)/ });
  t.notMatch(response.body, /motions|3 of 9/, 'what the error says for the log stays there');
});

t.test('an unknown route is a 404 problem', async (t) => {
  const app = await build(t);
  const response = await app.inject({ method: 'GET', url: '/nowhere' });
  t.equal(response.statusCode, 404);
  t.match(response.json(), { code: 'ROUTE_NOT_FOUND' });
});

t.test('a request without a usable id gets a generated one', async (t) => {
  const app = await build(t);
  const response = await app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'bad id!' } });
  t.match(response.headers['x-request-id'], /^[0-9a-f-]{36}$/);
});

t.test('authentication and roles', async (t) => {
  const app = await build(t);
  const call = (authorization?: string) =>
    app.inject({ method: 'GET', url: '/admin-only', headers: authorization ? { authorization } : {} });
  t.equal((await call()).statusCode, 401, 'no token');
  t.equal((await call('Bearer nonsense')).statusCode, 401, 'an invalid token');
  t.equal((await call(`Basic ${token(['admin'])}`)).statusCode, 401, 'not a bearer token');
  t.equal((await call(`Bearer ${token(['member'])}`)).statusCode, 403, 'the wrong role');
  t.equal((await call(`Bearer ${token(['admin'])}`)).statusCode, 200);
});

t.test('health', async (t) => {
  let storeUp = true;
  const app = await build(t, [
    {
      name: 'event-store',
      check: async () => {
        if (!storeUp) throw new Error('connection refused');
      },
    },
  ]);
  t.same((await app.inject({ url: '/health/live' })).json(), { status: 'live' });
  t.same((await app.inject({ url: '/health/ready' })).json(), { status: 'ready', checks: { 'event-store': 'ok' } });
  storeUp = false;
  const down = await app.inject({ url: '/health/ready' });
  t.equal(down.statusCode, 503);
  t.match(down.json(), { code: 'NOT_READY', detail: 'event-store is not reachable' });
});

t.test('metrics in Prometheus text format, labelled by route pattern', async (t) => {
  const app = await build(t);
  await app.inject({ method: 'POST', url: '/echo', payload: { name: 'a', amountCents: 1 } });
  await app.inject({ method: 'POST', url: '/echo', payload: {} });
  const response = await app.inject({ url: '/metrics' });
  t.match(response.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  t.match(response.body, /http_requests_total\{method="POST",route="\/echo",status="200"\} 1/);
  t.match(response.body, /http_requests_total\{method="POST",route="\/echo",status="400"\} 1/);
  t.match(response.body, /http_request_duration_seconds_count\{method="POST",route="\/echo"\} 2/);
  for (const family of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
    t.match(response.body, new RegExp(`^${family} `, 'm'), `the process's own: ${family}`);
  }
});

t.test('metrics for the listed addresses, loopback by default, or an admin', async (t) => {
  const app = await build(t);
  const from = (remoteAddress: string, token?: string) =>
    app.inject({ url: '/metrics', remoteAddress, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}) });
  t.equal((await from('127.0.0.1')).statusCode, 200, 'a Prometheus on the same host');
  t.match((await from('203.0.113.5')).json(), { status: 401, code: 'UNAUTHORIZED' }, 'anyone else needs a token');
  const member = signToken(secret, { subject: 'member-1', cooperativeId: '0193a6f0-0000-7000-8000-000000000001', roles: ['member'], expiresInSeconds: 60, now });
  t.match((await from('203.0.113.5', member)).json(), { status: 403 }, "a member's will not do");
  const admin = signToken(secret, { subject: 'admin-1', roles: ['admin'], expiresInSeconds: 60, now });
  t.equal((await from('203.0.113.5', admin)).statusCode, 200, "an admin's does");
});

t.test('the OpenAPI document and its UI are served', async (t) => {
  const app = await build(t);
  const document = (await app.inject({ url: '/openapi.json' })).json();
  t.equal(document.openapi, '3.1.0');
  t.ok(document.paths['/echo'].post.requestBody, 'a route with its request schema');
  t.equal((await app.inject({ url: '/docs/' })).statusCode, 200);
});
