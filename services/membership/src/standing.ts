// What other contexts may ask of the register: a person's standing in a cooperative now, and the caller as the
// access plugin needs them. Read from the member and cooperative streams, never from another context's projection.
export { callerResolver, standingIn } from './application/access.js';
