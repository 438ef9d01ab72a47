// Every operation of the OpenAPI document × every kind of caller, each cell's expectation read from the rights table
// (never from running the code): granted callers get past access, others are refused; a path id of the other
// cooperative is 404 even to a caller who may use the route. A route without a row stops the server from starting,
// and a row without a route fails here, so the matrix grows with the API.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { CALLER_ROLES, routeKey, type CallerRole, type Grant, type Right } from '@meent/http';
import { RIGHTS, rightsTableMarkdown } from '@meent/server';
import { v7 as uuidv7 } from 'uuid';
import { accessWorld, type CallerKind, type Resources } from '../support/access-fixture.js';
import { bearer, testServer } from '../support/test-server.js';

interface Operation {
  readonly method: 'GET' | 'POST';
  readonly path: string;
}

const REFERENCE_PARAMS: Record<string, keyof Resources> = {
  memberId: 'memberId',
  budgetId: 'budgetId',
  assemblyId: 'assemblyId',
  motionId: 'motionId',
  initiativeId: 'initiativeId',
  requestId: 'requestId',
  resolutionId: 'resolutionId',
};

/** The widest grant any of the caller's roles has on the row. */
function grantFor(right: Right, roles: readonly CallerRole[]): Grant | undefined {
  const grants = roles.map((role) => right.grants[role]);
  return grants.includes('all') ? 'all' : grants.includes('own') ? 'own' : undefined;
}

/** The roles a caller has on a route: outside a cooperative's paths only the admin role counts. */
const rolesOn = (operation: Operation, caller: CallerKind) =>
  operation.path.includes('{cooperativeId}') ? caller.roles : caller.roles.filter((role) => role === 'admin');

function urlOf(operation: Operation, ids: Resources, overrides: Record<string, string> = {}): string {
  const values: Record<string, string> = {
    cooperativeId: ids.cooperativeId,
    memberId: ids.memberId,
    budgetId: ids.budgetId,
    assemblyId: ids.assemblyId,
    motionId: ids.motionId,
    initiativeId: ids.initiativeId,
    requestId: ids.requestId,
    resolutionId: ids.resolutionId,
    expenseId: uuidv7(),
    reservationId: uuidv7(),
    entryId: uuidv7(),
    code: '4100',
    trancheNumber: '1',
    stream: `member-${ids.memberId}`,
    name: 'member_register',
    sessionId: uuidv7(),
    webhookId: uuidv7(),
    roundId: uuidv7(),
    proposalId: uuidv7(),
    partnerId: uuidv7(),
    partnershipId: uuidv7(),
    agreementId: uuidv7(),
    messageId: 'sign-in.unknown',
    feedToken: 'an-unknown-calendar-feed-token',
    ...overrides,
  };
  return operation.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`the matrix has no value for {${name}} in ${operation.path}`);
    return value;
  });
}

/** The path values that name what is the caller's own: their record, or their record's stream. */
function ownedBy(operation: Operation, caller: CallerKind): Record<string, string> | undefined {
  if (operation.path.includes('{memberId}')) return { memberId: caller.id ?? '' };
  if (operation.path.includes('{stream}')) return { stream: `member-${caller.id ?? ''}` };
  return undefined;
}

t.test('the rights table has a row for every operation and an operation for every row', async (t) => {
  const server = await testServer(t);
  const document = (await server.app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => routeKey(method.toUpperCase(), path)),
  );
  const rows = RIGHTS.map((right) => routeKey(right.method, right.path));
  t.same(operations.filter((operation) => !rows.includes(operation)), [], 'every operation has a row');
  t.same(rows.filter((row) => !operations.includes(row)), [], 'every row is an operation');
  t.equal(new Set(rows).size, rows.length, 'one row per operation');
});

