import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@meent/event-store';
import type { Test } from 'tap';
import { SqliteReadModelStore } from '../sqlite-read-model-store.js';

export interface TemporaryStores {
  readonly directory: string;
  readonly store: SqliteEventStore;
  readonly readModels: SqliteReadModelStore;
}

/** A SQLite event store and read-model store in a fresh directory, closed and removed when the test ends. */
export function temporaryStores(t: Test): TemporaryStores {
  const directory = temporaryDirectory(t);
  const store = new SqliteEventStore({ path: join(directory, 'events.db') });
  const readModels = new SqliteReadModelStore({ path: join(directory, 'read-models.db') });
  t.teardown(async () => {
    await readModels.close();
    await store.close();
  });
  return { directory, store, readModels };
}

/** A fresh directory, removed when the test ends (after teardowns registered later have run). */
export function temporaryDirectory(t: Test): string {
  const directory = mkdtempSync(join(tmpdir(), 'meent-test-'));
  t.teardown(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}
