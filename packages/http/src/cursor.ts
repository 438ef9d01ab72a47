// Keyset cursors for the API's lists: a page's last row's place in the list's order, handed to the client as an opaque
// token and taken back as `after`, so the next page starts in the index at once however long the list.
import { z } from 'zod';
import { HttpProblem } from './problem-details.js';

export interface CursorCodec<Place> {
  /** The `after` query parameter: a token this list handed out. */
  readonly query: z.ZodOptional<z.ZodString>;
  encode(place: Place): string;
  /** The place a token names; a 400 naming `after` when it is not one this list handed out. */
  decode(token: string): Place;
}

/** A cursor over a list ordered by `place`: `what` names the list in the message a forged or stale token gets. */
export function cursorCodec<Place>(place: z.ZodType<Place>, what: string): CursorCodec<Place> {
  const message = `is not a cursor ${what} handed out`;
  return {
    query: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, message)
      .max(1400)
      .optional()
      .describe("The previous page's `nextCursor`: the page starts after its last row, however long the list"),
    encode: (value) => Buffer.from(JSON.stringify(value)).toString('base64url'),
    decode(token) {
      const decoded = place.safeParse(parseJson(Buffer.from(token, 'base64url').toString('utf8')));
      if (!decoded.success) {
        throw new HttpProblem(400, 'VALIDATION', `after: ${message}`, { errors: [{ in: 'querystring', field: 'after', message }] });
      }
      return decoded.data;
    },
  };
}

/** A page's `nextCursor` in a response: null on the last page. */
export const nextCursorSchema = z.string().nullable().describe('Pass as `after` for the next page; null on the last page');

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
