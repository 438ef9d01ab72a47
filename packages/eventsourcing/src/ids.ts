// uuid's v7 asks webcrypto for 16 random bytes per id, ~5 µs each, and a command takes two or three ids (the
// request's, its events'). Entropy is drawn 4 KiB at a time instead, as node's own randomUUID does.
import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

const ENTROPY_BYTES = 4096;
const entropy = Buffer.alloc(ENTROPY_BYTES);
let drawn = ENTROPY_BYTES;
let lastMillisecond = -Infinity;
let sequence = 0;

/**
 * A uuid v7 (RFC 9562), increasing within this process as uuid's own are: ids of one millisecond are ordered by a
 * counter that starts at a random value each millisecond and, should it wrap, moves the time on by one.
 */
export function newUuidV7(): string {
  if (drawn === ENTROPY_BYTES) {
    randomFillSync(entropy);
    drawn = 0;
  }
  const random = entropy.subarray(drawn, drawn + 16);
  drawn += 16;
  const now = Date.now();
  if (now > lastMillisecond) {
    lastMillisecond = now;
    sequence = entropy.readUInt32BE(drawn - 10) & 0x7fffffff;
  } else {
    sequence = (sequence + 1) | 0;
    if (sequence === 0) lastMillisecond += 1;
  }
  return v7({ msecs: lastMillisecond, seq: sequence, random });
}
