// Prometheus metrics through prom-client: the process's own (CPU, memory, garbage collection, event-loop delay, open
// handles), request counts and latencies, and gauges the server contributes (projections, reactions, stores). Only
// addresses the deployment lists, or an admin's token, may read them: they tell an outsider how busy a cooperative is.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { z } from 'zod';
import { checkBearer, isAdmin, type TokenSettings } from './auth.js';
import { forbidden, problemResponses, unauthorized } from './problem-details.js';

type Labels = Readonly<Record<string, string>>;

export interface GaugeSample {
  readonly labels: Labels;
  readonly value: number;
}

export interface GaugeCollector {
  readonly name: string;
  readonly help: string;
  /** The names of the labels its samples carry. */
  readonly labelNames: readonly string[];
  collect(): Promise<readonly GaugeSample[]>;
}

const DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The process's own metrics, collected once whatever number of apps the process runs (tests run many). */
let processMetrics: Registry | undefined;
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}

export class MetricsRegistry {
  private readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route and status.',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  private readonly durations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request.',
    labelNames: ['method', 'route'],
    buckets: DURATION_BUCKETS_SECONDS,
    registers: [this.registry],
  });

  /** A gauge whose samples are collected afresh at each scrape. */
  addCollector(collector: GaugeCollector): void {
    new Gauge({
      name: collector.name,
      help: collector.help,
      labelNames: [...collector.labelNames],
      registers: [this.registry],
      async collect() {
        const samples = await collector.collect();
        this.reset();
        for (const sample of samples) this.set(sample.labels, sample.value);
      },
    });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.durations.observe({ method, route }, seconds);
  }

  /** The text exposition of the process's metrics and this app's. */
  exposition(): Promise<string> {
    return Registry.merge([processRegistry(), this.registry]).metrics();
  }

  readonly contentType = this.registry.contentType;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: MetricsRegistry;
  }
}

export interface MetricsOptions {
  /** Addresses that may read `/metrics` without a token: a Prometheus next to the process. Loopback by default. */
  readonly allowFrom?: readonly string[];
  readonly tokens: TokenSettings;
  readonly clock: () => Date;
}

export const LOOPBACK_ADDRESSES: readonly string[] = ['127.0.0.1', '::1', '::ffff:127.0.0.1'];

function metrics(app: FastifyInstance, options: MetricsOptions): void {
  const registry = new MetricsRegistry();
  const allowed = new Set(options.allowFrom ?? LOOPBACK_ADDRESSES);
  app.decorate('metrics', registry);
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL, keeps label cardinality bounded; unmatched URLs share one label.
    const route = request.routeOptions.url ?? 'unmatched';
    registry.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });
  const mayRead = async (request: FastifyRequest) => {
    if (allowed.has(request.ip)) return;
    const check = await checkBearer(request, options.tokens, options.clock());
    if (!check.ok) throw unauthorized(`Metrics are for the addresses in MEENT_METRICS_ALLOW_FROM, or an admin's token: ${check.reason}`);
    if (!isAdmin(check.principal)) throw forbidden('Metrics are for an admin');
  };
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics of the process (addresses in MEENT_METRICS_ALLOW_FROM, loopback by default, or an admin token)',
        produces: ['text/plain'],
        response: { 200: z.string().meta({ description: 'Prometheus text exposition format 0.0.4' }), ...problemResponses(401, 403) },
      },
      config: { usesNoStore: true },
      preHandler: mayRead,
    },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.exposition()),
  );
}

export const metricsPlugin = fp(metrics, { name: 'meent-metrics', fastify: '5.x' });
