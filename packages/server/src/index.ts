export * from './build-server.js';
export * from './config.js';
export { signingSecret, ensureDataDir } from './data-dir.js';
export { projectionSchema, replaySchema } from './admin-routes.js';
export { verifyCooperative, type Verification, type BrokenLink } from './audit/verification.js';
export { auditEvents, cooperativesInStore } from './audit/seal.js';
export { RIGHTS, rightsTableMarkdown } from './rights.js';
export { eventRegistry } from './events.js';
export { domainErrorsMarkdown } from './domain-errors.js';
