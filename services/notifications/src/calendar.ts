// Assemblies as iCalendar events (RFC 5545): the convocation's attachment and a member's calendar feed. The event's
// UID is the assembly's, so a calendar updates the meeting it already has instead of adding a second one.
import { createEvents, type EventAttributes } from 'ics';
import type { Venue } from './notices.js';

export interface CalendarAssembly {
  readonly assemblyId: string;
  readonly cooperative: string;
  readonly title: string;
  readonly scheduledAt: string;
  readonly venue: Venue;
  readonly cancelled: boolean;
  /** Raised each time the assembly changes, so calendars take the newest. */
  readonly sequence: number;
}

/** A meeting is put in the calendar for three hours unless it says otherwise. */
const MEETING_HOURS = 3;

function eventOf(assembly: CalendarAssembly): EventAttributes {
  return {
    uid: `assembly-${assembly.assemblyId}@meent`,
    start: new Date(assembly.scheduledAt).getTime(),
    startInputType: 'utc',
    startOutputType: 'utc',
    duration: { hours: MEETING_HOURS },
    title: `${assembly.title} — ${assembly.cooperative}`,
    ...(assembly.venue.kind === 'place'
      ? { location: assembly.venue.address }
      : { location: 'online', ...(assembly.venue.url ? { url: assembly.venue.url } : {}) }),
    status: assembly.cancelled ? 'CANCELLED' : 'CONFIRMED',
    sequence: assembly.sequence,
    productId: 'meent/assemblies',
  };
}

/** One calendar of the assemblies given; throws if the library refuses one (a date out of range). */
export function calendarOf(assemblies: readonly CalendarAssembly[], name: string): string {
  const { error, value } = createEvents(assemblies.map(eventOf), { productId: 'meent/assemblies', method: 'PUBLISH', calName: name });
  if (error || value === null) throw error ?? new Error('the calendar could not be written');
  return value;
}
