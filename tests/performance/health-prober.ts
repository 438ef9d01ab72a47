// Asks a server's `/health/live` one request after another from its own process, so the latencies are the server's
// and not a client's sharing its event loop; stops when its standard input ends (or after a count, when given) and
// prints the latencies in milliseconds as one JSON line. Run by the responsiveness benchmark; not a benchmark itself.
import { Agent, get } from 'node:http';

const [url, countArgument] = process.argv.slice(2);
if (!url) throw new Error('usage: health-prober URL [COUNT]');
const count = countArgument ? Number(countArgument) : Number.POSITIVE_INFINITY;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
let stopped = false;
process.stdin.on('end', () => (stopped = true));
process.stdin.resume();

const latencies: number[] = [];
while (!stopped && latencies.length < count) {
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    get(url, { agent }, (response) => {
      response.on('data', () => undefined);
      response.on('end', resolve);
    }).on('error', reject);
  });
  latencies.push(performance.now() - started);
}
agent.destroy();
process.stdout.write(`${JSON.stringify(latencies)}\n`);
process.exit(0);
