// The compose files as a deployment runs them, read without Docker: every context's reactions run in a process that
// serves it, no secret has a default everyone can read, only the gateway publishes a port, and every operation of
// the API, sent to the gateway, lands on a process that serves it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { SERVICE_NAMES } from '@meent/server';
import { REPOSITORY_ROOT } from '../support/processes.js';
import { testServer } from '../support/test-server.js';

interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
  env_file?: unknown;
  ports?: unknown[];
  image?: string;
}

const COMPOSE_FILES = ['infra/compose.yaml', 'infra/compose.eventstoredb.yaml'];

function composeFile(path: string): Record<string, ComposeService> {
  const document = parse(readFileSync(join(REPOSITORY_ROOT, path), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
  return document.services;
}

/** The contexts a `meent serve --only …` process serves; undefined for a service that is no Meent process. */
const contextsOf = (service: ComposeService): string[] | undefined => {
  const command = service.command ?? [];
  if (command[0] !== 'serve') return undefined;
  const only = command.indexOf('--only');
  return only === -1 ? [...SERVICE_NAMES] : (command[only + 1] ?? '').split(',');
};

/** The gateway's regex locations in order, then its default, each with the compose service it passes to. */
function gatewayRoutes(): { pattern: RegExp | null; upstream: string }[] {
  const config = readFileSync(join(REPOSITORY_ROOT, 'infra/gateway.conf'), 'utf8');
  const routes = [...config.matchAll(/location\s+(~\s+(\S+)|\/)\s*\{\s*set\s+\$\w+\s+([a-z-]+):3000;\s*proxy_pass http:\/\/\$\w+;/g)].map((match) => ({
    pattern: match[2] ? new RegExp(match[2]) : null,
    upstream: match[3] ?? '',
  }));
  // nginx tries the regex locations in the order they stand; the prefix `/` only when none matches.
  return [...routes.filter((route) => route.pattern), ...routes.filter((route) => !route.pattern)];
}

for (const path of COMPOSE_FILES) {
  t.test(`${path}: reactions, secrets, ports`, async (t) => {
    const services = composeFile(path);
    const processes = Object.entries(services).flatMap(([name, service]) => {
      const contexts = contextsOf(service);
      return contexts ? [{ name, contexts, reactions: service.environment?.MEENT_REACTIONS !== 'off', service }] : [];
    });
    for (const context of SERVICE_NAMES) {
      t.ok(
        processes.some((process) => process.contexts.includes(context) && process.reactions),
        `${context}'s reactions run in a process that serves it`,
      );
    }
    for (const { name, service } of processes) {
      t.equal(service.env_file, undefined, `${name} reads no example file`);
      t.match(service.environment?.MEENT_JWT_SECRET, /^\$\{MEENT_JWT_SECRET:\?/, `${name}'s signing secret must be given; it has no default`);
      t.equal(service.ports, undefined, `${name} publishes no port: the gateway is the way in`);
      t.equal(service.environment?.MEENT_APP_API_URL, 'http://gateway:3000', `${name}'s web app uses the whole API, through the gateway`);
    }
    t.same(services.gateway?.ports, ['3000:3000'], 'the gateway is');
  });
}

t.test('infra/compose.eventstoredb.yaml: every node a gossip seed, signed in as the admin the nodes start with', async (t) => {
  const services = composeFile('infra/compose.eventstoredb.yaml');
  const nodes = Object.keys(services).filter((name) => services[name]?.image?.startsWith('eventstore/eventstore:'));
  t.same(nodes, ['esdb1', 'esdb2', 'esdb3']);
  const password = '${EVENTSTORE_ADMIN_PASSWORD:?set EVENTSTORE_ADMIN_PASSWORD}';
  for (const node of nodes) t.equal(services[node]?.environment?.EVENTSTORE_DEFAULT_ADMIN_PASSWORD, password, `${node} starts with the admin's password, given`);
  const processes = Object.entries(services).filter(([, service]) => contextsOf(service));
  t.ok(processes.length >= 4);
  for (const [name, service] of processes) {
    const url = /^(?<scheme>[a-z+]+):\/\/(?<login>[^:@]*):(?<password>[^@]*)@(?<hosts>[^?]*)\?(?<query>.*)$/.exec(
      service.environment?.MEENT_EVENTSTORE_URL ?? '',
    )?.groups;
    t.equal(url?.scheme, 'esdb', `${name} lists its seeds itself: esdb+discover takes one DNS name`);
    t.equal(url?.login, 'admin', `${name} signs in: anonymous calls are refused`);
    t.equal(url?.password, password, `${name} signs in with the given password`);
    t.same(url?.hosts?.split(','), nodes.map((node) => `${node}:2113`), `${name} names every node as a gossip seed`);
    t.equal(url?.query, 'tls=true&tlsCAFile=/certs/ca/ca.crt', `${name} trusts the nodes' CA`);
  }
});

t.test('infra/gateway.conf: every operation lands on a process that serves it', async (t) => {
  const services = composeFile('infra/compose.yaml');
  const routes = gatewayRoutes();
  t.ok(routes.length >= 4 && routes.at(-1)?.pattern === null, 'regex locations, then the default');
  const pathsServedBy = new Map<string, Set<string>>();
  for (const [name, service] of Object.entries(services)) {
    const contexts = contextsOf(service);
    if (!contexts) continue;
    const { app } = await testServer(t, { environment: { MEENT_SERVICES: contexts.join(',') } });
    const document = (await app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, object> };
    pathsServedBy.set(name, new Set(Object.keys(document.paths)));
  }
  const { app } = await testServer(t);
  const everything = (await app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, object> };
  const misrouted: string[] = [];
  for (const path of Object.keys(everything.paths)) {
    const url = path.replace(/\{(\w+)\}/g, '0193a6f0-0000-7000-8000-000000000001');
    const upstream = routes.find((route) => route.pattern === null || route.pattern.test(url))?.upstream ?? '';
    if (!pathsServedBy.get(upstream)?.has(path)) misrouted.push(`${path} → ${upstream}`);
  }
  t.same(misrouted, [], `each of ${Object.keys(everything.paths).length} paths reaches a process that serves it`);
});

t.test('infra/gateway.conf: each projection is administered in a process that runs it', async (t) => {
  const services = composeFile('infra/compose.yaml');
  const routes = gatewayRoutes();
  const projectionsRunBy = new Map<string, Set<string>>();
  const listed = async (server: Awaited<ReturnType<typeof testServer>>) => {
    const response = await server.app.inject({ url: '/admin/projections', headers: { authorization: `Bearer ${server.token(['admin'])}` } });
    return (response.json() as { projections: { name: string }[] }).projections.map((projection) => projection.name);
  };
  for (const [name, service] of Object.entries(services)) {
    const contexts = contextsOf(service);
    if (contexts) projectionsRunBy.set(name, new Set(await listed(await testServer(t, { environment: { MEENT_SERVICES: contexts.join(',') } }))));
  }
  const every = await listed(await testServer(t));
  const misrouted = every.flatMap((projection) =>
    [`/admin/projections/${projection}`, `/admin/projections/${projection}/replay`].flatMap((url) => {
      const upstream = routes.find((route) => route.pattern === null || route.pattern.test(url))?.upstream ?? '';
      return projectionsRunBy.get(upstream)?.has(projection) ? [] : [`${url} → ${upstream}`];
    }),
  );
  t.ok(every.length >= 16, `${every.length} projections`);
  t.same(misrouted, []);
});
