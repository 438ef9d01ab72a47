// A load generator in its own process, so the server under test has its cores to itself: reads a plan (base URL,
// connections, and one request per line of work), sends it over keep-alive connections, and prints one JSON line of
// figures. Run by the HTTP benchmarks; not a benchmark itself.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { z } from 'zod';

const planSchema = z.object({
  baseUrl: z.url(),
  connections: z.int().positive(),
  requests: z.array(z.object({ path: z.string(), token: z.string(), body: z.string() })),
});

const plan = planSchema.parse(JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')));
const agent = new Agent({ keepAlive: true, maxSockets: plan.connections });
const { hostname, port } = new URL(plan.baseUrl);

function send(path: string, token: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        agent,
        hostname,
        port,
        path,
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const latencies: number[] = [];
const statuses: Record<number, number> = {};
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: plan.connections }, async () => {
    for (let index = next++; index < plan.requests.length; index = next++) {
      const { path, token, body } = plan.requests[index]!;
      const sent = performance.now();
      const status = await send(path, token, body);
      latencies.push(performance.now() - sent);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const percentile = (share: number) => latencies[Math.min(latencies.length - 1, Math.floor(share * latencies.length))] ?? 0;
agent.destroy();
process.stdout.write(
  `${JSON.stringify({ requests: latencies.length, seconds, perSecond: latencies.length / seconds, p50: percentile(0.5), p99: percentile(0.99), statuses })}\n`,
);
