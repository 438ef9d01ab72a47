export * from './build-server.js';
export * from './config.js';
export { signingSecret, ensureDataDir } from './data-dir.js';
export { projectionSchema, replaySchema } from './admin-routes.js';
