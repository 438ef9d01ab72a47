// A load generator in its own process, so the server under test has its cores to itself: reads a plan (base URL,
// connections, and one request per line of work), sends it over keep-alive connections, and prints one JSON line of
// figures. Run by the HTTP benchmarks; not a benchmark itself.
//
// It writes prebuilt HTTP/1.1 requests to plain sockets and reads only the status line and Content-Length of each
// answer, as wrk and autocannon do: node's HTTP client spends ~280 µs of this process's core on a request, and with 50
// answers arriving at once the last waited ~14 ms for the client, not the server — in every latency measured.
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { z } from 'zod';

const planSchema = z.object({
  baseUrl: z.url(),
  connections: z.int().positive(),
  requests: z.array(z.object({ path: z.string(), token: z.string(), body: z.string() })),
});

const plan = planSchema.parse(JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')));
const { hostname, port, host } = new URL(plan.baseUrl);

const prebuilt = plan.requests.map(({ path, token, body }) =>
  Buffer.from(
    `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  ),
);

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:\s*(\d+)/i;

/** One keep-alive connection answering one request at a time; resolves with each answer's status. */
class Connection {
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (status: number) => void; reject: (error: Error) => void } | null = null;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      this.answerIfComplete();
    });
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('the server closed a keep-alive connection')));
  }

  static open(): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port) }, () => resolve(new Connection(socket)));
      socket.once('error', reject);
    });
  }

  send(request: Buffer): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.removeAllListeners('close');
    this.socket.destroy();
  }

  private answerIfComplete(): void {
    const headerEnd = this.buffered.indexOf(HEADER_END);
    if (headerEnd < 0 || !this.waiting) return;
    const head = this.buffered.toString('latin1', 0, headerEnd);
    const length = CONTENT_LENGTH.exec(head);
    if (!length) return this.fail(new Error(`an answer without Content-Length: ${head}`));
    const end = headerEnd + HEADER_END.length + Number(length[1]);
    if (this.buffered.length < end) return;
    if (this.buffered.length > end) return this.fail(new Error('the server answered more than was asked'));
    this.buffered = Buffer.alloc(0);
    const { resolve } = this.waiting;
    this.waiting = null;
    resolve(Number(head.slice(9, 12)));
  }

  private fail(error: Error): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.reject(error);
  }
}

const connections = await Promise.all(Array.from({ length: plan.connections }, () => Connection.open()));
const latencies: number[] = [];
const statuses: Record<number, number> = {};
let next = 0;
const started = performance.now();
await Promise.all(
  connections.map(async (connection) => {
    for (let index = next++; index < prebuilt.length; index = next++) {
      const sent = performance.now();
      const status = await connection.send(prebuilt[index]!);
      latencies.push(performance.now() - sent);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
for (const connection of connections) connection.close();
latencies.sort((a, b) => a - b);
const percentile = (share: number) => latencies[Math.min(latencies.length - 1, Math.floor(share * latencies.length))] ?? 0;
process.stdout.write(
  `${JSON.stringify({ requests: latencies.length, seconds, perSecond: latencies.length / seconds, p50: percentile(0.5), p99: percentile(0.99), statuses })}\n`,
);
