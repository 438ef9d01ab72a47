export * from './app.js';
export * from './auth.js';
export * from './metrics.js';
export * from './problem-details.js';
export * from './serve.js';
export * from './read-your-writes.js';
export * from './csv.js';
export * from './access.js';
