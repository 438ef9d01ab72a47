import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { SqliteEventStore } from '@meent/event-store';
import { eventStoreContract } from '@meent/event-store/testing';

eventStoreContract(t, {
  async create() {
    const directory = mkdtempSync(join(tmpdir(), 'meent-sqlite-'));
    const path = join(directory, 'events.db');
    const store = new SqliteEventStore({ path });
    return {
      store,
      connectAgain: async () => new SqliteEventStore({ path }),
      async destroy() {
        await store.close();
        rmSync(directory, { recursive: true, force: true });
      },
    };
  },
});
