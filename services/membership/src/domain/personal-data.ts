// What the register holds about a person: only ever stored encrypted under the member's own key.
import { z } from 'zod';
import { NOTICE_LANGUAGES } from './cooperative-rules.js';

export const personalDataSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    email: z.email().max(254).transform((email) => email.toLowerCase()),
    address: z.string().trim().min(1).max(500).nullable().default(null),
    phone: z.string().trim().min(1).max(40).nullable().default(null),
    /** The language the member is written to in; null: the cooperative's (`rules.noticeLanguage`). */
    language: z.enum(NOTICE_LANGUAGES).nullable().default(null),
  })
  .meta({ id: 'PersonalData' });
export type PersonalData = z.infer<typeof personalDataSchema>;
