import { signToken } from '@meent/http';
import { projectionSchema, replaySchema, tokenSettings, type MeentConfig } from '@meent/server';
import { z } from 'zod';
import { progressBar } from './progress.js';
import { UsageError } from './usage-error.js';

const listSchema = z.object({ projections: z.array(projectionSchema) });
const problemSchema = z.object({ detail: z.string() });

const POLL_INTERVAL_MS = 250;

/** Talks to the running server's admin API with a short-lived admin token signed by the same secret. */
class AdminClient {
  private readonly baseUrl: string;
  private readonly token: string;

  constructor(config: MeentConfig) {
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    this.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
    this.token = signToken(tokenSettings(config), {
      subject: 'meent-cli',
      roles: ['admin'],
      expiresInSeconds: 3600,
      now: new Date(),
    });
  }

  async call<T>(method: 'GET' | 'POST', path: string, schema: z.ZodType<T>): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}` },
      });
    } catch {
      throw new Error(`no Meent server answers at ${this.baseUrl} (start one with: meent serve; or set MEENT_HOST and MEENT_PORT to where it runs)`);
    }
    const body: unknown = await response.json();
    if (response.status === 401) {
      // The command signs its token with the secret it finds where it is told to look: not the server's, here.
      throw new Error(
        `the server at ${this.baseUrl} does not accept this command's token: run it with the server's MEENT_DATA_DIR (where its jwt-secret is) or its MEENT_JWT_SECRET`,
      );
    }
    if (!response.ok) {
      const problem = problemSchema.safeParse(body);
      throw new Error(problem.success ? problem.data.detail : `${method} ${path} answered ${response.status}`);
    }
    return schema.parse(body);
  }
}

export async function projectionsCommand(config: MeentConfig, args: string[]): Promise<void> {
  const [subcommand, name, ...extra] = args;
  const client = new AdminClient(config);
  if (subcommand === 'list' && !name) {
    const { projections } = await client.call('GET', '/admin/projections', listSchema);
    const rows = projections.map((projection) => [
      projection.name,
      projection.status,
      String(projection.generation),
      String(projection.position),
      String(projection.lag),
      String(projection.eventsPerSecond),
      projection.failure ? `${projection.failure.message} at ${projection.failure.position}` : '',
    ]);
    printTable(['NAME', 'STATUS', 'GENERATION', 'POSITION', 'LAG', 'EVENTS/S', 'FAILURE'], rows);
    return;
  }
  if (subcommand === 'replay' && name && extra.length === 0) {
    await replay(client, name);
    return;
  }
  throw new UsageError('projections list | projections replay NAME');
}

async function replay(client: AdminClient, name: string): Promise<void> {
  const path = `/admin/projections/${encodeURIComponent(name)}`;
  const started = await client.call('POST', `${path}/replay`, replaySchema);
  const interactive = process.stdout.isTTY === true;
  process.stdout.write(`replaying ${name} into generation ${started.generation} (target position ${started.targetPosition})\n`);
  for (;;) {
    const { replay: progress } = await client.call('GET', path, projectionSchema);
    if (!progress || progress.generation !== started.generation) throw new Error('the replay is no longer reported');
    if (interactive) process.stdout.write(`\r${replayBar(progress)}`);
    if (progress.status === 'failed') {
      throw new Error(`replay failed at position ${progress.failure?.position}: ${progress.failure?.message}`);
    }
    if (progress.status === 'completed') {
      process.stdout.write(`${interactive ? '\n' : ''}replay of ${name} completed at position ${progress.position}; now serving generation ${progress.generation}\n`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

function replayBar(progress: z.infer<typeof replaySchema>): string {
  const eta = progress.etaSeconds === null ? '?' : `${progress.etaSeconds}s`;
  return progressBar(progress.position, progress.targetPosition, `${progress.eventsPerSecond} ev/s ETA ${eta}`);
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  process.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n`);
}
