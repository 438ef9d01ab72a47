// What the `meent` command needs before any service loads — the configuration and how tokens are signed — so that
// help, a version or a usage error answers without importing the server.
export * from './config.js';
export { signingSecret, tokenSettings } from './data-dir.js';
