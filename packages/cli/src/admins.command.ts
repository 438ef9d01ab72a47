import { newUuidV7 } from '@meent/eventsourcing';
import { openReadModelStore, SessionStore, tokenSettings, type MeentConfig } from '@meent/server';
import { z } from 'zod';
import { UsageError } from './usage-error.js';

const USAGE = 'admins add EMAIL | admins remove EMAIL | admins list';
const email = z.email().max(254).transform((address) => address.toLowerCase());

/**
 * The deployment's admins: the addresses that sign in as admin with an e-mailed code. Kept beside the read models, as
 * the sessions are; removing an admin revokes their sessions.
 */
export async function adminsCommand(config: MeentConfig, args: string[]): Promise<void> {
  const [subcommand, address, ...extra] = args;
  if (extra.length > 0) throw new UsageError(USAGE);
  const store = openReadModelStore(config);
  try {
    const sessions = await SessionStore.open(store, tokenSettings(config).secret);
    switch (subcommand) {
      case 'add': {
        const parsed = email.safeParse(address);
        if (!parsed.success) throw new UsageError(`admins add takes an e-mail address\n  ${USAGE}`);
        const { id, added } = await sessions.addAdmin(newUuidV7(), parsed.data, new Date());
        process.stdout.write(`${added ? 'added' : 'already an admin'}: ${parsed.data} (${id})\n`);
        return;
      }
      case 'remove': {
        const parsed = email.safeParse(address);
        if (!parsed.success) throw new UsageError(`admins remove takes an e-mail address\n  ${USAGE}`);
        const removed = await sessions.removeAdmin(parsed.data, new Date());
        process.stdout.write(removed ? `removed: ${parsed.data}; their sessions are revoked\n` : `not an admin: ${parsed.data}\n`);
        if (!removed) process.exitCode = 1;
        return;
      }
      case 'list': {
        if (address !== undefined) throw new UsageError(USAGE);
        const admins = await sessions.admins();
        for (const admin of admins) process.stdout.write(`${admin.email}\t${admin.id}\tadded ${admin.addedAt}\n`);
        if (admins.length === 0) process.stdout.write('no admins: add one with meent admins add EMAIL\n');
        return;
      }
      default:
        throw new UsageError(USAGE);
    }
  } finally {
    await store.close();
  }
}
