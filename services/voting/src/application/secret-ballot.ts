// Sealing and unsealing secret ballots. Each round of a secret motion has its own key in the key store, apart from
// the event log; ballots enter the log only sealed under it, and the key is destroyed once the round is counted.
import { decryptWithKey, encryptFor, type EncryptedData, type KeyStore } from '@meent/eventsourcing';
import { z } from 'zod';
import { ballotKeySubject } from '../domain/motion.decider.js';
import { choiceSchema, type Choice } from '../domain/motion.events.js';

const sealedChoiceSchema = z.object({ choice: choiceSchema });

export async function openBallotBox(keys: KeyStore, motionId: string, round: number): Promise<void> {
  await keys.createKey(ballotKeySubject(motionId, round));
}

export function sealChoice(keys: KeyStore, motionId: string, round: number, choice: Choice): Promise<EncryptedData> {
  return encryptFor(keys, ballotKeySubject(motionId, round), { choice });
}

/** Opens the round's ballots with its key, fetched once; undefined when the key is gone. */
export async function ballotOpener(
  keys: KeyStore,
  motionId: string,
  round: number,
): Promise<((sealedChoice: EncryptedData) => Choice) | undefined> {
  const key = await keys.key(ballotKeySubject(motionId, round));
  return key && ((sealedChoice) => decryptWithKey(key, sealedChoice, sealedChoiceSchema).choice);
}

/** After counting, nobody — the server included — can tell from the log how a member voted. */
export async function destroyBallotKey(keys: KeyStore, motionId: string, round: number): Promise<void> {
  await keys.destroyKey(ballotKeySubject(motionId, round));
}
