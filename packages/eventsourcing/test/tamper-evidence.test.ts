import { createHash } from 'node:crypto';
import t from 'tap';
import { chainEvents, checkEventHash, eventHash, merkleRoot } from '@meent/eventsourcing';

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

t.test('a chain of events appended together: each revision in its hash, each linked to the one before', async (t) => {
  const appended = chainEvents('motion-1', 5, 'the-hash-before', [
    { id: 'e-5', type: 'VoteCast', data: { choice: 'for' }, metadata: { eventId: 'e-5' } },
    { id: 'e-6', type: 'VoteCast', data: { choice: 'against' }, metadata: { eventId: 'e-6' } },
    { id: 'e-7', type: 'VoteCast', data: { choice: 'for' }, metadata: { eventId: 'e-7' } },
  ]);
  const recorded = appended.map((event, index) => ({ ...event, stream: 'motion-1', revision: 5 + index, position: 40 + index }));
  t.same(recorded.map((event) => event.metadata.previousHash), ['the-hash-before', recorded[0]!.metadata.hash, recorded[1]!.metadata.hash]);
  for (const event of recorded) {
    const { stored, computed, previous } = checkEventHash(event);
    t.equal(computed, stored, `revision ${event.revision} matches its hash`);
    t.equal(previous, event.metadata.previousHash);
  }
  t.equal(recorded[0]!.metadata.eventId, 'e-5', 'the metadata it was given is kept');
});

t.test('the Merkle root over stream heads: sorted by stream, pairs hashed, an odd one out paired with itself', async (t) => {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const heads = [
    { stream: 'motion-2', revision: 4, hash: 'h-m2' },
    { stream: 'assembly-1', revision: 2, hash: 'h-a1' },
    { stream: 'member-9', revision: 0, hash: 'h-m9' },
  ];
  const [a1, m9, m2] = ['assembly-1\n2\nh-a1', 'member-9\n0\nh-m9', 'motion-2\n4\nh-m2'].map(sha256) as [string, string, string];
  t.equal(merkleRoot(heads), sha256(sha256(a1 + m9) + sha256(m2 + m2)), 'three heads, known answer');
  t.equal(merkleRoot([...heads].reverse()), merkleRoot(heads), 'in any order given');
  t.equal(merkleRoot([heads[0]!]), sha256('motion-2\n4\nh-m2'), 'one head is its own root');
  t.equal(merkleRoot([]), sha256(''), 'no heads: the hash of nothing');
  t.not(merkleRoot([{ ...heads[0]!, revision: 5 }, heads[1]!, heads[2]!]), merkleRoot(heads), 'a later head changes the root');
});

t.test('an event recorded before events were chained carries no hash: nothing stored, nothing before it', async (t) => {
  const unchained = { id: 'e-1', stream: 'member-1', revision: 0, position: 1, type: 'MemberRegistered', data: {}, metadata: { eventId: 'e-1' } };
  const { stored, previous, computed } = checkEventHash(unchained);
  t.equal(stored, null);
  t.equal(previous, null);
  t.equal(computed, eventHash(unchained, { eventId: 'e-1' }));
});
