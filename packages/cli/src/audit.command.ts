import { cooperativesInStore, eventRegistry, openEventStore, verifyCooperative, type MeentConfig } from '@meent/server';
import { z } from 'zod';
import { progressBar, terminalProgress } from './progress.js';
import { UsageError } from './usage-error.js';

/**
 * Rechecks the store itself rather than asking the server, so a verification never rests on the process it checks.
 * Exits 1 when any link is broken.
 */
export async function auditCommand(config: MeentConfig, args: string[]): Promise<void> {
  const [subcommand, ...rest] = args;
  if (subcommand !== 'verify') throw new UsageError('audit verify [--cooperative ID]');
  const cooperativeFlag = rest[0] === '--cooperative' ? rest[1] : undefined;
  if (rest.length > 0 && !z.uuid().safeParse(cooperativeFlag).success) {
    throw new UsageError('--cooperative takes a cooperative id');
  }
  const store = await openEventStore(config);
  const registry = eventRegistry();
  try {
    const cooperatives = cooperativeFlag ? [cooperativeFlag] : await cooperativesInStore(store);
    const head = await store.headPosition();
    const progress = terminalProgress();
    let broken = false;
    for (const cooperativeId of cooperatives) {
      const result = await verifyCooperative(store, cooperativeId, (type) => registry.isWithheld(type), (position) =>
        progress.show(`${cooperativeId} ${progressBar(position, head)}`),
      );
      progress.clear();
      const link = result.firstBrokenLink;
      if (link) {
        broken = true;
        process.stdout.write(
          `${cooperativeId}: BROKEN at ${link.stream} revision ${link.revision} (position ${link.position}): ${link.problem}; expected ${link.expected}, found ${link.found}\n`,
        );
      } else {
        process.stdout.write(
          `${cooperativeId}: verified ${result.events} events in ${result.streams} streams, ${result.seals} seals${result.latestRoot ? `, latest root ${result.latestRoot}` : ''}\n`,
        );
      }
    }
    if (cooperatives.length === 0) process.stdout.write('no cooperatives in this store\n');
    if (broken) process.exitCode = 1;
  } finally {
    await store.close();
  }
}
