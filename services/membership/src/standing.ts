// What other contexts may ask of the register: a person's standing and offices in a cooperative now, its rules in
// force, and the caller as the access plugin needs them. Read from the member and cooperative streams, never from another context's projection.
export { callerResolver, ensureNotInLiquidation, officesIn, rulesIn, standingIn } from './application/access.js';
