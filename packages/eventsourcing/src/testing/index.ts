export * from './decider-specification.js';
export * from './temporary-stores.js';
