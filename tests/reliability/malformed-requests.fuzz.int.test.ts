// Every operation of the OpenAPI document, called with valid auth and malformed input that fast-check makes up: wrong
// types, huge and non-finite numbers, long and odd strings, bad ids, prototype keys. No answer may be a 5xx, a 400 must
// be problem+json naming the field, and a refused request must leave the event log where it was.
import { join } from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { SqliteEventStore } from '@meent/event-store';
import { routeKey, type CallerRole, type Right } from '@meent/http';
import { RIGHTS } from '@meent/server';
import { accessWorld, type CallerKind } from '../support/access-fixture.js';
import { bearer, testServer } from '../support/test-server.js';

interface SchemaObject {
  readonly $ref?: string;
  readonly type?: string | string[];
  readonly properties?: Record<string, SchemaObject>;
}
interface OperationObject {
  readonly parameters?: { name: string; in: 'path' | 'query' | 'header'; schema?: SchemaObject }[];
  readonly requestBody?: { content: Record<string, { schema: SchemaObject }> };
}
interface OpenApiDocument {
  readonly paths: Record<string, Record<string, OperationObject>>;
  readonly components?: { schemas?: Record<string, SchemaObject> };
}

/** Runs per operation: enough to meet every kind of malformation, few enough for well under a minute in all. */
const RUNS_PER_OPERATION = 40;

const oddString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', ' ', '\u0000', '\u202e', '../../etc/passwd', '%00', '<script>', "'; DROP TABLE events; --", '__proto__', 'constructor'),
  fc.integer({ min: 1000, max: 20_000 }).map((length) => 'x'.repeat(length)),
);
const oddNumber = fc.oneof(
  fc.double({ noNaN: true }),
  fc.constantFrom(0, -0, -1, 1.5, 2 ** 53, 2 ** 53 + 2, -(2 ** 53) - 2, 1e308, -1e308, Number.MIN_VALUE),
);
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  oddString,
  oddNumber,
  fc.constantFrom(null, true, false, [], {}, [null], { $ne: null }),
  fc.array(oddString, { maxLength: 3 }),
  fc.dictionary(oddString, oddString, { maxKeys: 3 }),
);
const badId = fc.oneof(
  fc.constantFrom('not-a-uuid', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '..', '%2e%2e', 'x'.repeat(300)),
  fc.uuid(),
  fc.string({ minLength: 1, maxLength: 60 }).filter((value) => !value.includes('/') && !value.includes('?') && !value.includes('#')),
);

/** A body in one of the ways a careless or hostile client gets one wrong, as the raw text sent. */
function malformedBody(properties: readonly string[]): fc.Arbitrary<string> {
  const withWrongTypes = fc
    .record(Object.fromEntries(properties.map((name) => [name, oddValue])), { requiredKeys: [] })
    .map((body) => JSON.stringify(body));
  const prototypeKeys = fc.constantFrom(
    '{"__proto__": {"admin": true}}',
    '{"constructor": {"prototype": {"admin": true}}}',
    `{${properties.map((name) => `"${name}": {"__proto__": {"x": 1}}`).join(', ')}}`,
  );
  const notJson = fc.constantFrom('{', '{"a": }', 'null', '[]', '"just a string"', '1e999', 'NaN', '\u0000');
  return fc.oneof(withWrongTypes, prototypeKeys, notJson, fc.anything({ maxDepth: 2 }).map((value) => JSON.stringify(value) ?? 'null'));
}

/** fast-check's report cut to what a reader needs: the shrunk input and the error it met. */
function whatFailed(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const lines = error.message.split('\n');
  const cause = error.cause instanceof Error ? error.cause.message : '';
  return [lines.find((line) => line.startsWith('Counterexample')) ?? lines[0], cause].join('\n');
}

function resolve(document: OpenApiDocument, schema: SchemaObject | undefined): SchemaObject | undefined {
  if (!schema?.$ref) return schema;
  return document.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')];
}

