// What other contexts may ask of the register: a person's standing and offices in a cooperative now, its officers and
// rules in force, the caller as the access plugin needs them, and how to reach a member. Read from the member and
// cooperative streams, never from another context's projection.
export { callerResolver, ensureNotInLiquidation, letterheadOf, officersIn, officesIn, rulesIn, standingIn } from './application/access.js';
export { contactOf, memberByAddress, type Contact } from './application/contact.js';
