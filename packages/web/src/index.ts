export { webApp, type WebAppOptions } from './web-app.js';
export { fetchTransport, injectTransport, type ApiTransport } from './api.js';
