import t from 'tap';
import { z } from 'zod';
import { EventDecodingError, EventRegistry, defineEvent } from '@meent/eventsourcing';
import { Incremented } from './counter.fixture.js';

const metadata = (schemaVersion: number) => ({
  eventId: 'e-1',
  cooperativeId: 'c-1',
  actor: { id: 'a-1', roles: ['member'] },
  correlationId: 'r-1',
  causationId: null,
  occurredAt: '2026-11-25T10:00:00.000Z',
  schemaVersion,
});
const recorded = (type: string, data: Record<string, unknown>, schemaVersion: number) => ({
  id: 'e-1',
  stream: 'counter-1',
  revision: 4,
  position: 17,
  type,
  data: data as never,
  metadata: metadata(schemaVersion),
});

const registry = new EventRegistry([Incremented]);

t.test('when an event was stored under an older version', async (t) => {
  t.test('upcasts it to the current shape', async (t) => {
    const event = registry.decode(recorded('Incremented', { amount: 3 }, 1));
    t.same(event.data, { by: 3 });
    t.equal(event.metadata.schemaVersion, 2);
  });
  t.test('rejects data the upcast does not make valid, naming the event', async (t) => {
    const error = t.throws(() => registry.decode(recorded('Incremented', { amount: -1 }, 1)), { name: 'EventDecodingError' });
    t.ok(error instanceof EventDecodingError);
    t.match(String(error), /Incremented at counter-1@4 \(position 17\): data/);
  });
});

t.test('when an event is read back', async (t) => {
  t.test('accepts the current version as stored', async (t) => {
    t.same(registry.decode(recorded('Incremented', { by: 2 }, 2)).data, { by: 2 });
  });
  t.test('rejects an unknown type', async (t) => {
    t.throws(() => registry.decode(recorded('Decremented', { by: 2 }, 1)), /unknown event type/);
  });
  t.test('rejects a version newer than this process knows', async (t) => {
    t.throws(() => registry.decode(recorded('Incremented', { by: 2 }, 3)), /stored as v3/);
  });
  t.test('rejects metadata without an actor', async (t) => {
    const event = recorded('Incremented', { by: 2 }, 2);
    t.throws(() => registry.decode({ ...event, metadata: { ...event.metadata, actor: null } }), /metadata/);
  });
});

t.test('when an event is appended', async (t) => {
  t.test('carries its schema version and validates its data', async (t) => {
    const { eventId, cooperativeId, actor, correlationId, causationId, occurredAt } = metadata(2);
    const base = { eventId, cooperativeId, actor, correlationId, causationId, occurredAt };
    t.same(registry.encode(Incremented({ by: 1 }), base).metadata, { ...base, schemaVersion: 2 });
    t.throws(() => registry.encode(Incremented({ by: 0 }), base), { name: 'ZodError', message: /by/ }, 'data the schema refuses');
  });
});

t.test('a definition at version 2 needs an upcaster from version 1', async (t) => {
  t.throws(() => defineEvent('Broken', { version: 2, schema: z.object({}) }), /no upcaster from v1/);
});

t.test('a type registered twice with different definitions is refused', async (t) => {
  const again = defineEvent('Incremented', { schema: z.object({}) });
  t.throws(() => new EventRegistry([Incremented, again]), /defined twice/);
});
