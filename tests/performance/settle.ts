// For the benchmarks: a server left to finish its backlog before anything is timed.
import type { FastifyInstance } from 'fastify';

/**
 * Waits until every projection has caught up, every reaction has finished the events up to `position` (notices to
 * every member among them) and every letter is sent (without SMTP: written to a file), so what is timed next does not
 * share the process with their backlog. The admin API offers no wait for this, so it asks every 100 ms.
 */
export async function settle(app: FastifyInstance, adminToken: string, position = 0): Promise<void> {
  const read = async <Body>(url: string) => (await app.inject({ url, headers: { authorization: `Bearer ${adminToken}` } })).json() as Body;
  for (;;) {
    const { projections } = await read<{ projections: { lag: number }[] }>('/admin/projections');
    const { reactions } = await read<{ reactions: { position: number }[] }>('/admin/reactions');
    const { deliveries } = await read<{ deliveries: unknown[] }>('/admin/notifications?status=pending&limit=1');
    const caughtUp = projections.every((projection) => projection.lag === 0) && reactions.every((reaction) => reaction.position >= position);
    if (caughtUp && deliveries.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
