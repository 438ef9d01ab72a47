// Prometheus text exposition (format 0.0.4) for request counts and latencies, plus gauges others contribute.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';

type Labels = Readonly<Record<string, string>>;

export interface GaugeSample {
  readonly labels: Labels;
  readonly value: number;
}

export interface GaugeCollector {
  readonly name: string;
  readonly help: string;
  collect(): Promise<readonly GaugeSample[]>;
}

const DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  const escape = (value: string) => value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
  return `{${entries.map(([key, value]) => `${key}="${escape(value)}"`).join(',')}}`;
}

export class MetricsRegistry {
  private readonly requests = new Map<string, { labels: Labels; count: number }>();
  private readonly durations = new Map<string, { labels: Labels; buckets: number[]; sum: number; count: number }>();
  private readonly collectors: GaugeCollector[] = [];

  addCollector(collector: GaugeCollector): void {
    this.collectors.push(collector);
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    // Keyed by plain concatenation, as every request passes here: the escaped label text is only needed for exposition.
    const durationKey = `${method}\u0000${route}`;
    const requestKey = `${durationKey}\u0000${status}`;
    const counted = this.requests.get(requestKey) ?? { labels: { method, route, status: String(status) }, count: 0 };
    counted.count += 1;
    this.requests.set(requestKey, counted);

    const histogram = this.durations.get(durationKey) ?? {
      labels: { method, route },
      buckets: DURATION_BUCKETS_SECONDS.map(() => 0),
      sum: 0,
      count: 0,
    };
    DURATION_BUCKETS_SECONDS.forEach((bound, index) => {
      if (seconds <= bound) histogram.buckets[index] = (histogram.buckets[index] ?? 0) + 1;
    });
    histogram.sum += seconds;
    histogram.count += 1;
    this.durations.set(durationKey, histogram);
  }

  async exposition(): Promise<string> {
    const lines = [
      '# HELP http_requests_total HTTP requests answered, by route and status.',
      '# TYPE http_requests_total counter',
      ...[...this.requests.values()].map(({ labels, count }) => `http_requests_total${labelText(labels)} ${count}`),
      '# HELP http_request_duration_seconds Time to answer an HTTP request.',
      '# TYPE http_request_duration_seconds histogram',
    ];
    for (const { labels, buckets, sum, count } of this.durations.values()) {
      DURATION_BUCKETS_SECONDS.forEach((bound, index) => {
        lines.push(`http_request_duration_seconds_bucket${labelText({ ...labels, le: String(bound) })} ${buckets[index]}`);
      });
      lines.push(`http_request_duration_seconds_bucket${labelText({ ...labels, le: '+Inf' })} ${count}`);
      lines.push(`http_request_duration_seconds_sum${labelText(labels)} ${sum}`);
      lines.push(`http_request_duration_seconds_count${labelText(labels)} ${count}`);
    }
    for (const collector of this.collectors) {
      lines.push(`# HELP ${collector.name} ${collector.help}`, `# TYPE ${collector.name} gauge`);
      for (const sample of await collector.collect()) lines.push(`${collector.name}${labelText(sample.labels)} ${sample.value}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: MetricsRegistry;
  }
}

function metrics(app: FastifyInstance): void {
  const registry = new MetricsRegistry();
  app.decorate('metrics', registry);
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL, keeps label cardinality bounded; unmatched URLs share one label.
    const route = request.routeOptions.url ?? 'unmatched';
    registry.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics of the process, in the text exposition format',
        produces: ['text/plain'],
        response: { 200: z.string().meta({ description: 'Prometheus text exposition format 0.0.4' }) },
      },
      config: { usesNoStore: true },
    },
    async (_request, reply) =>
      reply.type('text/plain; version=0.0.4; charset=utf-8').send(await registry.exposition()),
  );
}

export const metricsPlugin = fp(metrics, { name: 'meent-metrics', fastify: '5.x' });
