// A subpath of its own: the gRPC client loads only in a process configured for EventStoreDB.
export { gossipSeeds, EventStoreDbEventStore, type EventStoreDbEventStoreOptions } from './eventstoredb-event-store.js';