t.test('every operation × every kind of caller', async (t) => {
  const server = await testServer(t);
  server.clock.set('2026-10-01T10:00:00.000Z');
  const world = await accessWorld(server);
  const document = (await server.app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
  const operations: Operation[] = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => ({ method: method.toUpperCase() as Operation['method'], path })),
  );
  const rights = new Map(RIGHTS.map((right) => [routeKey(right.method, right.path), right]));
  const plainMember = world.caller('plain member');

  const call = async (operation: Operation, caller: CallerKind, url: string) => {
    const response = await server.app.inject({
      method: operation.method,
      url,
      headers: caller.token ? bearer(caller.token) : {},
      ...(operation.method === 'POST' ? { payload: {} } : {}),
    });
    const body = String(response.headers['content-type']).includes('json') ? (response.json() as { code?: string }) : {};
    return { status: response.statusCode, code: body.code };
  };
  const refused = (answer: { status: number; code?: string | undefined }) =>
    answer.status === 401 || (answer.status === 403 && answer.code === 'FORBIDDEN');

  let cells = 0;
  for (const operation of operations) {
    const right = rights.get(routeKey(operation.method, operation.path));
    if (!right) {
      t.fail(`${operation.method} ${operation.path} has no row`);
      continue;
    }
    for (const caller of world.callers) {
      cells += 1;
      const label = `${operation.method} ${operation.path} as ${caller.name}`;
      if (right.public) {
        t.notOk(refused(await call(operation, caller, urlOf(operation, world.a))), `${label}: public`);
        continue;
      }
      if (!caller.authenticated) {
        t.equal((await call(operation, caller, urlOf(operation, world.a))).status, 401, `${label}: 401`);
        continue;
      }
      const grant = grantFor(right, rolesOn(operation, caller));
      if (grant === undefined) {
        const answer = await call(operation, caller, urlOf(operation, world.a));
        t.match(answer, { status: 403, code: 'FORBIDDEN' }, `${label}: refused`);
      } else if (grant === 'own' && ownedBy(operation, caller)) {
        const own = await call(operation, caller, urlOf(operation, world.a, ownedBy(operation, caller)));
        t.notOk(refused(own), `${label}: their own (${own.status} ${own.code ?? ''})`);
        const other = caller.id === plainMember.id ? world.caller('chair') : plainMember;
        const others = await call(operation, caller, urlOf(operation, world.a, ownedBy(operation, other)));
        t.match(others, { status: 403, code: 'FORBIDDEN' }, `${label}: not another's`);
      } else {
        const answer = await call(operation, caller, urlOf(operation, world.a));
        t.notOk(refused(answer), `${label}: granted (${answer.status} ${answer.code ?? ''})`);
      }
    }
  }
  t.ok(cells >= operations.length * world.callers.length, `${cells} cells`);
});

t.test('an id of another cooperative in the path is 404, as if it did not exist', async (t) => {
  const server = await testServer(t);
  server.clock.set('2026-10-01T10:00:00.000Z');
  const world = await accessWorld(server);
  const document = (await server.app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
  let probes = 0;
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const method of Object.keys(methods)) {
      const operation: Operation = { method: method.toUpperCase() as Operation['method'], path };
      const right = RIGHTS.find((row) => routeKey(row.method, row.path) === routeKey(operation.method, path));
      // Whoever the row lets use the route on everything, so that only the id can stop them.
      const caller = world.callers.find((candidate) => right && grantFor(right, rolesOn(operation, candidate)) === 'all');
      if (!caller) continue;
      for (const [param, resource] of Object.entries(REFERENCE_PARAMS)) {
        if (!path.includes(`{${param}}`)) continue;
        probes += 1;
        const response = await server.app.inject({
          method: operation.method,
          url: urlOf(operation, world.a, { [param]: world.b[resource] }),
          headers: bearer(caller.token),
          ...(operation.method === 'POST' ? { payload: {} } : {}),
        });
        t.match(
          { status: response.statusCode, body: response.json() },
          { status: 404, body: { code: 'NOT_FOUND', errors: [{ in: 'path', field: param }] } },
          `${operation.method} ${path} with ${param} of the other cooperative, as ${caller.name}`,
        );
      }
    }
  }
  t.ok(probes > 30, `${probes} probes`);
});

t.test('the table names only roles it knows', async (t) => {
  for (const right of RIGHTS) {
    for (const role of Object.keys(right.grants)) t.ok((CALLER_ROLES as readonly string[]).includes(role), `${right.path}: ${role}`);
  }
});

t.test('the README shows the rights table the server enforces', async (t) => {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  const shown = readme.slice(readme.indexOf('<!-- rights:start -->') + '<!-- rights:start -->'.length, readme.indexOf('<!-- rights:end -->'));
  t.equal(shown.trim(), rightsTableMarkdown(), 'run `pnpm readme` after changing the table');
});
