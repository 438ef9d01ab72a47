import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { FastifyInstance, RouteOptions } from 'fastify';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import ts from 'typescript';
import fp from 'fastify-plugin';
import { defaultServices, type Service } from '@meent/server';
import { lintOpenApi } from '../support/openapi-lint.js';
import { testServer } from '../support/test-server.js';

interface Operation {
  operationId?: string;
  tags?: string[];
  parameters?: { in: string; name: string; schema?: unknown }[];
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; headers?: Record<string, unknown>; content?: Record<string, { schema?: unknown }> }>;
}
interface Document {
  servers?: { url: string }[];
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
}

t.test('/openapi.json lists every route with its request and response schemas', async (t) => {
  const routes: RouteOptions[] = [];
  // Registered first and unencapsulated, so its hook sees every route the services and the admin API add.
  const routeRecorder: Service = {
    name: 'route-recorder',
    events: [],
    projections: [],
    routes: fp(async (app: FastifyInstance) => {
      app.addHook('onRoute', (route: RouteOptions) => {
        routes.push(route);
      });
    }),
  };
  const { app } = await testServer(t, { services: (dependencies) => [routeRecorder, ...defaultServices(dependencies)] });
  const document = (await app.inject({ url: '/openapi.json' })).json() as Document;

  const documented = routes.filter((route) => !(route.schema as { hide?: boolean } | undefined)?.hide);
  t.ok(documented.length >= 6, `${documented.length} documented routes`);
  for (const route of documented) {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((method) => method !== 'HEAD');
    const path = route.url.replace(/:(\w+)/g, '{$1}');
    for (const method of methods) {
      const operation = document.paths[path]?.[method.toLowerCase()];
      const name = `${method} ${path}`;
      if (!operation) {
        t.fail(`${name} is missing from the document`);
        continue;
      }
      const schema = route.schema as { body?: unknown; params?: unknown; querystring?: unknown } | undefined;
      if (schema?.body) t.ok(operation.requestBody?.content['application/json']?.schema, `${name} has its body schema`);
      if (schema?.params) {
        t.ok(operation.parameters?.some((parameter) => parameter.in === 'path' && parameter.schema), `${name} has its path parameters`);
      }
      if (schema?.querystring) {
        t.ok(operation.parameters?.some((parameter) => parameter.in === 'query'), `${name} has its query parameters`);
      }
      const responses = Object.entries(operation.responses ?? {});
      const success = responses.filter(([status]) => status.startsWith('2'));
      t.ok(success.length > 0, `${name} documents a success response`);
      t.ok(operation.responses?.['429'], `${name} documents 429, as every route is rate limited`);
      if (name !== 'GET /health/live' && name !== 'GET /metrics') t.ok(operation.responses?.['503'], `${name} documents 503, for a store out of reach`);
      for (const [status, response] of responses) {
        const content = response.content ?? {};
        t.ok(Object.values(content).some((media) => media.schema), `${name} ${status} has a schema`);
      }
    }
  }
});

t.test('/openapi.json as client generators and linters take it', async (t) => {
  const { app } = await testServer(t);
  const document = (await app.inject({ url: '/openapi.json' })).json() as Document;
  const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, path, operation })));

  const problems = await lintOpenApi(document);
  t.same(problems.filter((problem) => problem.severity === 'error'), [], "no error by Redocly's recommended rules");
  // The one warning left: the project has no licence yet for the document to name.
  t.same(problems.filter((problem) => problem.severity === 'warn').map((problem) => problem.rule), ['info-license'], 'no other warning');

  const ids = operations.map(({ operation }) => operation.operationId);
  t.ok(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]+$/.test(id)), 'every operation has an id a generator can name a method by');
  t.equal(new Set(ids).size, ids.length, 'no two alike');
  const declared = new Map((document.tags ?? []).map((tag) => [tag.name, tag.description]));
  const used = new Set(operations.flatMap(({ operation }) => operation.tags ?? []));
  t.same([...used].filter((tag) => !declared.get(tag)), [], 'every tag used is declared with a description');
  t.ok(operations.every(({ operation }) => (operation.tags ?? []).length > 0), 'every operation is tagged');
  t.same(document.servers, [{ url: '/', description: 'This server' }]);

  for (const { name, path, operation } of operations) {
    for (const [status, response] of Object.entries(operation.responses ?? {})) {
      if (!response.description || response.description === 'Default Response') t.fail(`${name} ${status} is described`);
      if (!response.headers?.['x-request-id']) t.fail(`${name} ${status} documents x-request-id`);
      const types = Object.keys(response.content ?? {});
      if (Number(status) >= 400 && types.join() !== 'application/problem+json') t.fail(`${name} ${status} is application/problem+json, not ${types.join()}`);
      if (status === '200' && path.endsWith('.csv') && types.join() !== 'text/csv') t.fail(`${name} answers text/csv, not ${types.join()}`);
    }
  }
  t.notMatch(JSON.stringify(document), /9007199254740991/, 'no bound that only says "a JavaScript number"');

  // A typed client, as openapi-typescript generates it, type-checks, and its types say what the API answers.
  const directory = mkdtempSync(join(tmpdir(), 'meent-client-'));
  writeFileSync(join(directory, 'api.ts'), astToString(await openapiTS(document as unknown as OpenAPI3)));
  writeFileSync(
    join(directory, 'client.ts'),
    `import type { paths } from './api.js';
type Report = paths['/cooperatives/{cooperativeId}/impact-report']['get'];
type Answer = Report['responses'][200]['content']['application/json'];
type Refusal = paths['/cooperatives/{cooperativeId}/members']['post']['responses'][400]['content']['application/problem+json'];
export const grantedCents = (report: Answer): number => report.years[0]?.all.money.grantedCents ?? 0;
export const fields = (problem: Refusal): string[] => (problem.errors ?? []).map((error) => error.field);
export const query: Report['parameters']['query'] = { year: 2026, asOfPosition: 12 };
`,
  );
  const program = ts.createProgram([join(directory, 'client.ts')], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
  t.same(diagnostics, [], 'the generated client type-checks');
});
