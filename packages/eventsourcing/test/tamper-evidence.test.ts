import { createHash } from 'node:crypto';
import t from 'tap';
import { chainEvents, checkEventHash, eventHash } from '@meent/eventsourcing';

const event = { stream: 'ledger-1', revision: 0, type: 'IncomeRecorded', data: { memberId: 'm-1', amountCents: 100 } };
const metadata = { occurredAt: '2026-11-28T10:00:00.000Z', actor: { roles: ['member'], id: 'a-1' }, previousHash: null };

t.test('a known answer: SHA-256 over the canonical JSON of stream, revision, type, data and metadata', async (t) => {
  // Written out by hand, keys sorted at every depth, so the digest does not lean on the code it checks.
  const canonical =
    '{"data":{"amountCents":100,"memberId":"m-1"},"metadata":{"actor":{"id":"a-1","roles":["member"]},' +
    '"occurredAt":"2026-11-28T10:00:00.000Z","previousHash":null},"revision":0,"stream":"ledger-1","type":"IncomeRecorded"}';
  const digest = 'a968c41f04670f97411a0b1ed2e8103c578fb3c740752a720ba7b309a1a37894';
  t.equal(createHash('sha256').update(canonical).digest('hex'), digest, 'the digest of that text');
  t.equal(eventHash(event, metadata), digest);
});

t.test('every part of the event is in the hash, its metadata included', async (t) => {
  const base = eventHash(event, metadata);
  t.not(eventHash({ ...event, stream: 'ledger-2' }, metadata), base, 'the stream');
  t.not(eventHash({ ...event, revision: 1 }, metadata), base, 'the revision');
  t.not(eventHash({ ...event, type: 'ExpenseBooked' }, metadata), base, 'the type');
  t.not(eventHash({ ...event, data: { ...event.data, amountCents: 101 } }, metadata), base, 'the data');
  t.not(eventHash(event, { ...metadata, actor: { id: 'a-2', roles: ['member'] } }), base, 'who acted');
  t.not(eventHash(event, { ...metadata, occurredAt: '2026-11-28T10:00:00.001Z' }), base, 'when');
  t.not(eventHash(event, { ...metadata, previousHash: 'f'.repeat(64) }), base, 'the link to the previous event');
});

t.test('a stored event whose metadata was edited no longer matches its hash', async (t) => {
  const [chained] = chainEvents(event.stream, 0, null, [{ id: 'e-1', type: event.type, data: event.data, metadata: { actor: metadata.actor, occurredAt: metadata.occurredAt } }]);
  if (!chained) throw new Error('chainEvents gave nothing');
  const stored = { ...chained, stream: event.stream, revision: 0, position: 1 };
  t.match(checkEventHash(stored), { stored: chained.metadata.hash, computed: chained.metadata.hash, previous: null }, 'as written');
  const edited = { ...stored, metadata: { ...stored.metadata, actor: { id: 'someone-else', roles: ['admin'] } } };
  const check = checkEventHash(edited);
  t.not(check.computed, check.stored, 'the actor changed afterwards shows');
});
