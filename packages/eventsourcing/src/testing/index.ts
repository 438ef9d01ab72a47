export * from './decider-specification.js';
export * from './temporary-stores.js';
export * from './read-side-specification.js';
export * from './store-contracts.js';