t.test('malformed input to every operation: never a 5xx, a 400 names the field, a refusal writes nothing', async (t) => {
  const server = await testServer(t);
  server.clock.set('2026-10-01T10:00:00.000Z');
  const world = await accessWorld(server);
  const document = (await server.app.inject({ url: '/openapi.json' })).json() as OpenApiDocument;
  const store = new SqliteEventStore({ path: join(server.dataDir, 'events.db') });
  t.teardown(() => store.close());
  const rights = new Map(RIGHTS.map((right) => [routeKey(right.method, right.path), right]));
  const granted = (right: Right, caller: CallerKind) =>
    caller.roles.some((role: CallerRole) => right.grants[role] === 'all') || right.public === true;

  const ids: Record<string, string> = {
    cooperativeId: world.a.cooperativeId,
    memberId: world.a.memberId,
    budgetId: world.a.budgetId,
    assemblyId: world.a.assemblyId,
    motionId: world.a.motionId,
    initiativeId: world.a.initiativeId,
    requestId: world.a.requestId,
    resolutionId: world.a.resolutionId,
    expenseId: world.a.memberId,
    reservationId: world.a.memberId,
    entryId: world.a.memberId,
    code: '4100',
    trancheNumber: '1',
    stream: `member-${world.a.memberId}`,
    name: 'member_register',
    roundId: world.a.memberId,
    proposalId: world.a.initiativeId,
    partnerId: world.a.memberId,
    partnershipId: world.a.memberId,
    agreementId: world.a.memberId,
  };

  let requests = 0;
  const failures: string[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const right = rights.get(routeKey(method.toUpperCase(), path));
      const caller = world.callers.find((candidate) => candidate.authenticated && right && granted(right, candidate));
      if (!right || !caller) {
        failures.push(`${method} ${path}: nobody to call it as`);
        continue;
      }
      const pathParams = (operation.parameters ?? []).filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name);
      const queryParams = (operation.parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name);
      const bodySchema = resolve(document, operation.requestBody?.content['application/json']?.schema);
      const bodyProperties = Object.keys(bodySchema?.properties ?? {});

      const input = fc.record({
        badParam: pathParams.length > 0 ? fc.option(fc.tuple(fc.constantFrom(...pathParams), badId), { nil: undefined }) : fc.constant(undefined),
        query: fc.dictionary(fc.constantFrom(...queryParams, 'unknown', '__proto__'), oddString.map(String), { maxKeys: 3 }),
        body: method === 'post' ? malformedBody(bodyProperties) : fc.constant(undefined),
      });
      await fc.assert(
        fc.asyncProperty(input, async ({ badParam, query, body }) => {
          const values = { ...ids, ...(badParam ? { [badParam[0]]: badParam[1] } : {}) };
          const url = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ''));
          const search = new URLSearchParams(Object.entries(query)).toString();
          const before = await store.headPosition();
          const response = await server.app.inject({
            method: method.toUpperCase() as 'GET' | 'POST',
            url: search ? `${url}?${search}` : url,
            headers: { ...bearer(caller.token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
            ...(body === undefined ? {} : { payload: body }),
          });
          requests += 1;
          const what = `${method.toUpperCase()} ${url}${search ? `?${search}` : ''} ${body?.slice(0, 200) ?? ''}`;
          if (response.statusCode >= 500) throw new Error(`${response.statusCode} for ${what}: ${response.body.slice(0, 300)}`);
          if (response.statusCode === 400) {
            if (!String(response.headers['content-type']).startsWith('application/problem+json')) throw new Error(`400 not problem+json: ${what}`);
            const problem = response.json() as { errors?: { field?: unknown }[]; code?: string };
            const named = (problem.errors ?? []).length > 0 && (problem.errors ?? []).every((error) => typeof error.field === 'string');
            if (!named && problem.code !== 'POSITION_BEYOND_HEAD') throw new Error(`400 naming no field for ${what}: ${response.body}`);
          }
          if (response.statusCode >= 400 && (await store.headPosition()) !== before) {
            throw new Error(`a refused request (${response.statusCode}) wrote events: ${what}`);
          }
        }),
        { numRuns: RUNS_PER_OPERATION, seed: 20261128 },
      ).catch((error: unknown) => failures.push(whatFailed(error)));
    }
  }
  t.same(failures, [], 'every operation held');
  t.ok(requests >= Object.values(document.paths).flatMap(Object.keys).length * RUNS_PER_OPERATION * 0.9, `${requests} requests`);
});
