// A form's date and time (`<input type="datetime-local">`: no zone) is the cooperative's local time: Amsterdam's.

const ZONE = 'Europe/Amsterdam';
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** Minutes Amsterdam is ahead of UTC at an instant. */
function offsetMinutes(instant: number): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: ZONE,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(new Date(instant));
  const part = (type: string) => Number(parts.find((entry) => entry.type === type)?.value);
  const asUtc = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'));
  return Math.round((asUtc - Math.floor(instant / 60_000) * 60_000) / 60_000);
}

/** `2026-12-20T19:30` in Amsterdam as an ISO instant; undefined when the text is no such date and time. */
export function localTimeToIso(local: string): string | undefined {
  const match = LOCAL.exec(local);
  if (!match) return undefined;
  const [, year, month, day, hour, minute] = match.map(Number) as [number, number, number, number, number, number];
  const wallClock = Date.UTC(year, month - 1, day, hour, minute);
  // Date.UTC rolls a 31 November into December: a day, month, hour or minute out of range is no date and time.
  const read = new Date(wallClock);
  if (read.getUTCMonth() !== month - 1 || read.getUTCDate() !== day || read.getUTCHours() !== hour || read.getUTCMinutes() !== minute) return undefined;
  // The offset at the wall-clock time read as UTC is right but within hours of a change of clocks; asked again at
  // the instant that gives, it is right there too.
  const first = wallClock - offsetMinutes(wallClock) * 60_000;
  return new Date(wallClock - offsetMinutes(first) * 60_000).toISOString();
}
