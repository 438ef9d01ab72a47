import type { FastifyInstance } from 'fastify';

export interface ListenOptions {
  readonly host: string;
  readonly port: number;
}

/**
 * Listens, and on SIGTERM or SIGINT stops taking requests, lets those under way finish and runs every onClose hook
 * (projections, stores). A second signal while closing exits at once.
 */
export async function serve(app: FastifyInstance, options: ListenOptions): Promise<string> {
  let closing = false;
  const shutDown = (signal: NodeJS.Signals) => {
    if (closing) process.exit(1);
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutDown);
  process.on('SIGINT', shutDown);
  return app.listen({ host: options.host, port: options.port });
}
