import t from 'tap';
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { defaultServices, type Service } from '@meent/server';
import { testServer } from '../support/test-server.js';

interface Operation {
  parameters?: { in: string; name: string; schema?: unknown }[];
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
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
  const document = (await app.inject({ url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, Operation>>;
  };

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
      if (name !== 'GET /health/live') t.ok(operation.responses?.['503'], `${name} documents 503, for a store out of reach`);
      for (const [status, response] of responses) {
        const content = response.content ?? {};
        t.ok(Object.values(content).some((media) => media.schema), `${name} ${status} has a schema`);
      }
    }
  }
});
