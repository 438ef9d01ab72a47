import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { eventRegistry, historyCsvChunks, openEventStore, type MeentConfig } from '@meent/server';
import { z } from 'zod';
import { progressBar, terminalProgress } from './progress.js';
import { parseCommandLine, UsageError } from './usage-error.js';

const exportOptions = z.object({
  cooperative: z.uuid({ error: '--cooperative takes a cooperative id' }),
  output: z.string().min(1, '--output names a file').optional(),
  separator: z.enum(['comma', 'semicolon'], { error: '--separator is comma or semicolon' }).default('comma'),
});

/**
 * Writes a cooperative's whole history as the API's CSV export gives it, read from the store itself: an archive needs
 * no running server. A file appears only once complete, so a failed export never leaves half an archive behind.
 */
export async function exportCommand(config: MeentConfig, args: string[]): Promise<void> {
  const [subject, ...rest] = args;
  if (subject !== 'history') throw new UsageError('export history --cooperative ID [--output FILE] [--separator comma|semicolon]');
  const { values } = parseCommandLine({
    args: rest,
    options: { cooperative: { type: 'string' }, output: { type: 'string' }, separator: { type: 'string' } },
    strict: true,
  });
  const parsed = exportOptions.safeParse(values);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => issue.message).join('; '));
  const { cooperative, output, separator } = parsed.data;

  const store = await openEventStore(config);
  const partial = output ? `${output}.partial` : undefined;
  const sink: Writable = partial ? createWriteStream(partial, { mode: 0o600 }) : process.stdout;
  const progress = terminalProgress();
  try {
    const head = await store.headPosition();
    let rows = 0;
    const chunks = historyCsvChunks(store, eventRegistry(), { cooperativeId: cooperative, after: 0 }, separator, (position) => {
      rows += 1;
      if (rows % 1_000 === 0) progress.show(progressBar(position, head, `${rows} events`));
    });
    for await (const chunk of chunks) {
      if (!sink.write(chunk)) await once(sink, 'drain');
    }
    progress.clear();
    if (partial && output) {
      sink.end();
      await once(sink, 'finish');
      await rename(partial, output);
      process.stderr.write(`${cooperative}: ${rows} events written to ${output}\n`);
    }
  } catch (error) {
    progress.clear();
    if (partial) {
      sink.destroy();
      await rm(partial, { force: true });
    }
    throw error;
  } finally {
    await store.close();
  }
}
