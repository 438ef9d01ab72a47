export * from './eventstoredb-test-cluster.js';
export { ReplicatedLog, type LogRecord } from './replicated-log.js';
