import t from 'tap';
import { TimeSlices } from '@meent/eventsourcing';

/** Work that never waits on I/O, as statements on the embedded store: it runs until `ms` have passed. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

t.test('a long loop that pauses between slices lets the event loop serve what waits meanwhile', async (t) => {
  let served = false;
  setImmediate(() => (served = true));
  const slices = new TimeSlices(2);
  for (let step = 0; step < 10 && !served; step += 1) {
    await slices.pause();
    busyFor(1);
  }
  t.ok(served, 'what waited was served before the loop ended');
});

t.test('a loop that has not run a slice yet goes on without a pause', async (t) => {
  let served = false;
  setImmediate(() => (served = true));
  const slices = new TimeSlices(60_000);
  for (let step = 0; step < 100; step += 1) await slices.pause();
  t.notOk(served, 'nothing else ran: no turn of the event loop was given up');
});
